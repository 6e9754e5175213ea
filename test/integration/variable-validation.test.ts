// The root module's input validation, case by case, planned by the real binary over variables.tf
// alone (test/support/variables-only.ts: no provider, ~0.5 s a plan). Each example test keeps one
// end-to-end bad plan through its own inputs.
import { describe, expect, it } from 'vitest';
import { planArguments } from '../support/variables-only.js';

describe('root variable validation (variables.tf planned without providers)', () => {
  it('accepts the defaults', async () => {
    expect(await planArguments('')).toEqual({ code: 0, said: '' });
  });

  it('world-open: host bits, ::/0 and a reversed port range are refused, each by name', async () => {
    const { code, said } = await planArguments(`  world_open_replacement_cidrs_ipv4 = ["198.51.100.7/24"]
  world_open_replacement_cidrs_ipv6 = ["::/0"]
  world_open_authorized_tcp_ports   = ["443-80"]`);
    expect(code).toBe(1);
    expect(said.match(/Invalid value for variable/g)).toHaveLength(3);
    expect(said).toMatch(/world_open_replacement_cidrs_ipv4 must hold IPv4 network CIDRs like 198\.51\.100\.0\/24 \(no host bits/);
    expect(said).toMatch(/world_open_replacement_cidrs_ipv6 must not contain a \/0/);
    expect(said).toMatch(/world_open_authorized_tcp_ports must hold ports/);
  });

  it("security hub: a product other than an account's default one is refused", async () => {
    const guardDuty = await planArguments(`  enable_security_hub_findings = true
  security_hub_product_arn     = "arn:aws:securityhub:us-east-1::product/aws/guardduty"`);
    expect(guardDuty.code).toBe(1);
    expect(guardDuty.said).toMatch(/security_hub_product_arn must be an account's default product ARN/);
    const own = await planArguments(`  enable_security_hub_findings = true
  security_hub_product_arn     = "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"`);
    expect(own).toEqual({ code: 0, said: '' });
  });
});

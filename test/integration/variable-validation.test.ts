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
  it('organization: a valid hub is accepted; malformed IDs, regions, principals, pacing and an unconditioned member-role trust are refused, each by its path', async () => {
    expect(await planArguments(`  organization = {
    organization_id = "o-a1b2c3d4e5"
    external_id     = "sg-guardian-prod"
    member_accounts = { "111111111111" = ["us-east-1", "ap-southeast-5"] }
    share_prefix_lists_with = ["arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5", "arn:aws:organizations::999999999999:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56", "222222222222"]
    sweep_concurrency = 8
  }`)).toEqual({ code: 0, said: '' });

    const bad = await planArguments(`  organization = {
    organization_id = "o-1"
    external_id     = "x"
    member_role_name = "path/role"
    member_accounts = { "11111111111" = ["us-east-1"], "222222222222" = ["eu-west-1", "eu-west-1"], "333333333333" = [] }
    event_bus_name  = "default"
    share_prefix_lists_with = ["o-a1b2c3d4e5"]
    sweep_concurrency = 0.5
    mutating_calls_per_second = 0
  }`);
    expect(bad.code).toBe(1);
    for (const m of [
      'organization.member_role_name must be 1-64 characters',
      'organization.external_id must be 2-1224 characters',
      'organization.organization_id must look like o-a1b2c3d4e5',
      'organization.member_accounts keys must be 12-digit AWS account IDs.',
      'organization.member_accounts: each account needs a non-empty list of distinct region names',
      'organization.event_bus_name must be 1-256 letters',
      'organization.share_prefix_lists_with: each must be an organization ARN',
      'organization.sweep_concurrency must be a whole number from 1 to 32',
      'organization.mutating_calls_per_second must be above 0 and at most 100',
    ]) expect(bad.said).toContain(m);
    expect(bad.said.match(/Invalid value for variable/g)).toHaveLength(9);

    // Neither organization ID nor external ID: a member role would trust the hub role with no condition.
    const open = await planArguments(`  organization = { member_accounts = { "111111111111" = ["us-east-1"] } }`);
    expect(open.code).toBe(1);
    expect(open.said).toContain('organization: give organization_id (aws:PrincipalOrgID) or external_id (sts:ExternalId)');
    expect(open.said.match(/Invalid value for variable/g)).toHaveLength(1);
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

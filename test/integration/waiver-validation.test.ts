// drift_waivers at plan time: the module's own variables.tf and waivers.tf (copied, not restated)
// applied in a temp dir with no provider, so each check takes under a second: a malformed or
// expired waiver fails with its message, a valid one reaches the settings in the Lambda's shape.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOGC, repoRoot, tfBinary } from '../support/terraform.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const run = promisify(execFile);
const VALID = { group_id: 'sg-0123456789abcdef0', protocol: 'tcp', from_port: 8443, to_port: 8443, source: '198.51.100.7/32', expires: '2099-01-01T00:00:00Z', reason: 'vendor debugging', owner: 'alice@example.com' };
let dir = '';

async function apply(waivers: object[]): Promise<{ code: number; out: string }> {
  fs.writeFileSync(path.join(dir, 'w.tfvars.json'), JSON.stringify({ drift_waivers: waivers }));
  const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', GOGC: process.env.GOGC ?? GOGC };
  try {
    await run(tfBinary(), ['apply', '-auto-approve', '-input=false', '-no-color', '-var-file=w.tfvars.json'], { cwd: dir, env });
    const { stdout } = await run(tfBinary(), ['output', '-json', 'waivers'], { cwd: dir, env });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`.replace(/\s+/g, ' ') };
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-waivers-'));
  for (const f of ['variables.tf', 'waivers.tf']) fs.copyFileSync(path.join(repoRoot, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'outputs.tf'), 'output "waivers" {\n  value = local.waivers_config\n}\n');
  await run(tfBinary(), ['init', '-input=false', '-no-color'], { cwd: dir });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('drift_waivers validation at plan time', () => {
  it('a valid waiver reaches the settings as the Lambda parses them', async () => {
    const res = await apply([VALID, { ...VALID, protocol: '-1', from_port: null, to_port: null, source: 'pl-0123456789abcdef0', expires: '2099-01-01T00:00:00+02:00' }]);
    expect(res.code, res.out).toBe(0);
    const waivers = JSON.parse(res.out) as object[];
    expect(waivers[0]).toEqual({ groupId: VALID.group_id, direction: 'ingress', protocol: 'tcp', fromPort: 8443, toPort: 8443, source: VALID.source, expires: VALID.expires, reason: VALID.reason, owner: VALID.owner });
    expect(parseSettings(JSON.stringify({ waivers })).waivers).toHaveLength(2);
  });

  it.each<[string, object, RegExp]>([
    ['expired', { expires: '2020-01-01T00:00:00Z' }, /a waiver has already expired \(expires is in the past\)/],
    ['expires not RFC 3339', { expires: 'next tuesday' }, /expires must be an RFC 3339 time with a zone/],
    ['expires without a zone', { expires: '2099-01-01T00:00:00' }, /expires must be an RFC 3339 time with a zone/],
    ['source not a CIDR', { source: '198.51.100.300/32' }, /source must be a CIDR/],
    ['group ID', { group_id: 'sg-XYZ' }, /group_id must be a security group ID/],
    ['port range reversed', { from_port: 9000 }, /tcp and udp need whole from_port <= to_port/],
    ['ports on protocol -1', { protocol: '-1' }, /protocol -1 takes none/],
    ['protocol', { protocol: 'gre' }, /protocol must be tcp, udp, icmp, icmpv6, -1/],
    ['empty owner', { owner: ' ' }, /reason and owner must not be empty/],
    ['too long for the function environment', { reason: 'x'.repeat(2100) }, /too long for the function's environment/],
  ])('refuses: %s', async (_label, over, message) => {
    const res = await apply([{ ...VALID, ...over }]);
    expect(res.code).not.toBe(0);
    expect(res.out).toMatch(message);
  });
});

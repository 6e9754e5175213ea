// The operator CLI: the same decoders and planners as the Lambda, no AWS call; bad input exits 2
// with a message naming what was wrong. Runs both the source (main) and the committed bundle.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda-src/cli/main.js';

const S = path.resolve(import.meta.dirname, '../fixtures/samples');
const sample = (n: string) => path.join(S, n);

function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, json: () => JSON.parse(out) as Record<string, unknown> };
}

function tmpFile(name: string, content: string) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-cli-')), name);
  fs.writeFileSync(f, content);
  return f;
}

describe('sg-guardian explain', () => {
  it('explains the go-sdk ssh-from-anywhere sample (panther) as a revoke plus a notification', () => {
    const r = cli('explain', sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json'));
    expect(r.code, r.err).toBe(0);
    const j = r.json() as { kind: string; event: { name: string; groupId: string; failed: boolean }; actions: { type: string; groupId?: string; permissions?: unknown[] }[] };
    expect(j.kind).toBe('cloudtrail');
    expect(j.event).toMatchObject({ name: 'AuthorizeSecurityGroupIngress', groupId: 'sg-0d921df5d84f7270a', failed: false });
    expect(j.actions.map((a) => a.type)).toEqual(['revoke-ingress', 'notify']);
    expect(j.actions[0]!.permissions).toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
  });

  it('says a failed call (errorCode RequestExpired sample) is ignored, with the reason', () => {
    const r = cli('explain', sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-errorCode-RequestExpired_panther-edited.json'));
    const j = r.json() as { event: { failed: string }; actions: { type: string; reason: string }[] };
    expect(j.event.failed).toBe('RequestExpired');
    expect(j.actions).toEqual([{ type: 'ignore', reason: expect.stringContaining('RequestExpired') as unknown }]);
  });

  it('takes the same settings as the Lambda: an allowed principal is ignored', () => {
    const config = tmpFile('settings.json', JSON.stringify({ drift: { allowedPrincipalArns: ['arn:aws:iam::112233445566:role/Operator'] } }));
    const r = cli('explain', sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json'), '--config', config);
    const j = r.json() as { actions: { type: string }[] };
    expect(j.actions.map((a) => a.type)).toEqual(['ignore']);
  });

  it('plans the world-open replacement for a Config remediation message with --group-file', () => {
    const event = tmpFile('event.json', JSON.stringify({ Records: [{ EventSource: 'aws:sns', Sns: { Message: 'sg-0123456789abcdef0', TopicArn: 'arn:aws:sns:us-east-1:123456789012:remediation' } }] }));
    const rules = tmpFile('rules.json', JSON.stringify({ SecurityGroupRules: [
      { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', GroupId: 'sg-0123456789abcdef0', IsEgress: false, IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIpv4: '0.0.0.0/0', Description: 'db' },
    ] }));
    const config = tmpFile('settings.json', JSON.stringify({ worldOpen: { replacementCidrsIpv4: ['10.20.0.0/16'] } }));
    const intent = cli('explain', event, '--config', config).json() as { kind: string; actions: { type: string; groupId: string }[] };
    expect(intent.kind).toBe('config-remediation');
    expect(intent.actions).toMatchObject([{ type: 'remediate-group', groupId: 'sg-0123456789abcdef0' }]);
    const plan = cli('explain', event, '--config', config, '--group-file', rules).json() as { actions: { type: string; ruleIds?: string[]; permissions?: unknown[] }[] };
    expect(plan.actions.map((a) => a.type)).toEqual(['authorize-ingress', 'revoke-ingress', 'notify']);
    expect(plan.actions[0]!.permissions).toEqual([{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.0.0/16', Description: 'db' }] }]);
    expect(plan.actions[1]!.ruleIds).toEqual(['sgr-0aaaaaaaaaaaaaaa1']);
  });

  it('exits 2 naming the field for a malformed event, a bad settings key and a missing file', () => {
    const broken = JSON.parse(fs.readFileSync(sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json'), 'utf8')) as Record<string, unknown>;
    delete broken.eventName;
    const r1 = cli('explain', tmpFile('e.json', JSON.stringify(broken)));
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/eventName/);
    const r2 = cli('explain', sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json'), '--config', tmpFile('s.json', '{"drift":{"guardedGroupIds":["web"]}}'));
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/drift\.guardedGroupIds\[0\]/);
    const r3 = cli('explain', '/nonexistent/event.json');
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/cannot read event/);
  });
});

describe('sg-guardian ranges (the committed bundle)', () => {
  const bundle = path.resolve(import.meta.dirname, '../../dist/cli.mjs');
  const run = (...args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [bundle, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { code: x.status, out: x.stdout, err: x.stderr };
    }
  };

  it('prints the CLOUDFRONT_ORIGIN_FACING set of the 2024 ip-ranges.json (md5 from the 2024 notice) sorted and canonical', () => {
    const r = run('ranges', 'aws', '--file', sample('ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'), '--expect-md5', '7d512815cbb10c21eb790c7f2f02e0b7');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { ipv4: string[]; ipv6: string[]; syncToken: string };
    expect(j.syncToken).toBe('1720490589');
    expect(j.ipv4).toHaveLength(47);
    // Sorted by address, then prefix length, each written in canonical form (host bits zero).
    const key = (c: string) => { const [ip, len] = c.split('/'); return ip!.split('.').reduce((n, o) => n * 256 + Number(o), 0) * 64 + Number(len); };
    for (let i = 1; i < j.ipv4.length; i++) expect(key(j.ipv4[i]!)).toBeGreaterThan(key(j.ipv4[i - 1]!));
    for (const c of j.ipv4) {
      const [ip, len] = c.split('/');
      const n = ip!.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      expect(n % 2 ** (32 - Number(len))).toBe(0);
    }
  });

  it('exits 2 on an md5 mismatch and says which', () => {
    const r = run('ranges', 'aws', '--file', sample('ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'), '--expect-md5', 'ffffffffffffffffffffffffffffffff');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/md5.*mismatch/);
  });

  it('reads the Cloudflare text lists (no trailing newline): 15 IPv4 and 7 IPv6', () => {
    const r = run('ranges', 'cloudflare', '--v4', sample('cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'), '--v6', sample('cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'));
    const j = JSON.parse(r.out) as { ipv4: string[]; ipv6: string[] };
    expect([j.ipv4.length, j.ipv6.length]).toEqual([15, 7]);
  });
});

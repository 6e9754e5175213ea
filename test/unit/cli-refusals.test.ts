// Issue #15 through the operator CLI: every defect class exits 2 with a reason naming the field,
// a short excerpt and no raw control character; the catastrophic glob answers at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda-src/cli/main.js';

function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-strict-'));
let n = 0;
const file = (content: unknown) => {
  const f = path.join(dir, `f${n++}.json`);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};

const G = 'sg-0123456789abcdef0';
const record = (eventName: string, requestParameters: unknown, responseElements: unknown = { _return: true }, userIdentity: unknown = { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/${'a'.repeat(64)}/${'a'.repeat(62)}`, accountId: '111122223333' }) => ({
  userIdentity, eventTime: '2024-05-01T10:00:00Z', eventSource: 'ec2.amazonaws.com', eventName, awsRegion: 'eu-west-1', eventID: 'e-1', recipientAccountId: '111122223333', requestParameters, responseElements,
});
const authorize = (p: Record<string, unknown>) => record('AuthorizeSecurityGroupIngress', { groupId: G, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] }, ...p }] } });
let deep: unknown = { type: 'IAMUser' };
for (let i = 0; i < 3_000; i++) deep = { sessionContext: deep };

describe('sg-guardian explain refuses hostile input with exit 2 and a reason', () => {
  it.each([
    ['direction', record('RevokeSecurityGroupIngress', { groupId: G }, { revokedSecurityGroupRuleSet: { items: [{ securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa', groupId: G, isEgress: true, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }] } }), /revokedSecurityGroupRuleSet\.items\[0\]\.isEgress: says egress, but the call changed ingress rules/],
    ['protocol "06"', authorize({ ipProtocol: '06' }), /ipProtocol: "06" is not a protocol EC2 accepts \(leading zero\)/],
    ['protocol "tcp "', authorize({ ipProtocol: 'tcp ' }), /ipProtocol: "tcp " is not a protocol EC2 accepts \(surrounding whitespace\)/],
    ['no source', authorize({ ipRanges: {} }), /items\[0\]: names no source/],
    ['group pair without a group', authorize({ ipRanges: {}, groups: { items: [{ userId: '1' }] } }), /groups\.items\[0\]\.groupId: a group source needs groupId/],
    ['3,000-deep userIdentity', record('AuthorizeSecurityGroupIngress', { groupId: G }, null, deep), /nested deeper than 32 levels; refused before parsing/],
    ['invokingEvent a number', { configRuleName: 'r', invokingEvent: 42 }, /^sg-guardian: invokingEvent: expected string or object, got number/],
    ['null messageType', { Records: [{ Sns: { Message: JSON.stringify({ messageType: null, resourceId: 'x' }) } }] }, /Message\.messageType: null names no resource/],
    ['two SNS records', { Records: [{ Sns: { Message: G } }, { Sns: { Message: G } }] }, /Records: expected exactly one SNS record/],
  ])('%s', (_label, event, why) => {
    const r = cli('explain', file(event));
    expect(r.code, r.out).toBe(2);
    expect(r.err).toMatch(why);
    expect(r.err.length).toBeLessThan(1_000);
  });

  it('a 100 KB value with control characters: a short, escaped excerpt', () => {
    const r = cli('explain', file({ source: 'aws.config', 'detail-type': `Config \u001b[2J${'x'.repeat(100_000)}`, detail: {} }));
    expect(r.code).toBe(2);
    expect(r.err.length).toBeLessThan(500);
    expect(r.err).toContain('\\u001b[2J');
    // eslint-disable-next-line no-control-regex
    expect(r.err.trimEnd()).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('a 50 KB allowedPrincipalArns pattern is a settings refusal', () => {
    const r = cli('explain', file(authorize({})), '--config', file({ drift: { allowedPrincipalArns: [`arn:${'*a'.repeat(25_000)}`] } }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/drift\.allowedPrincipalArns\[0\]: must be at most 1024 characters/);
  });

  it('the 7-wildcard pattern against a 168-character session ARN plans in milliseconds', () => {
    const started = performance.now();
    const r = cli('explain', file(authorize({})), '--config', file({ drift: { allowedPrincipalArns: ['arn:*a*a*a*a*a*a*a:role/ci'] } }));
    expect(r.code, r.err).toBe(0);
    expect(performance.now() - started).toBeLessThan(500); // includes reading files and rendering; the match is < 1 ms
  });
});

describe('sg-guardian ranges refuses feeds it would have widened', () => {
  it.each([
    ['1.2.3.4/0', '', /ips-v4 line 1: "1\.2\.3\.4\/0" has host bits set \(its network is 0\.0\.0\.0\/0\)/],
    ['', '::ffff:1.2.3.0/120', /ips-v6 line 1: "::ffff:1\.2\.3\.0\/120" is IPv4-mapped IPv6/],
  ])('%j / %j', (v4, v6, why) => {
    const r = cli('ranges', 'cloudflare', '--v4', file(v4), '--v6', file(v6));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(why);
  });
});

// Issue #15: one regression test per defect class the hostile-input run found. Each input used to
// be planned, crash or stall; each is now a DecodeError naming the field and why, or (globs) fast.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import { parseAwsIpRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { parseCloudflareApi, parseCloudflareText } from '../../lambda-src/feeds/cloudflare.js';
import { planDrift } from '../../lambda-src/plan/drift.js';
import { globMatches } from '../../lambda-src/policy/principals.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const G = 'sg-0123456789abcdef0';
const record = (eventName: string, requestParameters: unknown, responseElements: unknown = { _return: true }, over: Record<string, unknown> = {}) => ({
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333' },
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName,
  awsRegion: 'eu-west-1',
  eventID: 'e-1',
  recipientAccountId: '111122223333',
  requestParameters,
  responseElements,
  ...over,
});
const perm = (over: Record<string, unknown>) => ({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] }, ipv6Ranges: {}, prefixListIds: {}, groups: {}, ...over });
const authorize = (p: Record<string, unknown>) => record('AuthorizeSecurityGroupIngress', { groupId: G, ipPermissions: { items: [perm(p)] } });

function refusal(input: unknown): DecodeError {
  try {
    decodeEvent(input);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return err as DecodeError;
  }
  throw new Error('expected a refusal');
}

describe('plans that change what the input never named', () => {
  const revoked = (eventName: string, isEgress: boolean) =>
    record(eventName, { groupId: G, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa' }] } }, {
      _return: true,
      revokedSecurityGroupRuleSet: { items: [{ securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa', groupId: G, isEgress, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }] },
    });

  it.each([
    ['RevokeSecurityGroupIngress', true, 'egress', 'ingress'],
    ['RevokeSecurityGroupEgress', false, 'ingress', 'egress'],
  ])('%s whose revoked rule says isEgress %s is refused, not undone the other way', (name, isEgress, says, call) => {
    const e = refusal(revoked(name, isEgress));
    expect(e.path).toBe('responseElements.revokedSecurityGroupRuleSet.items[0].isEgress');
    expect(e.message).toContain(`says ${says}, but the call changed ${call} rules`);
  });

  it('the same revoke with a matching isEgress is re-authorized in its own direction', () => {
    const event = decodeEvent(revoked('RevokeSecurityGroupIngress', false));
    if (event.kind !== 'cloudtrail') throw new Error(event.kind);
    expect(planDrift(event, { settings: parseSettings('{}') })[0]).toMatchObject({ type: 'authorize-ingress', groupId: G, permissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
  });

  it('a rule item of another group is refused', () => {
    const input = record('RevokeSecurityGroupIngress', { groupId: G }, { revokedSecurityGroupRuleSet: { items: [{ securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa', groupId: 'sg-0fffffffffffffff0', ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }] } });
    expect(refusal(input).message).toMatch(/is not the call's group sg-0123456789abcdef0/);
  });

  it.each(['06', '006', 'tcp ', ' tcp', 'all', '256', 'tcp\u0000'])('protocol %j is refused, not read as "all ports"', (protocol) => {
    const e = refusal(authorize({ ipProtocol: protocol }));
    expect(e.path).toBe('requestParameters.ipPermissions.items[0].ipProtocol');
    expect(e.message).toMatch(/is not a protocol EC2 accepts/);
  });

  it.each([
    ['TCP', 'tcp'],
    [6, '6'],
    ['17', '17'],
  ])('protocol %j is taken as %j, with its ports', (protocol, canonical) => {
    const event = decodeEvent(authorize({ ipProtocol: protocol }));
    expect(event).toMatchObject({ permissions: [{ IpProtocol: canonical, FromPort: 443, ToPort: 443 }] });
  });

  it.each([
    ['no source at all', { ipRanges: {} }, 'requestParameters.ipPermissions.items[0]', /names no source/],
    ['a group pair without a group', { ipRanges: {}, groups: { items: [{ userId: '111122223333' }] } }, 'requestParameters.ipPermissions.items[0].groups.items[0].groupId', /needs groupId/],
    ['a CIDR that is not one', { ipRanges: { items: [{ cidrIp: '10.0.0.0/33' }] } }, 'requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp', /is not an IPv4 CIDR/],
    ['an IPv6 CIDR in ipRanges', { ipRanges: { items: [{ cidrIp: '::/0' }] } }, 'requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp', /is not an IPv4 CIDR/],
    ['tcp without ports', { fromPort: null, toPort: null }, 'requestParameters.ipPermissions.items[0].fromPort', /needs both fromPort and toPort/],
    ['tcp ports reversed', { fromPort: 444, toPort: 443 }, 'requestParameters.ipPermissions.items[0].fromPort', /above toPort/],
    ['tcp port -1', { fromPort: -1, toPort: -1 }, 'requestParameters.ipPermissions.items[0].fromPort', /0-65535/],
    ['an ICMP type without a code', { ipProtocol: 'icmp', fromPort: 8, toPort: undefined }, 'requestParameters.ipPermissions.items[0].toPort', /type and code together/],
    ['a port with a space', { fromPort: ' 443' }, 'requestParameters.ipPermissions.items[0].fromPort', /expected a port number/],
  ])('%s is refused', (_label, over, path, why) => {
    const e = refusal(authorize(over));
    expect(e.path).toBe(path);
    expect(e.message).toMatch(why);
  });

  it('a failed call with a malformed request is still ignored, not refused (nothing changed)', () => {
    const event = decodeEvent({ ...authorize({ ipProtocol: 'tcp ', ipRanges: {} }), errorCode: 'InvalidParameterValue' });
    if (event.kind !== 'cloudtrail') throw new Error(event.kind);
    expect(planDrift(event, { settings: parseSettings('{}') })).toEqual([{ type: 'ignore', reason: expect.stringMatching(/the call failed \(InvalidParameterValue\)/) as string }]);
  });
});

describe('crashes', () => {
  const deep = (n: number): unknown => {
    let v: unknown = { type: 'IAMUser' };
    for (let i = 0; i < n; i++) v = { sessionContext: v };
    return v;
  };

  it('userIdentity nested 3,000 deep is refused before parsing, naming where', () => {
    const e = refusal(record('AuthorizeSecurityGroupIngress', { groupId: G }, null, { userIdentity: deep(3_000) }));
    expect(e.message).toMatch(/nested deeper than 32 levels; refused before parsing/);
    expect(e.path).toMatch(/^userIdentity(\.sessionContext)+.*… \(\d+ chars\)$/); // clipped: a path is input too
  });

  it('depth hidden in a JSON string (SNS Message, invokingEvent) is checked too', () => {
    const message = JSON.stringify(record('AuthorizeSecurityGroupIngress', { groupId: G }, null, { userIdentity: deep(3_000) }));
    expect(refusal({ Records: [{ Sns: { Message: message } }] }).path).toMatch(/^Records\[0\]\.Sns\.Message\.userIdentity/);
    const invocation = { configRuleName: 'r', invokingEvent: JSON.stringify({ messageType: 'ConfigurationItemChangeNotification', configurationItem: deep(100) }) };
    expect(refusal(invocation).path).toMatch(/^invokingEvent\.configurationItem/);
  });

  it('a 50 KB allowedPrincipalArns pattern is a settings error, not "Regular expression too large"', () => {
    expect(() => parseSettings(JSON.stringify({ drift: { allowedPrincipalArns: [`arn:${'*a'.repeat(25_000)}`] } }))).toThrow(/drift\.allowedPrincipalArns\[0\]: Too big|drift\.allowedPrincipalArns\[0\]: must be at most 1024 characters/);
  });

  it('an actor ARN longer than IAM allows is refused', () => {
    const e = refusal(record('AuthorizeSecurityGroupIngress', { groupId: G }, null, { userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::1:user/${'a'.repeat(3_000)}` } }));
    expect(e.path).toBe('userIdentity.arn');
  });
});

describe('catastrophic matching', () => {
  it('a 7-wildcard pattern against a 168-character assumed-role ARN answers in milliseconds', () => {
    const arn = `arn:aws:sts::123456789012:assumed-role/${'a'.repeat(64)}/${'a'.repeat(64)}`;
    expect(arn).toHaveLength(168);
    const started = performance.now();
    expect(globMatches('arn:*a*a*a*a*a*a*a:role/ci', arn)).toBe(false);
    expect(performance.now() - started).toBeLessThan(10);
  });

  it.each([
    ['arn:aws:iam::*:role/ci-*', 'arn:aws:iam::123456789012:role/ci-deployer', true],
    ['arn:aws:iam::*:role/ci-*', 'arn:aws:iam::123456789012:role/cd-deployer', false],
    ['arn:aws:iam::12345678901?:role/*', 'arn:aws:iam::123456789012:role/x', true],
    ['*', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('errors without a reason', () => {
  it.each([
    ['invokingEvent a number', { configRuleName: 'r', invokingEvent: 42 }, 'invokingEvent', 'expected string or object, got number'],
    ['SNS document Message null', { Type: 'Notification', Message: null }, 'Message', 'expected string or object, got null'],
    ['synctoken null', { 'create-time': '2024-07-09-02-03-09', synctoken: null, md5: '7d512815cbb10c21eb790c7f2f02e0b7', url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' }, 'synctoken', 'expected string or number, got null'],
  ])('%s says what was expected', (_label, input, path, message) => {
    const e = refusal(input);
    expect(e.path).toBe(path);
    expect(e.message).toContain(message);
    expect(e.message).not.toMatch(/Invalid input/);
  });

  it('a null messageType is reported as messageType, not as a bad resourceId', () => {
    const e = refusal({ Records: [{ Sns: { Message: JSON.stringify({ messageType: null, resourceId: 'x' }) } }] });
    expect(e.path).toBe('Records[0].Sns.Message.messageType');
    expect(e.message).toMatch(/^Records\[0\]\.Sns\.Message\.messageType: null names no resource/);
  });

  it('a 100 KB value is echoed as a short excerpt, control characters escaped', () => {
    const e = refusal({ source: 'aws.config', 'detail-type': `Config \u001b[2J${'x'.repeat(100_000)}`, detail: {} });
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toContain('\\u001b[2J');
    expect(e.message).toMatch(/… \(100011 chars\)/);
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('hostile keys in a path are escaped too', () => {
    const e = refusal({ Records: [{ Sns: { Message: JSON.stringify({ 'create-time': 'x', '\u001b]0;pwned\u0007': 1 }) } }] });
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('feeds and envelopes', () => {
  it.each([
    ['1.2.3.4/0', 'ipv4', /has host bits set \(its network is 0\.0\.0\.0\/0\)/],
    ['10.0.0.1/8', 'ipv4', /has host bits set/],
    ['::ffff:1.2.3.0/120', 'ipv6', /IPv4-mapped/],
    ['::ffff:0:0/96', 'ipv6', /IPv4-mapped/],
  ])('the Cloudflare list entry %s is refused, not widened or mixed in', (cidr, family, why) => {
    const [v4, v6] = family === 'ipv4' ? [`173.245.48.0/20\n${cidr}`, ''] : ['', `2400:cb00::/32\n${cidr}`];
    expect(() => parseCloudflareText(v4, v6)).toThrow(why);
    expect(() => parseCloudflareApi({ success: true, result: { ipv4_cidrs: family === 'ipv4' ? [cidr] : [], ipv6_cidrs: family === 'ipv6' ? [cidr] : [] } })).toThrow(why);
  });

  it('ip-ranges.json with a host bit set is refused at its entry', () => {
    const doc = { syncToken: '1', createDate: '2024-07-09-02-03-09', prefixes: [{ ip_prefix: '3.5.140.1/22', region: 'x', service: 'AMAZON' }], ipv6_prefixes: [] };
    expect(() => parseAwsIpRanges(JSON.stringify(doc))).toThrow(/^prefixes\[0\]\.ip_prefix: "3\.5\.140\.1\/22" has host bits set/);
  });

  it.each([2, 100_000])('an SNS envelope with %i records is refused, not reduced to its first', (n) => {
    const rec = { Sns: { Message: 'sg-0123456789abcdef0', TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' } };
    const e = refusal({ Records: Array.from({ length: n }, () => rec) });
    expect(e.message).toMatch(n === 2 ? /^Records: expected exactly one SNS record/ : /more than 50000 values; refused before parsing/);
  });
});

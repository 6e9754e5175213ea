// The world-open policy and its settings section.
import { describe, expect, it } from 'vitest';
import type { SecurityGroupRule } from '../../lambda-src/core/model.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { describeRulePorts, findViolations, outOfScopeReason } from '../../lambda-src/policy/world-open.js';
import { WorldOpenSettingsSchema, parseCidr, parsePortSpec } from '../../lambda-src/policy/world-open-settings.js';

function rule(partial: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { ruleId: 'sgr-1', groupId: 'sg-0123456789abcdef0', direction: 'ingress', protocol: 'tcp', ...partial };
}

const tcp = (from: number, to: number, source: Partial<SecurityGroupRule> = { cidrIpv4: '0.0.0.0/0' }) => rule({ protocol: 'tcp', fromPort: from, toPort: to, ...source });
const udp = (from: number, to: number) => rule({ protocol: 'udp', fromPort: from, toPort: to, cidrIpv4: '0.0.0.0/0' });

describe('findViolations', () => {
  const settings = WorldOpenSettingsSchema.parse({ authorizedTcpPorts: ['443', '80', '1020-1025'], authorizedUdpPorts: ['53'] });

  it.each<[string, SecurityGroupRule, boolean]>([
    ['tcp 443 from 0.0.0.0/0 (authorized)', tcp(443, 443), false],
    ['tcp 80 from 0.0.0.0/0 (authorized)', tcp(80, 80), false],
    ['tcp 22 from 0.0.0.0/0', tcp(22, 22), true],
    ['tcp 1020-1025, exactly the authorized range', tcp(1020, 1025), false],
    ['tcp 1021-1022, inside the authorized range', tcp(1021, 1022), false],
    ['tcp 1019-1021, straddling the range start', tcp(1019, 1021), true],
    ['tcp 1024-1030, straddling the range end', tcp(1024, 1030), true],
    ['tcp 80-443, both ends authorized but not what lies between', tcp(80, 443), true],
    ['tcp 0-65535', tcp(0, 65535), true],
    ['udp 53 (authorized for udp)', udp(53, 53), false],
    ['udp 443 (authorized for tcp only)', udp(443, 443), true],
    ['tcp 53 (authorized for udp only)', tcp(53, 53), true],
    ['protocol -1 (all traffic)', rule({ protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }), true],
    ['icmp echo (type 8, no ports)', rule({ protocol: 'icmp', fromPort: 8, toPort: -1, cidrIpv4: '0.0.0.0/0' }), true],
    ['protocol 47 (GRE, no ports)', rule({ protocol: '47', cidrIpv4: '0.0.0.0/0' }), true],
    ['protocol number 6 = tcp, port 443', rule({ protocol: '6', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }), false],
    ['tcp 22 from ::/0', tcp(22, 22, { cidrIpv6: '::/0' }), true],
    ['tcp 443 from ::/0', tcp(443, 443, { cidrIpv6: '::/0' }), false],
    ['tcp 22 from 10.0.0.0/8 (not world-open)', tcp(22, 22, { cidrIpv4: '10.0.0.0/8' }), false],
    ['tcp 22 from 0.0.0.0/1 (no threshold: only /0 is world-open)', tcp(22, 22, { cidrIpv4: '0.0.0.0/1' }), false],
    ['tcp 22 from a non-canonical /0 ("208.236.235.254/0", an anonymiser artefact)', tcp(22, 22, { cidrIpv4: '208.236.235.254/0' }), true],
    ['tcp 22 from a prefix list', tcp(22, 22, { prefixListId: 'pl-12345678' }), false],
    ['tcp 22 from a security group', tcp(22, 22, { referencedGroupId: 'sg-0fedcba9876543210' }), false],
    ['egress tcp 22 to 0.0.0.0/0', rule({ direction: 'egress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }), false],
  ])('%s -> violation: %s', (_label, r, violates) => {
    const violations = findViolations({ groupId: r.groupId, tags: {}, rules: [r] }, settings);
    expect(violations.length).toBe(violates ? 1 : 0);
  });

  it('reports the family and source, and says why', () => {
    const [v4] = findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [tcp(1019, 1021)] }, settings);
    expect(v4).toMatchObject({ family: 'ipv4', source: '0.0.0.0/0' });
    expect(v4!.reason).toBe('tcp 1019-1021 is not inside the authorized TCP ports (443, 80, 1020-1025)');
    const [v6] = findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [rule({ protocol: '-1', cidrIpv6: '::/0' })] }, settings);
    expect(v6).toMatchObject({ family: 'ipv6', source: '::/0' });
    expect(v6!.reason).toContain('all traffic');
  });

  it('joins adjacent authorized specs: "80" and "81-90" authorize 80-90', () => {
    const adjacent = WorldOpenSettingsSchema.parse({ authorizedTcpPorts: ['81-90', '80'] });
    expect(findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [tcp(80, 90)] }, adjacent)).toEqual([]);
    expect(findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [tcp(80, 91)] }, adjacent)).toHaveLength(1);
  });

  it('with no authorized UDP ports, every world-open udp rule violates', () => {
    const none = WorldOpenSettingsSchema.parse({});
    expect(findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [udp(53, 53)] }, none)[0]!.reason).toContain('(none)');
  });

  it.each<[string, Partial<SecurityGroupRule>, boolean]>([
    ['0.0.0.0/1', { cidrIpv4: '0.0.0.0/1' }, true],
    ['128.0.0.0/7', { cidrIpv4: '128.0.0.0/7' }, true],
    ['10.0.0.0/8 (not shorter than 8)', { cidrIpv4: '10.0.0.0/8' }, false],
    ['2000::/3', { cidrIpv6: '2000::/3' }, true],
    ['2001:db8::/32', { cidrIpv6: '2001:db8::/32' }, false],
  ])('prefix thresholds (IPv4 8, IPv6 16): tcp 22 from %s -> violation: %s', (_label, source, violates) => {
    const thresholds = WorldOpenSettingsSchema.parse({ worldOpenMinPrefixLengthIpv4: 8, worldOpenMinPrefixLengthIpv6: 16 });
    expect(findViolations({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [tcp(22, 22, source)] }, thresholds)).toHaveLength(violates ? 1 : 0);
  });
});

describe('describeRulePorts', () => {
  it.each<[Partial<SecurityGroupRule>, string]>([
    [{ protocol: 'tcp', fromPort: 22, toPort: 22 }, 'tcp 22'],
    [{ protocol: 'udp', fromPort: 1020, toPort: 1025 }, 'udp 1020-1025'],
    [{ protocol: '-1', fromPort: -1, toPort: -1 }, 'all traffic'],
    [{ protocol: 'icmp', fromPort: 8, toPort: -1 }, 'icmp'],
    [{ protocol: '47' }, 'protocol 47'],
  ])('%j -> %s', (r, text) => {
    expect(describeRulePorts(rule(r))).toBe(text);
  });
});

describe('outOfScopeReason', () => {
  const group = { groupId: 'sg-0123456789abcdef0', tags: { team: 'web' } };
  it('excluded groups and groups without the scope tag are out of scope', () => {
    expect(outOfScopeReason(group, WorldOpenSettingsSchema.parse({}))).toBeUndefined();
    expect(outOfScopeReason(group, WorldOpenSettingsSchema.parse({ excludedGroupIds: [group.groupId] }))).toContain('excludedGroupIds');
    expect(outOfScopeReason(group, WorldOpenSettingsSchema.parse({ scopeTag: { key: 'team', value: 'web' } }))).toBeUndefined();
    expect(outOfScopeReason(group, WorldOpenSettingsSchema.parse({ scopeTag: { key: 'team', value: 'db' } }))).toContain('team=db');
  });
});

describe('WorldOpenSettingsSchema', () => {
  it('an empty settings document gets every default', () => {
    expect(parseSettings('{}').worldOpen).toEqual({
      enabled: true,
      sweep: true,
      configRuleName: 'sg-guardian-sg-open-only-to-authorized-ports',
      authorizedTcpPorts: ['443'],
      authorizedUdpPorts: [],
      replacementCidrsIpv4: [],
      replacementCidrsIpv6: [],
      excludedGroupIds: [],
    });
  });

  it.each<[string, unknown, string]>([
    ['a comma list in one element', { authorizedTcpPorts: ['443,80'] }, 'authorizedTcpPorts.0'],
    ['a port above 65535', { authorizedUdpPorts: ['70000'] }, 'authorizedUdpPorts.0'],
    ['a reversed range', { authorizedTcpPorts: ['443', '90-80'] }, 'authorizedTcpPorts.1'],
    ['a number instead of a string', { authorizedTcpPorts: [443] }, 'authorizedTcpPorts.0'],
    ['host bits set', { replacementCidrsIpv4: ['10.0.0.1/8'] }, 'replacementCidrsIpv4.0'],
    ['an IPv6 CIDR in the IPv4 list', { replacementCidrsIpv4: ['2001:db8::/32'] }, 'replacementCidrsIpv4.0'],
    ['a replacement that is itself world-open', { replacementCidrsIpv6: ['::/0'] }, 'replacementCidrsIpv6.0'],
    ['a replacement shorter than the threshold', { worldOpenMinPrefixLengthIpv4: 16, replacementCidrsIpv4: ['10.0.0.0/16', '10.0.0.0/8'] }, 'replacementCidrsIpv4.1'],
    ['a malformed group ID', { excludedGroupIds: ['sg-XYZ'] }, 'excludedGroupIds.0'],
    ['a misspelt key', { authorisedTcpPorts: ['443'] }, ''],
  ])('rejects %s (at %s)', (_label, section, path) => {
    const parsed = WorldOpenSettingsSchema.safeParse(section);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join('.')).toBe(path);
  });

  it('suggests the network address when host bits are set', () => {
    const parsed = WorldOpenSettingsSchema.safeParse({ replacementCidrsIpv4: ['10.1.2.3/8'] });
    expect(parsed.error!.issues[0]!.message).toContain('10.0.0.0/8');
  });

  it('names the offending key through parseSettings', () => {
    expect(() => parseSettings(JSON.stringify({ worldOpen: { authorizedTcpPorts: ['https'] } }))).toThrow(/worldOpen\.authorizedTcpPorts\[0\]/);
  });
});

describe('parsePortSpec / parseCidr', () => {
  it.each<[string, { from: number; to: number } | undefined]>([
    ['443', { from: 443, to: 443 }],
    ['1020-1025', { from: 1020, to: 1025 }],
    [' 0 - 65535 ', { from: 0, to: 65535 }],
    ['65536', undefined],
    ['22,80', undefined],
    ['', undefined],
  ])('port spec %j -> %j', (spec, range) => {
    expect(parsePortSpec(spec)).toEqual(range);
  });

  it.each<[string, bigint | undefined, number | undefined]>([
    ['0.0.0.0/0', 0n, 0],
    ['192.168.1.0/24', 0xc0a80100n, 24],
    ['::/0', 0n, 0],
    ['2001:db8::/32', 0x20010db8n << 96n, 32],
    ['::ffff:1.2.3.4/128', 0xffff01020304n, 128],
    ['1:2:3:4:5:6:7:8/128', 0x00010002000300040005000600070008n, 128],
    ['256.0.0.0/8', undefined, undefined],
    ['10.0.0.0/33', undefined, undefined],
    ['1::2::3/64', undefined, undefined],
    ['1:2:3:4:5:6:7:8:9/128', undefined, undefined],
    ['10.0.0.0', undefined, undefined],
  ])('cidr %s', (text, address, prefix) => {
    const cidr = parseCidr(text);
    expect(cidr?.address).toBe(address);
    expect(cidr?.prefix).toBe(prefix);
  });
});

// Security-group mode (planSecurityGroups): exactly the feed's CIDRs on the configured ports, only
// in managed rules (description marker "sg-guardian:<feed>"), sharded under the rules quota.
// Plans are checked by applying them to a small model of EC2 that, like EC2, refuses duplicate
// rules and rules over the quota (per group, per family), then looking at the resulting groups.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup, SecurityGroupRule } from '../../lambda-src/core/model.js';
import { parseAwsIpRanges, selectAwsRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { parseCloudflareText } from '../../lambda-src/feeds/cloudflare.js';
import { type FeedSet, makeFeedSet } from '../../lambda-src/feeds/feed-set.js';
import { planFeed, planSecurityGroups } from '../../lambda-src/plan/feeds.js';
import { type FeedSettings, FeedSettingsSchema } from '../../lambda-src/policy/feed-settings.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';
const CF_V4 = 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt';
const CF_V6 = 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt';

const cloudflare = parseCloudflareText(readFileSync(new URL(CF_V4, SAMPLES), 'utf8'), readFileSync(new URL(CF_V6, SAMPLES), 'utf8'));
// Most of these tests are about layout (shards, quota, markers): the groups are enrolled by tag
// (tag enrolment on) so each test can make its own; Terraform-listed targets are tested below.
const settings = FeedSettingsSchema.parse({ aws: { enabled: true }, cloudflare: { enabled: true }, targets: { securityGroups: { tagEnrolment: true } } });
const twoPorts = FeedSettingsSchema.parse({ aws: { enabled: true }, cloudflare: { enabled: true }, targets: { securityGroups: { tagEnrolment: true, ports: [80, 443] } } });

const sgId = (n: number): string => `sg-${n.toString(16).padStart(17, '0')}`;
let nextRule = 0;

function rule(groupId: string, fields: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { ruleId: `sgr-${(nextRule++).toString(16).padStart(17, '0')}`, groupId, direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, ...fields };
}

function group(n: number, extra: { tags?: Record<string, string>; rules?: (id: string) => SecurityGroupRule[]; vpcId?: string } = {}): ObservedGroup {
  const groupId = sgId(n);
  return { groupId, vpcId: extra.vpcId ?? 'vpc-1', tags: { 'sg-guardian:feed': 'cloudflare', ...extra.tags }, rules: extra.rules?.(groupId) ?? [] };
}

/** n distinct /24s: 100.64.0.0/24, 100.64.1.0/24, ... */
function syntheticFeed(n: number, first = 0): FeedSet {
  return makeFeedSet('cloudflare', Array.from({ length: n }, (_, i) => `100.${64 + ((i + first) >> 8)}.${(i + first) & 255}.0/24`));
}

/** Applies a plan the way EC2 would, refusing what EC2 refuses. */
function apply(groups: ObservedGroup[], actions: Action[], quota = 60): ObservedGroup[] {
  const byId = new Map(groups.map((g) => [g.groupId, { ...g, tags: { ...g.tags }, rules: [...g.rules] }]));
  const get = (id: string) => byId.get(id) ?? expect.fail(`no group ${id}`);
  for (const action of actions) {
    if (action.type === 'revoke-ingress') {
      const g = get(action.groupId);
      for (const id of action.ruleIds ?? []) {
        if (!g.rules.some((r) => r.ruleId === id)) expect.fail(`InvalidSecurityGroupRuleId.NotFound ${id}`);
      }
      g.rules = g.rules.filter((r) => !action.ruleIds!.includes(r.ruleId));
    } else if (action.type === 'authorize-ingress') {
      const g = get(action.groupId);
      for (const p of action.permissions ?? []) {
        const sources: { cidrIpv4?: string; cidrIpv6?: string; description?: string }[] = [
          ...(p.IpRanges ?? []).map((r) => ({ cidrIpv4: r.CidrIp, description: r.Description })),
          ...(p.Ipv6Ranges ?? []).map((r) => ({ cidrIpv6: r.CidrIpv6, description: r.Description })),
        ];
        for (const s of sources) {
          const dup = g.rules.some((r) => r.direction === 'ingress' && r.protocol === p.IpProtocol && r.fromPort === p.FromPort && r.toPort === p.ToPort && r.cidrIpv4 === s.cidrIpv4 && r.cidrIpv6 === s.cidrIpv6);
          if (dup) expect.fail(`InvalidPermission.Duplicate ${JSON.stringify(s)} in ${g.groupId}`);
          g.rules.push(rule(g.groupId, { protocol: p.IpProtocol, fromPort: p.FromPort, toPort: p.ToPort, ...s }));
        }
      }
      const ingress = g.rules.filter((r) => r.direction === 'ingress');
      const v4 = ingress.filter((r) => !r.cidrIpv6).length;
      const v6 = ingress.filter((r) => !r.cidrIpv4).length;
      if (v4 > quota || v6 > quota) expect.fail(`RulesPerSecurityGroupLimitExceeded in ${g.groupId}: ${v4} IPv4, ${v6} IPv6`);
    }
  }
  return [...byId.values()];
}

/** "cidr port" of the managed rules of a group. */
function managed(g: ObservedGroup, feed = 'cloudflare'): string[] {
  return g.rules
    .filter((r) => r.direction === 'ingress' && (r.cidrIpv4 ?? r.cidrIpv6) && r.description?.startsWith(`sg-guardian:${feed}`))
    .map((r) => `${r.cidrIpv4 ?? r.cidrIpv6} ${r.fromPort}`)
    .sort();
}

const mutating = (actions: Action[]) => actions.filter((a) => a.type !== 'notify' && a.type !== 'ignore');

describe('one group', () => {
  it('allows the 15 + 7 Cloudflare ranges on 443 and leaves other rules alone', () => {
    const others = (id: string) => [
      rule(id, { cidrIpv4: '10.0.0.0/8', fromPort: 22, toPort: 22, description: 'ssh from vpn' }),
      rule(id, { referencedGroupId: 'sg-0fffffffffffffff0' }),
      rule(id, { direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }),
    ];
    const before = group(1, { rules: others });
    const actions = planSecurityGroups(cloudflare, [before], settings);
    expect(actions.map((a) => a.type)).toEqual(['authorize-ingress', 'notify']);
    expect(actions[1]).toMatchObject({
      subject: `Cloudflare ranges applied: +22 -0 to ${sgId(1)}`,
      attributes: { kind: 'feed', action: 'applied', feed: 'cloudflare', group_id: sgId(1) },
    });
    const [afterGroup] = apply([before], actions);
    expect(managed(afterGroup!)).toEqual([...cloudflare.ipv4, ...cloudflare.ipv6].map((c) => `${c} 443`).sort());
    expect(afterGroup!.rules.slice(0, 3)).toEqual(before.rules);
  });

  it('revokes exactly the departed, wrong-port and duplicate managed rules; never touches unmarked or egress rules', () => {
    const [keep, gone] = [cloudflare.ipv4[0]!, '192.0.2.0/24'];
    const before = group(1, {
      rules: (id) => [
        rule(id, { cidrIpv4: keep, description: 'sg-guardian:cloudflare' }), // wanted: kept
        rule(id, { cidrIpv4: gone, description: 'sg-guardian:cloudflare' }), // left the feed: revoked
        rule(id, { cidrIpv4: cloudflare.ipv4[1], fromPort: 80, toPort: 80, description: 'sg-guardian:cloudflare' }), // port no longer configured: revoked
        rule(id, { cidrIpv6: '2400:CB00::/32', description: 'sg-guardian:cloudflare note' }), // marker + note, non-canonical spelling: kept
        rule(id, { cidrIpv4: cloudflare.ipv4[2], fromPort: 22, toPort: 22, description: 'support tool' }), // a feed CIDR, not ours
        rule(id, { cidrIpv4: cloudflare.ipv4[3], description: 'hand-made' }), // identical to a wanted rule, not ours: not duplicated
        rule(id, { direction: 'egress', cidrIpv4: gone, description: 'sg-guardian:cloudflare' }), // egress: never ours
        rule(id, { referencedGroupId: 'sg-0fffffffffffffff0', description: 'sg-guardian:cloudflare' }), // no CIDR: never ours
        rule(id, { cidrIpv4: '198.51.100.0/24', description: 'sg-guardian:aws' }), // the other feed's
      ],
    });
    const actions = planSecurityGroups(cloudflare, [before], settings);
    const revoke = actions.find((a) => a.type === 'revoke-ingress');
    expect(revoke).toMatchObject({ groupId: sgId(1), ruleIds: [before.rules[1]!.ruleId, before.rules[2]!.ruleId].sort() });
    expect(actions.filter((a) => a.type === 'revoke-ingress' || a.type === 'authorize-ingress')).toHaveLength(2);

    const [afterGroup] = apply([before], actions);
    const expected = [...cloudflare.ipv4, ...cloudflare.ipv6].filter((c) => c !== cloudflare.ipv4[3]).map((c) => `${c} 443`);
    expect(managed(afterGroup!)).toEqual([...expected.filter((e) => !e.startsWith('2400:cb00::/32')), '2400:CB00::/32 443'].sort());
    for (const untouched of [4, 5, 6, 7, 8]) expect(afterGroup!.rules).toContainEqual(before.rules[untouched]);
  });

  it('plans nothing once applied; a change of ports is applied with the feed unchanged', () => {
    const applied = apply([group(1)], planSecurityGroups(cloudflare, [group(1)], settings));
    expect(planSecurityGroups(cloudflare, applied, settings)).toEqual([{ type: 'ignore', reason: expect.stringMatching(/^unchanged/) as string }]);

    const actions = planSecurityGroups(cloudflare, applied, twoPorts);
    expect(mutating(actions).map((a) => a.type)).toEqual(['authorize-ingress']);
    const [afterGroup] = apply(applied, actions);
    expect(managed(afterGroup!)).toHaveLength(44);
    expect(planSecurityGroups(cloudflare, [afterGroup!], twoPorts)[0]).toMatchObject({ type: 'ignore' });
  });

  it('refuses a shrink beyond the threshold (one high notify, nothing else)', () => {
    const applied = apply([group(1)], planSecurityGroups(cloudflare, [group(1)], settings));
    const smaller = makeFeedSet('cloudflare', [...cloudflare.ipv4.slice(0, 8), ...cloudflare.ipv6]);
    const actions = planSecurityGroups(smaller, applied, settings);
    expect(actions).toEqual([expect.objectContaining({ type: 'notify', severity: 'high', subject: `Feed REJECTED: cloudflare shrink 46.7% > 30% (${sgId(1)})` })]);
  });
});

describe('selection', () => {
  it('without tag enrolment (the default) takes only the groups Terraform lists, whatever their tags', () => {
    const byIdOnly = FeedSettingsSchema.parse({ cloudflare: { enabled: true }, targets: { securityGroups: { groupIds: { cloudflare: [sgId(2)] } } } });
    const listed = { ...group(2), tags: {} };
    const actions = planSecurityGroups(cloudflare, [group(1), listed], byIdOnly);
    expect(mutating(actions).map((a) => ('groupId' in a ? a.groupId : a.type))).toEqual([sgId(2)]);
  });

  it('with tag enrolment on, a tagged group the drift guard guards is skipped and reported; a listed one still gets the feed', () => {
    const byId = FeedSettingsSchema.parse({ cloudflare: { enabled: true }, targets: { securityGroups: { tagEnrolment: true, groupIds: { cloudflare: [sgId(2)] } } } });
    const guardedListed = group(2);
    const actions = planSecurityGroups(cloudflare, [group(1), guardedListed, group(3, { vpcId: 'vpc-3' })], byId, { driftGuardedGroupIds: [sgId(1), sgId(2)] });
    expect(mutating(actions).map((a) => ('groupId' in a ? a.groupId : a.type)).sort()).toEqual([sgId(2), sgId(3)]);
    const skipped = actions.find((a) => a.type === 'notify' && a.attributes.action === 'skipped');
    expect(skipped).toMatchObject({ severity: 'high', subject: `Feed SKIPPED guarded group: cloudflare (${sgId(1)})`, attributes: { group_id: sgId(1) } });
  });

  it('takes groups tagged with the feed (tag enrolment on) and groups listed by ID; leaves the others', () => {
    const listed = { ...group(2), tags: {} };
    const otherFeed = group(3, { tags: { 'sg-guardian:feed': 'aws' } });
    const byId = FeedSettingsSchema.parse({ cloudflare: { enabled: true }, targets: { securityGroups: { tagEnrolment: true, groupIds: { cloudflare: [sgId(2)] } } } });
    const actions = planSecurityGroups(cloudflare, [otherFeed, listed, group(1, { vpcId: 'vpc-2' })], byId);
    expect(mutating(actions).filter((a) => a.type === 'authorize-ingress').map((a) => 'groupId' in a && a.groupId).sort()).toEqual([sgId(1), sgId(2)]);
  });

  it('says when a listed group was not observed, and plans nothing without groups', () => {
    const byId = FeedSettingsSchema.parse({ targets: { securityGroups: { groupIds: { cloudflare: [sgId(9)] } } } });
    expect(planSecurityGroups(cloudflare, [], byId)).toEqual([expect.objectContaining({ type: 'notify', severity: 'high', subject: `Feed REJECTED: cloudflare group ${sgId(9)} not found (${sgId(9)})` })]);
    expect(planSecurityGroups(cloudflare, [], settings)).toEqual([{ type: 'ignore', reason: 'no security group targets the cloudflare feed' }]);
  });

  it('ports come from the settings only: a sg-guardian:ports tag (22,3389) opens nothing', () => {
    const groups = [group(1, { vpcId: 'vpc-a' }), group(2, { vpcId: 'vpc-b', tags: { 'sg-guardian:ports': '22,3389' } })];
    const after = apply(groups, planSecurityGroups(cloudflare, groups, settings));
    for (const g of after) expect(managed(g)).toEqual([...cloudflare.ipv4, ...cloudflare.ipv6].map((c) => `${c} 443`).sort());
  });

  it('a hash tag on the groups decides nothing: marked rules an intruder added are revoked', () => {
    const applied = apply([group(1)], planSecurityGroups(cloudflare, [group(1)], settings));
    const tampered = applied.map((g) => ({
      ...g,
      tags: { ...g.tags, 'sg-guardian:feed-hash': cloudflare.hash },
      rules: [...g.rules, rule(g.groupId, { cidrIpv4: '0.0.0.0/0', fromPort: 22, toPort: 22, description: 'sg-guardian:cloudflare' })],
    }));
    const actions = planSecurityGroups(cloudflare, tampered, settings);
    expect(mutating(actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', groupId: sgId(1), ruleIds: [tampered[0]!.rules.at(-1)!.ruleId] })]);
  });

  it('groups in different VPCs never share the load: each gets the full set', () => {
    const groups = [group(1, { vpcId: 'vpc-a' }), group(2, { vpcId: 'vpc-b' })];
    const after = apply(groups, planSecurityGroups(cloudflare, groups, settings));
    expect(after.map((g) => managed(g).length)).toEqual([22, 22]);
  });
});

describe('sharding under the rules quota', () => {
  const feed211 = syntheticFeed(211);
  const eight = Array.from({ length: 8 }, (_, i) => group(i + 1, { tags: { 'sg-guardian:shard': String(i) } }));

  it('spreads 211 IPv4 ranges x 2 ports over 8 groups: 7 full groups of 30 ranges, 1 range in the last', () => {
    const actions = planSecurityGroups(feed211, eight, twoPorts);
    const after = apply(eight, actions);
    expect(after.map((g) => managed(g).length / 2)).toEqual([30, 30, 30, 30, 30, 30, 30, 1]);
    // Each range in exactly one group, on both ports; together exactly the feed.
    const cidrs = after.flatMap((g) => [...new Set(managed(g).map((m) => m.split(' ')[0]!))]);
    expect(cidrs.sort()).toEqual([...feed211.ipv4].sort());
    for (const g of after) expect(managed(g).filter((m) => m.endsWith(' 80')).length).toBe(managed(g).length / 2);
    // Fill in order: the first group holds the first 30 ranges of the sorted feed.
    expect([...new Set(managed(after[0]!).map((m) => m.split(' ')[0]!))].sort()).toEqual(feed211.ipv4.slice(0, 30).sort());
    // One authorize per group (each carrying all its permissions), no revoke.
    const authorizations = actions.filter((a) => a.type === 'authorize-ingress');
    expect(authorizations.map((a) => 'groupId' in a && a.groupId)).toEqual(eight.map((g) => g.groupId));
    expect(actions.filter((a) => a.type === 'revoke-ingress')).toEqual([]);
  });

  it('is deterministic: the order groups are observed in does not matter', () => {
    const shuffled = [eight[5]!, eight[2]!, eight[7]!, eight[0]!, eight[3]!, eight[6]!, eight[1]!, eight[4]!];
    expect(planSecurityGroups(feed211, shuffled, twoPorts)).toEqual(planSecurityGroups(feed211, eight, twoPorts));
  });

  it('orders shards by the shard-index tag, then by group ID', () => {
    const groups = [group(1, { tags: { 'sg-guardian:shard': '1' } }), group(2, { tags: { 'sg-guardian:shard': '0' } }), group(3)];
    const after = apply(groups, planSecurityGroups(syntheticFeed(70), groups, settings));
    expect(after.map((g) => managed(g).length)).toEqual([10, 60, 0]);
  });

  it('counts the other rules of a group against its quota (a group reference counts once per family)', () => {
    const busy = group(1, {
      tags: { 'sg-guardian:shard': '0' },
      rules: (id) => [...Array.from({ length: 10 }, (_, i) => rule(id, { cidrIpv4: `10.${i}.0.0/16`, fromPort: 22, toPort: 22 })), rule(id, { referencedGroupId: 'sg-0fffffffffffffff0' })],
    });
    const groups = [busy, group(2, { tags: { 'sg-guardian:shard': '1' } })];
    const after = apply(groups, planSecurityGroups(syntheticFeed(40), groups, twoPorts));
    expect(after.map((g) => managed(g).length / 2)).toEqual([24, 16]); // (60 - 11) / 2 = 24 ranges
  });

  it('a prefix-list reference weighs its max entries when the shell knows them', () => {
    const withPl = group(1, { tags: { 'sg-guardian:shard': '0' }, rules: (id) => [rule(id, { prefixListId: 'pl-0123456789abcdef0' })] });
    const groups = [withPl, group(2, { tags: { 'sg-guardian:shard': '1' } })];
    const actions = planSecurityGroups(syntheticFeed(40), groups, settings, { prefixListMaxEntries: { 'pl-0123456789abcdef0': 50 } });
    expect(apply(groups, actions).map((g) => managed(g).length)).toEqual([10, 30]);
  });

  it('says how many more shard groups are needed and applies nothing to the short set', () => {
    const seven = eight.slice(0, 7);
    const actions = planSecurityGroups(feed211, seven, twoPorts);
    expect(mutating(actions)).toEqual([]);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'notify',
        severity: 'high',
        subject: expect.stringMatching(/^Feed needs 1 more shard group: cloudflare \(sg-/) as string,
        attributes: expect.objectContaining({ kind: 'feed', action: 'needs-shards', severity: 'high', feed: 'cloudflare' }) as object,
      }),
    ]);
    expect((actions[0] as { message: string }).message).toContain('1 IPv4 ranges do not fit');
  });

  it('the real 2024 CLOUDFRONT set (178 IPv4 / 27 IPv6) on 80 and 443 needs 6 groups', () => {
    const doc = parseAwsIpRanges(new Uint8Array(readFileSync(new URL(IP_RANGES_2024, SAMPLES))));
    const cloudfront = selectAwsRanges(doc, { services: ['CLOUDFRONT'] });
    const awsGroups = (n: number) => Array.from({ length: n }, (_, i) => group(i + 1, { tags: { 'sg-guardian:feed': 'aws', 'sg-guardian:shard': String(i) } }));

    const five = planSecurityGroups(cloudfront, awsGroups(5), twoPorts);
    expect(five).toEqual([expect.objectContaining({ subject: expect.stringMatching(/^Feed needs 1 more shard group: aws/) as string })]);

    const after = apply(awsGroups(6), planSecurityGroups(cloudfront, awsGroups(6), twoPorts));
    const count = (g: ObservedGroup, family: 'v4' | 'v6') => managed(g, 'aws').filter((m) => m.includes(':') === (family === 'v6')).length / 2;
    expect(after.map((g) => count(g, 'v4'))).toEqual([30, 30, 30, 30, 30, 28]);
    expect(after.map((g) => count(g, 'v6'))).toEqual([27, 0, 0, 0, 0, 0]); // IPv6 has its own 60-rule budget
  });

  it('is sticky: a new range lands where there is room, nothing else moves', () => {
    const applied = apply(eight, planSecurityGroups(feed211, eight, twoPorts));
    const grown = makeFeedSet('cloudflare', ['1.0.0.0/24', ...feed211.ipv4]); // sorts first
    const actions = planSecurityGroups(grown, applied, twoPorts);
    const changes = actions.filter((a) => a.type === 'authorize-ingress' || a.type === 'revoke-ingress');
    expect(changes).toEqual([
      {
        type: 'authorize-ingress',
        groupId: sgId(8),
        permissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '1.0.0.0/24', Description: 'sg-guardian:cloudflare' }] },
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '1.0.0.0/24', Description: 'sg-guardian:cloudflare' }] },
        ],
        reason: expect.any(String) as string,
      },
    ]);
    // Applied: the next run finds every group at the set and plans nothing.
    const after = apply(applied, actions);
    expect(planSecurityGroups(grown, after, twoPorts)).toEqual([{ type: 'ignore', reason: expect.stringMatching(/^unchanged/) as string }]);
  });

  it('a departed range is revoked from its group only', () => {
    const applied = apply(eight, planSecurityGroups(feed211, eight, twoPorts));
    const shrunk = makeFeedSet('cloudflare', feed211.ipv4.filter((c) => c !== feed211.ipv4[45]));
    const changes = planSecurityGroups(shrunk, applied, twoPorts).filter((a) => a.type === 'authorize-ingress' || a.type === 'revoke-ingress');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ type: 'revoke-ingress', groupId: sgId(2) });
    expect((changes[0] as { ruleIds: string[] }).ruleIds).toHaveLength(2);
  });

  it('never exceeds the quota when the quota is lowered: evicted ranges move, nothing is over', () => {
    const applied = apply(eight, planSecurityGroups(feed211, eight, twoPorts));
    const lower: FeedSettings = { ...twoPorts, targets: { ...twoPorts.targets, securityGroups: { ...twoPorts.targets.securityGroups, rulesPerGroupQuota: 56 } } };
    const actions = planSecurityGroups(feed211, applied, lower);
    const after = apply(applied, actions, 56);
    expect(after.map((g) => managed(g).length / 2)).toEqual([28, 28, 28, 28, 28, 28, 28, 15]);
    // The receiving group is authorized before the full groups revoke: no moment without the evicted ranges.
    expect(actions.filter((a) => a.type === 'authorize-ingress' || a.type === 'revoke-ingress').map((a) => `${a.type} ${'groupId' in a ? a.groupId.slice(-1) : ''}`)).toEqual([
      'authorize-ingress 8',
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => `revoke-ingress ${n}`),
    ]);
    for (const g of applied) {
      expect(actions.filter((a) => 'groupId' in a && a.groupId === g.groupId && a.type === 'revoke-ingress').length).toBeLessThanOrEqual(1);
      expect(actions.filter((a) => 'groupId' in a && a.groupId === g.groupId && a.type === 'authorize-ingress').length).toBeLessThanOrEqual(1);
    }
  });
});

describe('planFeed with security groups', () => {
  it('plans the groups of the feed, then records the applied set in the state table (no tag)', () => {
    const actions = planFeed(cloudflare, { prefixLists: [], groups: [group(1)] }, settings);
    expect(actions.map((a) => a.type)).toEqual(['authorize-ingress', 'notify', 'record-feed']);
    expect(actions.at(-1)).toEqual(expect.objectContaining({ type: 'record-feed', feed: 'cloudflare', hash: cloudflare.hash, ipv4Count: 15, ipv6Count: 7 }));
    expect(actions.at(-1)).not.toHaveProperty('expectedVersion');
  });

  it('judges a shrink against the counts recorded, not against rules an intruder padded the group with', () => {
    const applied = apply([group(1)], planSecurityGroups(cloudflare, [group(1)], settings));
    const padded = applied.map((g) => ({ ...g, rules: [...g.rules, ...Array.from({ length: 15 }, (_, i) => rule(g.groupId, { cidrIpv4: `45.${64 + i}.0.0/16`, description: 'sg-guardian:cloudflare' }))] }));
    const record = { feed: 'cloudflare', version: 3, hash: cloudflare.hash, ipv4Count: 15, ipv6Count: 7 };
    const actions = planFeed(cloudflare, { prefixLists: [], groups: padded, record }, settings);
    expect(actions.map((a) => a.type)).toEqual(['revoke-ingress', 'notify']);
    // Without the record the padding would look like a 50% shrink and be refused.
    expect(planFeed(cloudflare, { prefixLists: [], groups: padded }, settings)[0]).toMatchObject({ type: 'notify', attributes: { action: 'rejected' } });
  });
});

// What a feed run costs in AWS calls, where the plan decides it: one tag action (one CreateTags) for
// every group recording the same applied feed, one notification per feed run however many targets
// changed, rules read only when the plan looks at them, and no tag-selected group when the
// settings select none by tag.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ObservedGroup, ObservedPrefixList } from '../../lambda-src/core/model.js';
import { parseAwsIpRanges, selectAwsRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { FEED_HASH_TAG } from '../../lambda-src/feeds/feed-set.js';
import { planFeed, planSecurityGroups, securityGroupRulesNeeded, selectFeedGroups } from '../../lambda-src/plan/feeds.js';
import { FeedSettingsSchema } from '../../lambda-src/policy/feed-settings.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';
const doc = parseAwsIpRanges(new Uint8Array(readFileSync(new URL(IP_RANGES_2024, SAMPLES))));
// All of CLOUDFRONT: 178 IPv4 + 27 IPv6, both families change.
const cloudfront = selectAwsRanges(doc, { services: ['CLOUDFRONT'] });

const sgId = (n: number): string => `sg-${n.toString(16).padStart(17, '0')}`;
const group = (n: number, tags: Record<string, string> = { 'sg-guardian:feed': 'aws', 'sg-guardian:shard': String(n) }): ObservedGroup => ({
  groupId: sgId(n),
  vpcId: 'vpc-1',
  tags,
  rules: [],
});
const prefixList = (id: string, addressFamily: 'IPv4' | 'IPv6'): ObservedPrefixList => ({ prefixListId: id, version: 1, maxEntries: 200, addressFamily, entries: [], tags: {} });

describe('security-group mode', () => {
  const settings = FeedSettingsSchema.parse({ aws: { enabled: true, services: ['CLOUDFRONT'] }, targets: { securityGroups: { ports: [80, 443] } } });
  const groups = Array.from({ length: 12 }, (_, i) => group(i));

  it('records the applied feed on all 12 shard groups with one tag action', () => {
    const actions = planSecurityGroups(cloudfront, groups, settings);
    const tags = actions.filter((a) => a.type === 'tag-resource');
    expect(tags).toHaveLength(1);
    const authorized = actions.flatMap((a) => (a.type === 'authorize-ingress' ? [a.groupId] : []));
    expect(authorized.length).toBeGreaterThan(1);
    // Every target records the layout, the empty shards too: all 12 in one call.
    expect(tags[0]).toMatchObject({ resourceIds: groups.map((g) => g.groupId), tags: { [FEED_HASH_TAG]: expect.stringMatching(/^[0-9a-f]{16}$/) as string } });
    expect(actions.filter((a) => a.type === 'notify')).toHaveLength(1);
  });

  it('needs the rules only until every group records this feed and layout; the plan is the same without them then', () => {
    expect(securityGroupRulesNeeded(cloudfront, groups, settings)).toBe(true);
    const tag = planSecurityGroups(cloudfront, groups, settings).find((a) => a.type === 'tag-resource')!;
    const rule = { ruleId: 'sgr-00000000000000001', direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: cloudfront.ipv4[0], description: 'sg-guardian:aws' } as const;
    const applied = groups.map((g) => ({ ...g, tags: { ...g.tags, ...(tag.type === 'tag-resource' ? tag.tags : {}) }, rules: [{ ...rule, groupId: g.groupId }] }));
    expect(securityGroupRulesNeeded(cloudfront, applied, settings)).toBe(false);
    const withoutRules = applied.map((g) => ({ ...g, rules: [] }));
    expect(planFeed(cloudfront, { prefixLists: [], groups: withoutRules }, settings)).toEqual(planFeed(cloudfront, { prefixLists: [], groups: applied }, settings));
    // Other ports change the layout: the rules are needed again.
    const port443 = FeedSettingsSchema.parse({ aws: { enabled: true, services: ['CLOUDFRONT'] }, targets: { securityGroups: { ports: [443] } } });
    expect(securityGroupRulesNeeded(cloudfront, applied, port443)).toBe(true);
    expect(securityGroupRulesNeeded(cloudfront, [], settings)).toBe(false);
  });

  it('selects no group by tag when tagKey is null, only the listed ones', () => {
    const listed = FeedSettingsSchema.parse({ aws: { enabled: true }, targets: { securityGroups: { tagKey: null, groupIds: { aws: [sgId(3)] } } } });
    expect(selectFeedGroups('aws', groups, listed).map((g) => g.groupId)).toEqual([sgId(3)]);
  });
});

describe('one notification per feed run', () => {
  const settings = FeedSettingsSchema.parse({
    aws: { enabled: true, services: ['CLOUDFRONT'] },
    targets: { prefixLists: { aws: { ipv4: 'pl-0000000000000000a', ipv6: 'pl-0000000000000000b' } }, securityGroups: { ports: [443], rulesPerGroupQuota: 1000 } },
  });

  it('two prefix lists and a group change: one applied notice naming all three, counts summed', () => {
    const actions = planFeed(cloudfront, { prefixLists: [prefixList('pl-0000000000000000a', 'IPv4'), prefixList('pl-0000000000000000b', 'IPv6')], groups: [group(1)] }, settings);
    expect(actions.map((a) => a.type)).toEqual(['modify-prefix-list', 'notify', 'modify-prefix-list', 'authorize-ingress', 'tag-resource']);
    const notices = actions.filter((a) => a.type === 'notify');
    expect(notices).toHaveLength(1);
    // 178 + 27 entries, 205 rules; the subject is cut at SNS's limit, the message names every target.
    expect(notices[0]).toMatchObject({ subject: expect.stringMatching(/^CloudFront ranges applied: \+410 -0 to pl-0000000000000000a, pl-0000000000000000b, sg-/) as string, severity: 'low' });
    expect(notices[0]!.message).toContain(`pl-0000000000000000b:\n  + ${cloudfront.ipv6[0]}\n`);
    expect(notices[0]!.message).toContain(`\n${sgId(1)}: +205 -0`);
    expect(notices[0]!.message).not.toContain(`${sgId(1)}:\n`);
    expect(notices[0]!.attributes).not.toHaveProperty('prefix_list_id');
  });
});

// What a feed run costs in AWS calls, where the plan decides it: no tag call at all (what was
// applied is one record in the state table, written once per feed run however many groups), one
// notification per feed run however many targets changed, and no tag-selected group unless tag
// enrolment is on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ObservedGroup, ObservedPrefixList } from '../../lambda-src/core/model.js';
import { parseAwsIpRanges, selectAwsRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { planFeed, selectFeedGroups } from '../../lambda-src/plan/feeds.js';
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
  const listed = Array.from({ length: 12 }, (_, i) => sgId(i));
  const settings = FeedSettingsSchema.parse({ aws: { enabled: true, services: ['CLOUDFRONT'] }, targets: { securityGroups: { ports: [80, 443], groupIds: { aws: listed } } } });
  const groups = Array.from({ length: 12 }, (_, i) => group(i));

  it('records the applied feed for all 12 shard groups with one state write and no tag call', () => {
    const actions = planFeed(cloudfront, { prefixLists: [], groups }, settings);
    expect(actions.filter((a) => a.type === 'record-feed')).toEqual([expect.objectContaining({ feed: 'aws', hash: cloudfront.hash, syncToken: '1720490589' })]);
    expect(actions.some((a) => (a.type as string) === 'tag-resource')).toBe(false);
    const authorized = actions.flatMap((a) => (a.type === 'authorize-ingress' ? [a.groupId] : []));
    expect(authorized.length).toBeGreaterThan(1);
    expect(actions.filter((a) => a.type === 'notify')).toHaveLength(1);
  });

  it('selects no group by tag unless tag enrolment is on, only the listed ones', () => {
    const byId = FeedSettingsSchema.parse({ aws: { enabled: true }, targets: { securityGroups: { groupIds: { aws: [sgId(3)] } } } });
    expect(selectFeedGroups('aws', groups, byId).selected.map((g) => g.groupId)).toEqual([sgId(3)]);
    const enrolment = FeedSettingsSchema.parse({ aws: { enabled: true }, targets: { securityGroups: { tagEnrolment: true, groupIds: { aws: [sgId(3)] } } } });
    expect(selectFeedGroups('aws', groups, enrolment).selected).toHaveLength(12);
    expect(selectFeedGroups('aws', groups, enrolment, [sgId(3), sgId(4)])).toMatchObject({ skipped: [expect.objectContaining({ groupId: sgId(4) })] });
  });
});

describe('one notification per feed run', () => {
  const settings = FeedSettingsSchema.parse({
    aws: { enabled: true, services: ['CLOUDFRONT'] },
    targets: { prefixLists: { aws: { ipv4: 'pl-0000000000000000a', ipv6: 'pl-0000000000000000b' } }, securityGroups: { ports: [443], rulesPerGroupQuota: 1000, groupIds: { aws: [sgId(1)] } } },
  });

  it('two prefix lists and a group change: one applied notice naming all three, counts summed', () => {
    const actions = planFeed(cloudfront, { prefixLists: [prefixList('pl-0000000000000000a', 'IPv4'), prefixList('pl-0000000000000000b', 'IPv6')], groups: [group(1)] }, settings);
    expect(actions.map((a) => a.type)).toEqual(['modify-prefix-list', 'notify', 'modify-prefix-list', 'authorize-ingress', 'record-feed']);
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

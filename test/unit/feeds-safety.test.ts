// The feed safety rules (checkFeedSafety) and what the plan does with a refused feed: nothing
// mutating, exactly one high-severity notify (planFeed, planFeedRejected).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup } from '../../lambda-src/core/model.js';
import { parseAwsIpRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { type FeedSet, makeFeedSet } from '../../lambda-src/feeds/feed-set.js';
import type { FeedRecord } from '../../lambda-src/core/state.js';
import type { ObservedPrefixList } from '../../lambda-src/core/model.js';
import { type PreviousFeedState, checkFeedSafety, planFeed, planFeedRejected } from '../../lambda-src/plan/feeds.js';
import { FeedSettingsSchema } from '../../lambda-src/policy/feed-settings.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';

const settings = FeedSettingsSchema.parse({});

/** n distinct public /24s in 52.0.0.0/8, and m distinct /48s in 2600:9000::/28 (plausible: feeds/plausibility.ts). */
function feed(v4: number, v6: number, syncToken?: string): FeedSet {
  const cidrs = [...Array.from({ length: v4 }, (_, i) => `52.${i >> 8}.${i & 255}.0/24`), ...Array.from({ length: v6 }, (_, i) => `2600:9000:${i.toString(16)}::/48`)];
  return makeFeedSet('aws', cidrs, syncToken === undefined ? {} : { syncToken });
}

describe('checkFeedSafety', () => {
  it.each<[string, FeedSet, PreviousFeedState, string | undefined]>([
    ['first apply', feed(47, 0, '1720490589'), {}, undefined],
    ['empty feed, first apply', feed(0, 0), {}, 'empty'],
    ['empty feed, target empty too', feed(0, 0), { ipv4Count: 0, ipv6Count: 0 }, 'empty'],
    ['IPv6 gone', feed(10, 0), { ipv4Count: 10, ipv6Count: 3 }, 'family-empty'],
    ['IPv4 gone', feed(0, 3), { ipv4Count: 10, ipv6Count: 3 }, 'family-empty'],
    ['IPv6 absent before and after', feed(10, 0), { ipv4Count: 10, ipv6Count: 0 }, undefined],
    ['older syncToken', feed(10, 0, '1720490588'), { ipv4Count: 10, syncToken: '1720490589' }, 'stale-sync-token'],
    ['same syncToken', feed(10, 0, '1720490589'), { ipv4Count: 10, syncToken: '1720490589' }, undefined],
    ['newer syncToken (longer number)', feed(10, 0, '10000000000'), { ipv4Count: 10, syncToken: '9999999999' }, undefined],
    ['no syncToken (Cloudflare)', feed(10, 0), { ipv4Count: 10, syncToken: '1720490589' }, undefined],
    ['shrink 31% > 30%', feed(69, 0), { ipv4Count: 100 }, 'shrink'],
    ['shrink exactly 30%', feed(70, 0), { ipv4Count: 100 }, undefined],
    ['growth', feed(200, 0), { ipv4Count: 100 }, undefined],
    ['total shrink', feed(30, 5), { count: 60 }, 'shrink'],
    ['IPv6 shrink while IPv4 grows', feed(200, 2), { ipv4Count: 100, ipv6Count: 10, count: 110 }, 'shrink'],
  ])('%s', (_what, next, previous, code) => {
    const verdict = checkFeedSafety(next, previous, settings);
    expect(verdict.ok ? undefined : verdict.code).toBe(code);
  });

  it('says by how much, against which threshold, and how to accept an intended shrink', () => {
    const verdict = checkFeedSafety(feed(55, 0), { ipv4Count: 100 }, settings);
    expect(verdict).toMatchObject({ ok: false, summary: 'shrink 45% > 30%' });
    expect(verdict.ok ? '' : verdict.detail).toContain('maxShrinkPercent');
  });

  it('takes the threshold from the settings', () => {
    expect(checkFeedSafety(feed(55, 0), { ipv4Count: 100 }, { maxShrinkPercent: 50 }).ok).toBe(true);
    expect(checkFeedSafety(feed(99, 0), { ipv4Count: 100 }, { maxShrinkPercent: 0 }).ok).toBe(false);
  });
});

describe('a refused feed applies nothing and raises one high notify', () => {
  const enabled = FeedSettingsSchema.parse({
    aws: { enabled: true },
    cloudflare: { enabled: true },
    targets: { prefixLists: { aws: { ipv4: 'pl-0000000000000000a', ipv6: 'pl-0000000000000000b' } } },
  });
  const pl = (id: string, family: 'IPv4' | 'IPv6', cidrs: string[], tags: Record<string, string> = {}): ObservedPrefixList => ({
    prefixListId: id,
    version: 7,
    maxEntries: 300,
    addressFamily: family,
    entries: cidrs.map((cidr) => ({ cidr })),
    tags,
  });
  const applied = feed(100, 10, '1720490589');
  const observedFrom = (set: FeedSet, record?: FeedRecord) => ({
    prefixLists: [pl('pl-0000000000000000a', 'IPv4', set.ipv4), pl('pl-0000000000000000b', 'IPv6', set.ipv6)],
    groups: [] as ObservedGroup[],
    ...(record ? { record } : {}),
  });
  const recorded = (set: FeedSet): FeedRecord => ({ feed: 'aws', version: 4, syncToken: set.syncToken, hash: set.hash, ipv4Count: set.ipv4.length, ipv6Count: set.ipv6.length });
  const mutating = (actions: Action[]) => actions.filter((a) => a.type !== 'notify' && a.type !== 'ignore');

  it.each<[string, FeedSet, string]>([
    ['empty', feed(0, 0, '1720490590'), 'Feed REJECTED: aws empty'],
    ['IPv6 gone', feed(100, 0, '1720490590'), 'Feed REJECTED: aws has no IPv6 ranges (had 10) (pl-0000000000000000b)'],
    ['older', feed(101, 10, '1720490500'), 'Feed REJECTED: aws syncToken 1720490500 older than applied 1720490589'],
    ['shrink', feed(55, 10, '1720490590'), 'Feed REJECTED: aws shrink 45% > 30% (pl-0000000000000000a)'],
  ])('%s', (_what, next, subject) => {
    const actions = planFeed(next, observedFrom(applied, recorded(applied)), enabled);
    expect(mutating(actions)).toEqual([]);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: 'notify', severity: 'high', subject, attributes: { kind: 'feed', action: 'rejected', severity: 'high', feed: 'aws' } });
  });

  it('an unreadable feed (md5 mismatch) is one high notify naming the mismatch', () => {
    const tampered = new Uint8Array(readFileSync(new URL(IP_RANGES_2024, SAMPLES)));
    tampered[tampered.length - 2] = '\t'.charCodeAt(0); // whitespace only: still valid JSON, different bytes
    let error: unknown;
    try {
      parseAwsIpRanges(tampered, { expectMd5: '7d512815cbb10c21eb790c7f2f02e0b7' });
    } catch (err) {
      error = err;
    }
    const actions = planFeedRejected('aws', error);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: 'notify', severity: 'high', subject: 'Feed REJECTED: aws md5 mismatch', attributes: { action: 'rejected', feed: 'aws' } });
    expect((actions[0] as { message: string }).message).toContain('7d512815cbb10c21eb790c7f2f02e0b7');
  });

  it('a believable feed passes the same targets', () => {
    const actions = planFeed(feed(101, 10, '1720490590'), observedFrom(applied, recorded(applied)), enabled);
    expect(mutating(actions).map((a) => a.type)).toEqual(['modify-prefix-list', 'record-feed']);
    expect(actions.at(-1)).toMatchObject({ type: 'record-feed', syncToken: '1720490590', ipv4Count: 101, ipv6Count: 10, expectedVersion: 4 });
  });

  it('a stale syncToken is refused against the record even when a tag on the lists claims otherwise', () => {
    const tagged = observedFrom(applied, recorded(applied));
    for (const l of tagged.prefixLists) l.tags = { 'sg-guardian:feed-sync-token': '1' };
    const actions = planFeed(feed(101, 10, '1720490500'), tagged, enabled);
    expect(actions).toEqual([expect.objectContaining({ type: 'notify', severity: 'high', subject: 'Feed REJECTED: aws syncToken 1720490500 older than applied 1720490589' })]);
  });

  it('a disabled feed plans nothing', () => {
    expect(planFeed(feed(10, 0), observedFrom(applied), settings)).toEqual([{ type: 'ignore', reason: 'the aws feed is disabled (feeds.aws.enabled)' }]);
  });
});

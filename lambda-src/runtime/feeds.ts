// The feed sync's shell: fetch the feed, read its targets, hand both to the pure planner.
import type { Action, ObservedGroup, ObservedPrefixList } from '../core/model.js';
import { DecodeError } from '../core/model.js';
import { type Ec2, describeGroup, describeGroups, describePrefixList, describePrefixListSizes, readRules } from '../aws/ec2.js';
import type { Fetcher } from '../aws/http.js';
import { parseAwsIpRanges, selectAwsRanges } from '../feeds/aws-ip-ranges.js';
import { parseCloudflareApi, parseCloudflareText } from '../feeds/cloudflare.js';
import { FEED_HASH_TAG, type FeedName, type FeedSet, compareSyncTokens } from '../feeds/feed-set.js';
import type { IpSpaceChangedEvent } from '../events/guard-event.js';
import { planFeed, planFeedRejected, securityGroupRulesNeeded, selectFeedGroups } from '../plan/feeds.js';
import type { Settings } from '../policy/settings.js';

export interface FeedDeps {
  fetch: Fetcher;
  reads: FeedReads;
}

export type FeedReads = ReturnType<typeof feedReads>;

/**
 * EC2 reads shared by the feeds of one run: the tag-filtered group read is made once, however many
 * feeds sync; rules are read per group, once, and only for groups a feed has to plan.
 */
export function feedReads(ec2: Ec2) {
  let tagged: Promise<ObservedGroup[]> | undefined;
  const withRules = new Set<string>();
  return {
    ec2,
    taggedGroups: (tagKey: string) => (tagged ??= describeGroups(ec2, { Filters: [{ Name: 'tag-key', Values: [tagKey] }] }, { rules: false })),
    rulesOf: async (groups: readonly ObservedGroup[]) => {
      const missing = groups.filter((g) => !withRules.has(g.groupId));
      for (const g of missing) withRules.add(g.groupId);
      if (missing.length > 0) await readRules(ec2, missing);
    },
  };
}

/** One feed, end to end up to the plan. A feed that cannot be read plans one high notify, nothing else. */
export async function planFeedSync(feed: FeedName, settings: Settings, deps: FeedDeps, notice?: IpSpaceChangedEvent): Promise<Action[]> {
  if (!settings.feeds[feed].enabled) return [{ type: 'ignore', reason: `the ${feed} feed is disabled (feeds.${feed}.enabled)` }];
  let next: FeedSet;
  try {
    const loaded = await loadFeed(feed, settings, deps.fetch, notice);
    if ('superseded' in loaded) return [{ type: 'ignore', reason: loaded.superseded }];
    next = loaded.set;
  } catch (err) {
    return planFeedRejected(feed, err);
  }
  const observed = await observeFeedTargets(next, settings, deps.reads);
  const gone: Action[] = observed.missingGroupIds.map((id) => ({ type: 'ignore', reason: `feeds.targets.securityGroups.groupIds.${feed} lists ${id}, which does not exist` }));
  return [...gone, ...planFeed(next, observed, settings.feeds)];
}

async function loadFeed(feed: FeedName, settings: Settings, fetch: Fetcher, notice?: IpSpaceChangedEvent): Promise<{ set: FeedSet } | { superseded: string }> {
  if (feed === 'cloudflare') {
    const cf = settings.feeds.cloudflare;
    if (cf.apiUrl) return { set: parseCloudflareApi(text(await fetch(cf.apiUrl))) };
    const [v4, v6] = await Promise.all([fetch(cf.ipv4Url), fetch(cf.ipv6Url)]);
    return { set: parseCloudflareText(text(v4), text(v6)) };
  }
  const aws = settings.feeds.aws;
  // The configured URL, never the notice's: whoever can invoke the function could forge the notice.
  const bytes = await fetch(aws.url);
  const doc = parseAwsIpRanges(bytes);
  if (notice && doc.md5 !== notice.md5.trim().toLowerCase()) {
    // The file moved on since this notice (a newer one follows it): not an attack, nothing to do.
    if (compareSyncTokens(doc.syncToken, notice.syncToken) === 1)
      return { superseded: `ip-ranges.json (syncToken ${doc.syncToken}) is newer than this notice (${notice.syncToken}); its own notice applies it` };
    throw new DecodeError(`mismatch: the notice says ${notice.md5}, the bytes of ${aws.url} hash to ${doc.md5}`, 'md5');
  }
  const selection = {
    services: aws.services,
    ...(aws.regions ? { regions: aws.regions } : {}),
    ...(aws.networkBorderGroups ? { networkBorderGroups: aws.networkBorderGroups } : {}),
  };
  return { set: selectAwsRanges(doc, selection) };
}

/** The configured prefix lists, the candidate groups (one filtered describe plus the listed IDs), and the sizes of lists their rules reference. */
async function observeFeedTargets(next: FeedSet, settings: Settings, reads: FeedReads) {
  const { ec2 } = reads;
  const { feed, hash } = next;
  const targets = settings.feeds.targets;
  const prefixLists: ObservedPrefixList[] = [];
  for (const id of [targets.prefixLists[feed].ipv4, targets.prefixLists[feed].ipv6]) {
    if (!id) continue;
    // A list that already carries this feed's hash is unchanged (the planner stops there): skip its entries.
    const pl = await describePrefixList(ec2, id, { skipEntries: (tags) => tags[FEED_HASH_TAG] === hash });
    if (pl) prefixLists.push(pl);
  }
  const sg = targets.securityGroups;
  const groups = new Map<string, ObservedGroup>();
  // No read a configuration cannot use: with tagKey null only the listed groups can be targets.
  if (sg.tagKey !== null) for (const g of await reads.taggedGroups(sg.tagKey)) groups.set(g.groupId, g);
  const missingGroupIds: string[] = [];
  for (const id of sg.groupIds[feed].filter((id) => !groups.has(id))) {
    const g = await describeGroup(ec2, id, { rules: false });
    if (g) groups.set(id, g);
    else missingGroupIds.push(id);
  }
  // Rules only for this feed's groups, and only when the plan will look at them.
  const selected = selectFeedGroups(feed, [...groups.values()], settings.feeds);
  if (securityGroupRulesNeeded(next, [...groups.values()], settings.feeds)) await reads.rulesOf(selected);
  // A rule that references a prefix list weighs its max entries against the group's quota.
  const referenced = new Set<string>();
  for (const g of selected) for (const r of g.rules) if (r.direction === 'ingress' && r.prefixListId) referenced.add(r.prefixListId);
  const prefixListMaxEntries = await describePrefixListSizes(ec2, [...referenced]);
  return { prefixLists, groups: [...groups.values()], prefixListMaxEntries, missingGroupIds };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

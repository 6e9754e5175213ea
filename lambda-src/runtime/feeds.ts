// The feed sync's shell: fetch the feed, read the feed last applied (state table) and every target
// in full (entries, rules: whatever their tags say), hand them to the pure planner.
import type { Action, ObservedGroup, ObservedPrefixList } from '../core/model.js';
import { DecodeError } from '../core/model.js';
import type { StateStore } from '../core/state.js';
import { type Ec2, describeGroup, describeGroups, describePrefixList, describePrefixListSizes, errorCode, readRules } from '../aws/ec2.js';
import type { Fetcher } from '../aws/http.js';
import { parseAwsIpRanges, selectAwsRanges } from '../feeds/aws-ip-ranges.js';
import { parseCloudflareApi, parseCloudflareText } from '../feeds/cloudflare.js';
import { type FeedName, type FeedSet, compareSyncTokens } from '../feeds/feed-set.js';
import type { IpSpaceChangedEvent } from '../events/guard-event.js';
import { planFeed, planFeedRejected, selectFeedGroups } from '../plan/feeds.js';
import { guardScope } from '../reconcile/drift.js';
import type { Settings } from '../policy/settings.js';

export interface FeedDeps {
  fetch: Fetcher;
  reads: FeedReads;
  state: StateStore;
  home?: { accountId?: string; region?: string };
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
  const record = await deps.state.getFeed(feed);
  const observed = { ...(await observeFeedTargets(next, settings, deps)), ...(record ? { record } : {}) };
  const gone: Action[] = observed.missingGroupIds.map((id) => ({ type: 'ignore', reason: `feeds.targets.securityGroups.groupIds.${feed} lists ${id}, which does not exist` }));
  return [...gone, ...planFeed(next, observed, settings.feeds)];
}

export async function loadFeed(feed: FeedName, settings: Settings, fetch: Fetcher, notice?: IpSpaceChangedEvent): Promise<{ set: FeedSet } | { superseded: string }> {
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
async function observeFeedTargets(next: FeedSet, settings: Settings, deps: FeedDeps) {
  const { reads } = deps;
  const { ec2 } = reads;
  const { feed } = next;
  const targets = settings.feeds.targets;
  const prefixLists: ObservedPrefixList[] = [];
  for (const id of [targets.prefixLists[feed].ipv4, targets.prefixLists[feed].ipv6]) {
    if (!id) continue;
    // Always with its entries: a tag on the list (anyone's) never stands in for comparing them.
    const pl = await describePrefixList(ec2, id);
    if (pl) prefixLists.push(pl);
  }
  const sg = targets.securityGroups;
  const groups = new Map<string, ObservedGroup>();
  // No read a configuration cannot use: without tag enrolment only the listed groups can be targets.
  if (sg.tagEnrolment) for (const g of await reads.taggedGroups(sg.tagKey)) groups.set(g.groupId, g);
  const missingGroupIds: string[] = [];
  const listed = sg.groupIds[feed].filter((id) => !groups.has(id));
  // The listed groups in one call; one by one only when one is gone (its NotFound fails the whole call).
  const found = listed.length === 0 ? [] : await describeGroups(ec2, { GroupIds: listed }, { rules: false }).catch(async (err: unknown) => {
    if (errorCode(err) !== 'InvalidGroup.NotFound') throw err;
    return (await Promise.all(listed.map((id) => describeGroup(ec2, id, { rules: false })))).filter((g): g is ObservedGroup => g !== undefined);
  });
  for (const g of found) groups.set(g.groupId, g);
  for (const id of listed) if (!groups.has(id)) missingGroupIds.push(id);
  const driftGuardedGroupIds = await driftGuardedTagged(feed, [...groups.values()], settings, deps);
  // Rules for this feed's groups, every run: the plan compares them with the feed.
  const { selected } = selectFeedGroups(feed, [...groups.values()], settings.feeds, driftGuardedGroupIds);
  await reads.rulesOf(selected);
  // A rule that references a prefix list weighs its max entries against the group's quota.
  const referenced = new Set<string>();
  for (const g of selected) for (const r of g.rules) if (r.direction === 'ingress' && r.prefixListId) referenced.add(r.prefixListId);
  const prefixListMaxEntries = await describePrefixListSizes(ec2, [...referenced]);
  return { prefixLists, groups: [...groups.values()], prefixListMaxEntries, missingGroupIds, driftGuardedGroupIds };
}

/**
 * Groups enrolled by tag alone (not listed for the feed) that the drift guard guards — listed in
 * drift.guardedGroupIds, tagged drift.guardTag, or enrolled in the state table: the planner skips
 * and reports them. Empty when tag enrolment or the drift guard is off.
 */
async function driftGuardedTagged(feed: FeedName, groups: ObservedGroup[], settings: Settings, deps: FeedDeps): Promise<string[]> {
  const sg = settings.feeds.targets.securityGroups;
  if (!sg.tagEnrolment || !settings.drift.enabled) return [];
  const listed = new Set(sg.groupIds[feed]);
  const accountId = deps.home?.accountId ?? 'unknown';
  const region = deps.home?.region ?? 'unknown';
  const guarded: string[] = [];
  for (const g of groups) {
    if (listed.has(g.groupId) || g.tags[sg.tagKey]?.trim().toLowerCase() !== feed) continue;
    const record = await deps.state.getGroup({ accountId, region, groupId: g.groupId });
    if (guardScope(g.groupId, settings, g, record).guarded) guarded.push(g.groupId);
  }
  return guarded;
}

function text(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

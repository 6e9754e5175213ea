// Plans the CDN allow-list sync: a verified FeedSet, the feed last applied (the state table's
// FeedRecord) and the observed targets (managed prefix lists, security groups) in, the exact changes
// out. Pure. Desired state = the feed set: every run compares what each target holds with it, and no
// tag decides anything (not what was applied, not the ports, not — unless tag enrolment is on —
// which groups are targets). A feed that looks wrong (empty, a family gone, older than what was
// applied, shrinking too much) changes nothing and raises one high notify.
import type { Action, IpPermission, ObservedGroup, ObservedPrefixList, SecurityGroupRule } from '../core/model.js';
import type { FeedRecord } from '../core/state.js';
import { type IpFamily, compareCidrs, parseCidr } from '../feeds/cidr.js';
import { type FeedName, type FeedSet, compareSyncTokens } from '../feeds/feed-set.js';
import { describeImplausible, implausibleRanges } from '../feeds/plausibility.js';
import { feedAppliedNotice, feedLabel, feedNeedsShardsNotice, feedRejectedNotice, feedSkippedNotice } from '../notify/feeds.js';
import type { FeedSettings } from '../policy/feed-settings.js';
import { type ShardSlot, assignShards } from './shards.js';

const FAMILIES = ['ipv4', 'ipv6'] as const;
const FAMILY_NAME: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };


/** What came before: the counts applied last (recorded; what the target holds when nothing is), and the syncToken applied. */
export interface PreviousFeedState {
  count?: number;
  ipv4Count?: number;
  ipv6Count?: number;
  syncToken?: string;
}

export type SafetyVerdict =
  | { ok: true }
  | { ok: false; code: 'empty' | 'family-empty' | 'stale-sync-token' | 'shrink'; summary: string; detail: string };

type Notify = Extract<Action, { type: 'notify' }>;
type Applied = Parameters<typeof feedAppliedNotice>[0];

/** A target's plan, its "applied" notice kept apart so planFeed can send one for the whole feed run. */
interface TargetPlan {
  actions: Action[];
  applied?: Applied;
}

function withNotice(plan: TargetPlan): Action[] {
  return plan.applied ? [...plan.actions, feedAppliedNotice(plan.applied)] : plan.actions;
}

/** The description marker on every rule this feed owns; see managedRules for why a marker. */
export function ruleMarker(feed: FeedName): string {
  return `sg-guardian:${feed}`;
}

// ---------------------------------------------------------------------------------------------
// Safety

/** Is `next` believable as a successor of what the target holds? */
export function checkFeedSafety(next: FeedSet, previous: PreviousFeedState, settings: Pick<FeedSettings, 'maxShrinkPercent'>): SafetyVerdict {
  const total = next.ipv4.length + next.ipv6.length;
  if (total === 0) return { ok: false, code: 'empty', summary: 'empty', detail: 'the selected feed holds no ranges at all (truncated download, or a selection that matches nothing).' };

  for (const family of FAMILIES) {
    const before = family === 'ipv4' ? previous.ipv4Count : previous.ipv6Count;
    if (before !== undefined && before > 0 && next[family].length === 0) {
      return {
        ok: false,
        code: 'family-empty',
        summary: `has no ${FAMILY_NAME[family]} ranges (had ${before})`,
        detail: `the feed has no ${FAMILY_NAME[family]} ranges, but the target holds ${before}.`,
      };
    }
  }

  if (compareSyncTokens(next.syncToken, previous.syncToken) === -1) {
    return {
      ok: false,
      code: 'stale-sync-token',
      summary: `syncToken ${next.syncToken} older than applied ${previous.syncToken}`,
      detail: `the feed's syncToken ${next.syncToken} is older than the ${previous.syncToken} already applied (a replayed or out-of-order notice).`,
    };
  }

  const shrinks = [
    { what: 'IPv4', before: previous.ipv4Count, after: next.ipv4.length },
    { what: 'IPv6', before: previous.ipv6Count, after: next.ipv6.length },
    { what: 'total', before: previous.count, after: total },
  ]
    .filter((s): s is { what: string; before: number; after: number } => s.before !== undefined && s.before > 0 && s.after < s.before)
    .map((s) => ({ ...s, percent: ((s.before - s.after) / s.before) * 100 }))
    .filter((s) => s.percent > settings.maxShrinkPercent)
    .sort((a, b) => b.percent - a.percent);
  const worst = shrinks[0];
  if (worst) {
    const shown = `${Math.round(worst.percent * 10) / 10}%`;
    return {
      ok: false,
      code: 'shrink',
      summary: `shrink ${shown} > ${settings.maxShrinkPercent}%`,
      detail:
        `${worst.what} ranges would shrink from ${worst.before} to ${worst.after} (${shown}, more than maxShrinkPercent ${settings.maxShrinkPercent}%). ` +
        'If the smaller selection is intended (e.g. services changed), raise feeds.maxShrinkPercent for one run.',
    };
  }
  return { ok: true };
}

/** One high notify for a feed that could not be read (md5 mismatch, bad JSON, Cloudflare error...). */
export function planFeedRejected(feed: FeedName, error: unknown): Action[] {
  const detail = error instanceof Error ? error.message : String(error);
  const summary = /md5/i.test(detail) ? 'md5 mismatch' : 'unreadable';
  return [feedRejectedNotice({ feed, summary, detail, reason: `${feed} feed rejected: ${detail}` })];
}

/**
 * A feed with any implausible range (a default route, shorter than feeds.minPrefixLength, or not
 * public: see feeds/plausibility.ts) is refused as a whole for every target: one high notify naming
 * the ranges. Undefined when the set is plausible.
 */
export function planImplausible(next: FeedSet, settings: Pick<FeedSettings, 'minPrefixLength'>): Action[] | undefined {
  const bad = implausibleRanges(next, settings.minPrefixLength);
  if (bad.length === 0) return undefined;
  const first = bad[0]!;
  return [
    feedRejectedNotice({
      feed: next.feed,
      set: next,
      summary: `implausible range ${first.cidr}${bad.length > 1 ? ` (+${bad.length - 1})` : ''}`,
      detail:
        `${describeImplausible(bad, 10)}. A CDN never publishes such a range: a bad publish or a tampered mirror looks like this. ` +
        'If a short public range is genuine, lower feeds.minPrefixLength (feed_min_prefix_length) for it.',
      reason: `${next.feed} feed rejected (implausible): ${bad.map((b) => b.cidr).join(', ')}`,
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Prefix-list mode

/**
 * The list's "before": the family's count applied last as recorded (an intruder who pads the list
 * must not make its cleanup look like a shrink), what it holds when nothing is recorded yet.
 */
export function previousOfPrefixList(observed: ObservedPrefixList, record?: FeedRecord): PreviousFeedState {
  const family: IpFamily = observed.addressFamily === 'IPv4' ? 'ipv4' : 'ipv6';
  const count = (family === 'ipv4' ? record?.ipv4Count : record?.ipv6Count) ?? observed.entries.length;
  const previous: PreviousFeedState = family === 'ipv4' ? { ipv4Count: count } : { ipv6Count: count };
  if (record?.syncToken !== undefined) previous.syncToken = record.syncToken;
  return previous;
}

/**
 * Makes the prefix list hold exactly the feed's ranges of its address family, whatever its tags
 * say: at most one modify-prefix-list (against the observed version, so a concurrent change fails
 * instead of being overwritten). A list too small for the set is refused.
 */
export function planPrefixList(next: FeedSet, observed: ObservedPrefixList, settings: FeedSettings, record?: FeedRecord): Action[] {
  return withNotice(prefixListPlan(next, observed, settings, record));
}

function prefixListPlan(next: FeedSet, observed: ObservedPrefixList, settings: FeedSettings, record: FeedRecord | undefined): TargetPlan {
  const id = observed.prefixListId;
  const family: IpFamily = observed.addressFamily === 'IPv4' ? 'ipv4' : 'ipv6';
  const verdict = checkFeedSafety(next, previousOfPrefixList(observed, record), settings);
  if (!verdict.ok) return { actions: [rejectedNotice(next, verdict, id)] };

  const desired = next[family];
  if (desired.length > observed.maxEntries) {
    return {
      actions: [
        feedRejectedNotice({
          feed: next.feed,
          set: next,
          summary: `${desired.length} ${FAMILY_NAME[family]} ranges > max entries ${observed.maxEntries}`,
          detail:
            `${id} allows ${observed.maxEntries} entries and the feed has ${desired.length} ${FAMILY_NAME[family]} ranges. ` +
            `Raise its max entries to at least ${desired.length} (every security-group rule that references it counts that many rules).`,
          target: id,
          reason: `${id} too small for the ${next.feed} feed`,
        }),
      ],
    };
  }

  const observedByCanonical = new Map<string, string>();
  for (const entry of observed.entries) observedByCanonical.set(parseCidr(entry.cidr)?.text ?? entry.cidr, entry.cidr);
  const wanted = new Set(desired);
  const add = desired.filter((c) => !observedByCanonical.has(c)).map((c) => ({ Cidr: c, Description: ruleMarker(next.feed) }));
  const remove = sortByCidr([...observedByCanonical.keys()].filter((c) => !wanted.has(c))).map((c) => ({ Cidr: observedByCanonical.get(c)! }));

  if (add.length === 0 && remove.length === 0) {
    return { actions: [unchanged(`${id} holds exactly the ${desired.length} ${FAMILY_NAME[family]} ranges of the ${next.feed} feed (hash ${next.hash})`)] };
  }
  if (add.length === 0 && remove.length === observed.entries.length) {
    // Unreachable after checkFeedSafety; kept so no future change can plan an emptied list.
    return { actions: [rejectedNotice(next, { ok: false, code: 'family-empty', summary: 'would empty the list', detail: `the plan would remove every entry of ${id}.` }, id)] };
  }

  const label = feedLabel(next.feed, settings.aws.services);
  const reason = `${next.feed} feed ${next.syncToken ?? next.hash}: ${id} +${add.length} -${remove.length} ${FAMILY_NAME[family]}`;
  return {
    actions: [{ type: 'modify-prefix-list', prefixListId: id, currentVersion: observed.version, add, remove, reason }],
    applied: {
      set: next,
      label,
      targets: [id],
      added: add.length,
      removed: remove.length,
      details: [...add.map((e) => `+ ${e.Cidr}`), ...remove.map((e) => `- ${e.Cidr}`)],
      reason,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Security-group mode

export interface SecurityGroupPlanOptions {
  /** Max entries of prefix lists referenced by rules in the groups: such a rule weighs that many rules. */
  prefixListMaxEntries?: Record<string, number>;
  /** The feed last applied (state table). */
  record?: FeedRecord;
  /** Groups the drift guard guards (listed, tagged with its guard tag, or enrolled): never a feed target by tag alone. */
  driftGuardedGroupIds?: readonly string[];
}

interface PortRange {
  from: number;
  to: number;
}

interface ManagedRule {
  rule: SecurityGroupRule;
  cidr: string;
  family: IpFamily;
  key: string;
}

interface GroupTarget {
  group: ObservedGroup;
  ports: PortRange[];
  managed: ManagedRule[];
}

/**
 * Groups of the feed: listed by ID in the settings (Terraform's), and — only with tagEnrolment on —
 * tagged tagKey = feed, except a tagged group the drift guard guards: that one is `skipped` (a tag
 * must not add rules to a guarded group behind the guard's back). Sorted by ID, deduplicated.
 */
export function selectFeedGroups(
  feed: FeedName,
  groups: readonly ObservedGroup[],
  settings: FeedSettings,
  driftGuardedGroupIds: readonly string[] = [],
): { selected: ObservedGroup[]; skipped: ObservedGroup[] } {
  const { groupIds, tagEnrolment, tagKey } = settings.targets.securityGroups;
  const ids = new Set(groupIds[feed]);
  const guarded = new Set(driftGuardedGroupIds);
  const byId = new Map<string, ObservedGroup>();
  const skipped = new Map<string, ObservedGroup>();
  for (const g of groups) {
    if (ids.has(g.groupId)) byId.set(g.groupId, g);
    else if (tagEnrolment && g.tags[tagKey]?.trim().toLowerCase() === feed) (guarded.has(g.groupId) ? skipped : byId).set(g.groupId, g);
  }
  const sort = (m: Map<string, ObservedGroup>) => [...m.values()].sort((a, b) => cmp(a.groupId, b.groupId));
  return { selected: sort(byId), skipped: sort(skipped) };
}

/**
 * Makes the feed's groups allow exactly the feed's CIDRs on the configured TCP ports, touching only
 * managed rules. Groups in the same VPC with the same ports share the load (shards) when one
 * group's quota cannot hold it; groups in other VPCs or with other ports each get a full copy.
 */
export function planSecurityGroups(next: FeedSet, groups: ObservedGroup[], settings: FeedSettings, opts: SecurityGroupPlanOptions = {}): Action[] {
  return withNotice(securityGroupsPlan(next, groups, settings, opts));
}

function securityGroupsPlan(next: FeedSet, groups: readonly ObservedGroup[], settings: FeedSettings, opts: SecurityGroupPlanOptions): TargetPlan {
  const ctx = securityGroupContext(next, groups, settings, opts);
  const actions: Action[] = [...ctx.problems];
  if (ctx.targets.length === 0) {
    if (actions.length === 0) actions.push({ type: 'ignore', reason: `no security group targets the ${next.feed} feed` });
    return { actions };
  }
  const verdict = checkFeedSafety(next, ctx.previous, settings);
  if (!verdict.ok) return { actions: [...actions, rejectedNotice(next, verdict, ctx.targets.length === 1 ? ctx.targets[0]!.group.groupId : undefined)] };

  const quota = settings.targets.securityGroups.rulesPerGroupQuota;
  // Groups that only gain rules go first: their final state fits the quota without any revoke, and
  // a range evicted from a full group is then allowed in its new group before it is revoked.
  const gainOnly: Action[] = [];
  const revokeThenAuthorize: Action[] = [];
  const changed: string[] = [];
  const details: string[] = [];
  let added = 0;
  let removed = 0;
  let managedBefore = 0;
  let managedAfter = 0;

  for (const shardSet of shardSets(ctx.targets, settings)) {
    const perCidr = shardSet[0]!.ports.length;
    const slots: ShardSlot[] = shardSet.map((t) => {
      const others = otherRuleCounts(t, opts);
      return {
        groupId: t.group.groupId,
        capacity: { ipv4: Math.floor((quota - others.ipv4) / perCidr), ipv6: Math.floor((quota - others.ipv6) / perCidr) },
        holds: new Set(t.managed.map((m) => m.cidr)),
      };
    });
    const assignment = assignShards({ ipv4: next.ipv4, ipv6: next.ipv6 }, slots);
    const shortfall = Math.max(assignment.unplaced.ipv4.length, assignment.unplaced.ipv6.length);
    const ids = shardSet.map((t) => t.group.groupId);
    if (shortfall > 0) {
      actions.push(needsShards(next, ids, perCidr, quota, assignment.unplaced));
      continue;
    }
    for (const t of shardSet) {
      const want = assignment.byGroup.get(t.group.groupId)!;
      const diff = diffGroup(t, want, ruleMarker(next.feed));
      managedBefore += t.managed.length;
      managedAfter += t.managed.length - diff.revoke.length + diff.authorizeCount;
      const ruleActions = diff.revoke.length > 0 ? revokeThenAuthorize : gainOnly;
      if (diff.revoke.length > 0) {
        ruleActions.push({
          type: 'revoke-ingress',
          groupId: t.group.groupId,
          ruleIds: diff.revoke.map((m) => m.rule.ruleId),
          reason: `${next.feed} feed: revoke ${diff.revoke.length} managed rules no longer wanted in ${t.group.groupId} (${describeRules(diff.revoke)})`,
        });
      }
      if (diff.authorizeCount > 0) {
        ruleActions.push({
          type: 'authorize-ingress',
          groupId: t.group.groupId,
          permissions: diff.authorize,
          reason: `${next.feed} feed: allow ${diff.authorizeCount} (CIDR, port) rules in ${t.group.groupId}`,
        });
      }
      if (diff.revoke.length > 0 || diff.authorizeCount > 0) {
        changed.push(t.group.groupId);
        details.push(`${t.group.groupId}: +${diff.authorizeCount} -${diff.revoke.length} (holds ${want.ipv4.length} IPv4 + ${want.ipv6.length} IPv6 ranges on ports ${portsText(t.ports)})`);
      }
      added += diff.authorizeCount;
      removed += diff.revoke.length;
    }
  }

  if (managedBefore > 0 && managedAfter === 0) {
    // Unreachable after checkFeedSafety (the feed is not empty); kept so no change can plan a total revoke.
    return { actions: [...actions, rejectedNotice(next, { ok: false, code: 'empty', summary: 'would revoke every rule', detail: 'the plan would revoke every managed rule.' }, undefined)] };
  }
  actions.push(...gainOnly, ...revokeThenAuthorize);
  if (actions.length === 0) actions.push(unchanged(`${ctx.targets.map((t) => t.group.groupId).join(', ')} hold exactly the ${next.feed} feed (hash ${next.hash}) on ports ${portsText(portRanges(settings.targets.securityGroups.ports))}`));
  if (changed.length === 0) return { actions };
  const reason = `${next.feed} feed ${next.syncToken ?? next.hash}: +${added} -${removed} rules in ${changed.join(', ')}`;
  return { actions, applied: { set: next, label: feedLabel(next.feed, settings.aws.services), targets: changed, added, removed, details, reason } };
}

interface SecurityGroupContext {
  targets: GroupTarget[];
  problems: Notify[];
  previous: PreviousFeedState;
}

function securityGroupContext(next: FeedSet, groups: readonly ObservedGroup[], settings: FeedSettings, opts: SecurityGroupPlanOptions): SecurityGroupContext {
  const sg = settings.targets.securityGroups;
  const problems: Notify[] = [];
  const { selected, skipped } = selectFeedGroups(next.feed, groups, settings, opts.driftGuardedGroupIds);
  if (skipped.length > 0) problems.push(feedSkippedNotice({ set: next, groupIds: skipped.map((g) => g.groupId), tagKey: sg.tagKey }));
  const missing = sg.groupIds[next.feed].filter((id) => !groups.some((g) => g.groupId === id));
  if (missing.length > 0) {
    problems.push(
      feedRejectedNotice({
        feed: next.feed,
        set: next,
        summary: `group ${missing.join(', ')} not found`,
        detail: `feeds.targets.securityGroups.groupIds.${next.feed} lists ${missing.join(', ')}, which were not observed (deleted, or another region/account).`,
        target: missing.length === 1 ? missing[0] : undefined,
        reason: `${next.feed} feed target missing`,
      }),
    );
  }

  // Ports are the settings' (Terraform's), never a tag's: a tag could open 22 to every CDN range.
  const ports = portRanges(sg.ports);
  const targets: GroupTarget[] = selected.map((group) => ({ group, ports, managed: managedRules(group, next.feed) }));

  // Before = the counts applied last (recorded), what the groups hold when nothing is recorded yet.
  const held: Record<IpFamily, Set<string>> = { ipv4: new Set(), ipv6: new Set() };
  for (const t of targets) for (const m of t.managed) held[m.family].add(m.cidr);
  const ipv4Count = opts.record?.ipv4Count ?? held.ipv4.size;
  const ipv6Count = opts.record?.ipv6Count ?? held.ipv6.size;
  const previous: PreviousFeedState = { ipv4Count, ipv6Count, count: ipv4Count + ipv6Count };
  if (opts.record?.syncToken !== undefined) previous.syncToken = opts.record.syncToken;
  return { targets, problems, previous };
}

/**
 * A rule is managed by a feed when it is an ingress CIDR rule whose description carries the
 * feed's marker. Not "its CIDR is in the feed": a range that left the feed would no longer be
 * recognised and could never be revoked, and an operator's own rule for a CDN range (say port 22
 * for a support tool) would be taken over. The marker finds exactly our rules, departed ranges
 * included, and leaves every other rule alone.
 */
function managedRules(group: ObservedGroup, feed: FeedName): ManagedRule[] {
  const marker = ruleMarker(feed);
  const managed: ManagedRule[] = [];
  for (const rule of group.rules) {
    if (rule.direction !== 'ingress' || !hasMarker(rule.description, marker)) continue;
    const parsed = parseCidr(rule.cidrIpv4 ?? rule.cidrIpv6 ?? '');
    if (!parsed) continue; // a marked rule without a CIDR source is not one we create: leave it
    managed.push({ rule, cidr: parsed.text, family: parsed.family, key: ruleKey(rule.protocol, rule.fromPort, rule.toPort, parsed.text) });
  }
  return managed;
}

function hasMarker(description: string | undefined, marker: string): boolean {
  return description !== undefined && (description === marker || description.startsWith(`${marker} `));
}

/** Inbound rules that are not this feed's, per family, as AWS counts them against the quota. */
function otherRuleCounts(t: GroupTarget, opts: SecurityGroupPlanOptions): Record<IpFamily, number> {
  const managedIds = new Set(t.managed.map((m) => m.rule.ruleId));
  const counts = { ipv4: 0, ipv6: 0 };
  for (const rule of t.group.rules) {
    if (rule.direction !== 'ingress' || managedIds.has(rule.ruleId)) continue;
    if (rule.cidrIpv4) counts.ipv4++;
    else if (rule.cidrIpv6) counts.ipv6++;
    else {
      // A group or prefix-list reference counts for both families; a prefix list weighs its max entries.
      const weight = rule.prefixListId ? (opts.prefixListMaxEntries?.[rule.prefixListId] ?? 1) : 1;
      counts.ipv4 += weight;
      counts.ipv6 += weight;
    }
  }
  return counts;
}

/** Shard sets: same VPC and same ports (an ENI can only combine groups of its VPC). Groups in shard order. */
function shardSets(targets: readonly GroupTarget[], settings: FeedSettings): GroupTarget[][] {
  const indexKey = settings.targets.securityGroups.shardIndexTagKey;
  const sets = new Map<string, GroupTarget[]>();
  for (const t of targets) {
    const key = `${t.group.vpcId ?? ''}|${portsText(t.ports)}`;
    sets.set(key, [...(sets.get(key) ?? []), t]);
  }
  const shardIndex = (t: GroupTarget): number => {
    const tag = t.group.tags[indexKey]?.trim();
    return tag !== undefined && /^\d{1,6}$/.test(tag) ? Number(tag) : Number.POSITIVE_INFINITY;
  };
  return [...sets.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([, set]) => set.sort((a, b) => shardIndex(a) - shardIndex(b) || cmp(a.group.groupId, b.group.groupId)));
}

function diffGroup(t: GroupTarget, want: Record<IpFamily, string[]>, marker: string): { revoke: ManagedRule[]; authorize: IpPermission[]; authorizeCount: number } {
  const wanted = new Map<string, { family: IpFamily; cidr: string; range: PortRange }>();
  for (const family of FAMILIES) {
    for (const cidr of want[family]) {
      for (const range of t.ports) wanted.set(ruleKey('tcp', range.from, range.to, cidr), { family, cidr, range });
    }
  }
  const revoke: ManagedRule[] = [];
  const kept = new Set<string>();
  for (const m of t.managed) {
    if (wanted.has(m.key) && !kept.has(m.key)) kept.add(m.key);
    else revoke.push(m);
  }
  // Any identical rule (ours or not) already allows the source: authorizing again would fail as a duplicate.
  const present = new Set<string>();
  for (const rule of t.group.rules) {
    const cidr = rule.direction === 'ingress' ? parseCidr(rule.cidrIpv4 ?? rule.cidrIpv6 ?? '')?.text : undefined;
    if (cidr) present.add(ruleKey(rule.protocol, rule.fromPort, rule.toPort, cidr));
  }
  const missing = [...wanted].filter(([key]) => !present.has(key));

  const permissions: IpPermission[] = [];
  for (const range of t.ports) {
    const inRange = missing.filter(([, w]) => w.range.from === range.from && w.range.to === range.to).map(([, w]) => w);
    if (inRange.length === 0) continue;
    const permission: IpPermission = { IpProtocol: 'tcp', FromPort: range.from, ToPort: range.to };
    const v4 = inRange.filter((w) => w.family === 'ipv4').map((w) => ({ CidrIp: w.cidr, Description: marker }));
    const v6 = inRange.filter((w) => w.family === 'ipv6').map((w) => ({ CidrIpv6: w.cidr, Description: marker }));
    if (v4.length > 0) permission.IpRanges = v4;
    if (v6.length > 0) permission.Ipv6Ranges = v6;
    permissions.push(permission);
  }
  return { revoke: revoke.sort((a, b) => cmp(a.rule.ruleId, b.rule.ruleId)), authorize: permissions, authorizeCount: missing.length };
}

function needsShards(next: FeedSet, groupIds: string[], perCidr: number, quota: number, unplaced: Record<IpFamily, string[]>): Notify {
  const perNewGroup = Math.floor(quota / perCidr);
  const more = perNewGroup > 0 ? Math.max(...FAMILIES.map((f) => Math.ceil(unplaced[f].length / perNewGroup))) : Number.NaN;
  if (!Number.isFinite(more)) {
    return feedRejectedNotice({
      feed: next.feed,
      set: next,
      summary: `quota ${quota} < ${perCidr} port ranges`,
      detail: `one CIDR needs ${perCidr} rules (one per port range) but rulesPerGroupQuota is ${quota}.`,
      reason: `${next.feed} feed cannot fit any group`,
    });
  }
  const missing = FAMILIES.filter((f) => unplaced[f].length > 0).map((f) => `${unplaced[f].length} ${FAMILY_NAME[f]} ranges`).join(' and ');
  return feedNeedsShardsNotice({
    set: next,
    groupIds,
    more,
    detail:
      `${missing} do not fit in ${groupIds.join(', ')} (quota ${quota} inbound rules per family per group, ${perCidr} rule(s) per range; ` +
      `a new group holds ${perNewGroup} ranges).`,
    reason: `${next.feed} feed needs ${more} more shard group(s) beside ${groupIds.join(', ')}`,
  });
}

// ---------------------------------------------------------------------------------------------
// All targets of one feed

export interface ObservedFeedTargets {
  /** The configured prefix lists, as observed. */
  prefixLists: ObservedPrefixList[];
  /** Candidate groups: those listed by ID and (tag enrolment on) those tagged with the feed. */
  groups: ObservedGroup[];
  prefixListMaxEntries?: Record<string, number>;
  /** The feed last applied, from the state table (undefined: never recorded). */
  record?: FeedRecord;
  /** Tagged candidates the drift guard guards (see selectFeedGroups). */
  driftGuardedGroupIds?: readonly string[];
}

/**
 * Plans every target of the feed. Safety is judged against each target, but the verdict is the
 * feed's: if any target finds it unbelievable, nothing at all is applied and one notify says why.
 * When every target ends at the feed set, the set is recorded (record-feed, last).
 */
export function planFeed(next: FeedSet, observed: ObservedFeedTargets, settings: FeedSettings): Action[] {
  if (!settings[next.feed].enabled) return [{ type: 'ignore', reason: `the ${next.feed} feed is disabled (feeds.${next.feed}.enabled)` }];
  const implausible = planImplausible(next, settings);
  if (implausible) return implausible;
  const { record } = observed;
  if (compareSyncTokens(next.syncToken, record?.syncToken) === -1) {
    const verdict = checkFeedSafety(next, { syncToken: record?.syncToken }, settings);
    if (!verdict.ok) return [rejectedNotice(next, verdict, undefined)];
  }

  const problems: Notify[] = [];
  const prefixLists: ObservedPrefixList[] = [];
  for (const family of FAMILIES) {
    const id = settings.targets.prefixLists[next.feed][family];
    if (!id) continue;
    const pl = observed.prefixLists.find((p) => p.prefixListId === id);
    const wrong = !pl ? 'was not found' : pl.addressFamily !== FAMILY_NAME[family] ? `is ${pl.addressFamily}, configured as ${family}` : undefined;
    if (wrong || !pl) {
      problems.push(
        feedRejectedNotice({
          feed: next.feed,
          set: next,
          summary: `prefix list ${id} ${pl ? 'wrong family' : 'not found'}`,
          detail: `feeds.targets.prefixLists.${next.feed}.${family} = ${id} ${wrong ?? ''}.`,
          target: id,
          reason: `${next.feed} feed target ${id} unusable`,
        }),
      );
      continue;
    }
    prefixLists.push(pl);
  }

  const sgOpts: SecurityGroupPlanOptions = {
    ...(observed.prefixListMaxEntries ? { prefixListMaxEntries: observed.prefixListMaxEntries } : {}),
    ...(record ? { record } : {}),
    ...(observed.driftGuardedGroupIds ? { driftGuardedGroupIds: observed.driftGuardedGroupIds } : {}),
  };
  const candidates = selectFeedGroups(next.feed, observed.groups, settings, observed.driftGuardedGroupIds);
  const sgWanted = candidates.selected.length > 0 || candidates.skipped.length > 0 || settings.targets.securityGroups.groupIds[next.feed].length > 0;
  if (prefixLists.length === 0 && !sgWanted) {
    return problems.length > 0 ? problems : [{ type: 'ignore', reason: `no target for the ${next.feed} feed (no prefix list configured, no group listed or tagged)` }];
  }

  // The feed-level verdict: every target that would change must find the feed believable.
  const failures: { target: string; verdict: Extract<SafetyVerdict, { ok: false }> }[] = [];
  for (const pl of prefixLists) {
    const verdict = checkFeedSafety(next, previousOfPrefixList(pl, record), settings);
    if (!verdict.ok) failures.push({ target: pl.prefixListId, verdict });
  }
  if (sgWanted) {
    const ctx = securityGroupContext(next, observed.groups, settings, sgOpts);
    if (ctx.targets.length > 0) {
      const verdict = checkFeedSafety(next, ctx.previous, settings);
      if (!verdict.ok) failures.push({ target: ctx.targets.map((t) => t.group.groupId).join(', '), verdict });
    }
  }
  const first = failures[0];
  if (first) {
    const detail = failures.map((f) => `${f.target}: ${f.verdict.detail}`).join('\n');
    return [
      feedRejectedNotice({
        feed: next.feed,
        set: next,
        summary: first.verdict.summary,
        detail,
        target: failures.length === 1 && !first.target.includes(',') ? first.target : undefined,
        reason: `${next.feed} feed rejected (${first.verdict.code}): nothing applied`,
      }),
    ];
  }

  // One "applied" notification for the feed run, however many targets changed; it goes where the
  // first target's notice would have been.
  const plans = prefixLists.map((pl) => prefixListPlan(next, pl, settings, record));
  if (sgWanted) plans.push(securityGroupsPlan(next, observed.groups, settings, sgOpts));
  const applied = plans.flatMap((p) => (p.applied ? [p.applied] : []));
  const actions: Action[] = [...problems];
  for (const plan of plans) {
    actions.push(...plan.actions);
    if (plan.applied === applied[0] && plan.applied) actions.push(feedAppliedNotice(mergeApplied(applied)));
  }
  // Recorded only when every target ends at the set (nothing refused, nothing left unplaced), and
  // only when it differs from the record; execute skips it after any failed action.
  const incomplete = actions.some((a) => a.type === 'notify' && ['rejected', 'needs-shards'].includes(a.attributes.action ?? ''));
  const same = record && record.hash === next.hash && record.syncToken === next.syncToken && record.ipv4Count === next.ipv4.length && record.ipv6Count === next.ipv6.length;
  if (!incomplete && !same) {
    actions.push({
      type: 'record-feed',
      feed: next.feed,
      ...(next.syncToken === undefined ? {} : { syncToken: next.syncToken }),
      hash: next.hash,
      ipv4Count: next.ipv4.length,
      ipv6Count: next.ipv6.length,
      ...(record ? { expectedVersion: record.version } : {}),
      reason: `record the applied ${next.feed} feed ${next.syncToken ?? next.hash} (hash ${next.hash}) in the state table`,
    });
  }
  return actions;
}

/** The applied notices of several targets as one: targets listed, counts summed, details per target. */
function mergeApplied(applied: Applied[]): Applied {
  const [first] = applied;
  if (applied.length === 1 && first) return first;
  return {
    set: first!.set,
    label: first!.label,
    targets: applied.flatMap((a) => a.targets),
    added: applied.reduce((n, a) => n + a.added, 0),
    removed: applied.reduce((n, a) => n + a.removed, 0),
    // Prefix-list details are bare "+ cidr" lines: head them with their list. Group details name their group.
    details: applied.flatMap((a) => (a.targets.length === 1 && !a.details.every((d) => d.startsWith(`${a.targets[0]}:`)) ? [`${a.targets[0]}:`, ...a.details.map((d) => `  ${d}`)] : a.details)),
    reason: applied.map((a) => a.reason).join('; '),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function unchanged(detail: string): Action {
  return { type: 'ignore', reason: `unchanged: ${detail}` };
}

function rejectedNotice(next: FeedSet, verdict: Extract<SafetyVerdict, { ok: false }>, target: string | undefined): Notify {
  return feedRejectedNotice({
    feed: next.feed,
    set: next,
    summary: verdict.summary,
    detail: verdict.detail,
    target,
    reason: `${next.feed} feed rejected (${verdict.code})${target ? ` for ${target}` : ''}: nothing applied`,
  });
}

function ruleKey(protocol: string, from: number | undefined, to: number | undefined, cidr: string): string {
  const proto = protocol === '6' ? 'tcp' : protocol.toLowerCase();
  return `${proto}|${from ?? ''}|${to ?? ''}|${cidr}`;
}

/** Sorted unique ports merged into ranges: [443, 80, 8443, 8444] -> 80, 443, 8443-8444. */
export function portRanges(ports: readonly number[]): PortRange[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const ranges: PortRange[] = [];
  for (const port of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last.to + 1 === port) last.to = port;
    else ranges.push({ from: port, to: port });
  }
  return ranges;
}

function portsText(ports: readonly PortRange[]): string {
  return ports.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',');
}

function describeRules(rules: readonly ManagedRule[]): string {
  const shown = rules.slice(0, 5).map((m) => `${m.cidr} ${m.rule.fromPort ?? ''}${m.rule.toPort !== m.rule.fromPort ? `-${m.rule.toPort ?? ''}` : ''}`);
  return rules.length > 5 ? `${shown.join(', ')}, +${rules.length - 5} more` : shown.join(', ');
}

function sortByCidr(cidrs: string[]): string[] {
  return cidrs
    .map((text) => ({ text, parsed: parseCidr(text) }))
    .sort((a, b) => (a.parsed && b.parsed ? compareCidrs(a.parsed, b.parsed) : cmp(a.text, b.text)))
    .map((c) => c.text);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// `sg-guardian status`, the pure part: the report's schema (the --json contract, also exported as
// JSON Schema: status-report.schema.json) and the report built from what the shell read. One scope
// is one account and region; with the organization's targets there are several, one table each.
import * as z from 'zod';
import type { ObservedGroup } from '../core/model.js';
import type { FeedRecord, GroupRecord } from '../core/state.js';
import { describeContent, describeRule } from '../notify/drift.js';
import { guardScope } from '../reconcile/drift.js';
import { guardedRules } from '../reconcile/desired.js';
import { diff } from '../reconcile/sweep.js';
import { findViolations, outOfScopeReason } from '../policy/world-open.js';
import { ruleKey } from '../core/rule-key.js';
import type { Settings } from '../policy/settings.js';
import { type Waiver, activeWaiver, describeWaiver, isExpired, waiverRule } from '../policy/waivers.js';

const DifferenceSchema = z
  .object({
    kind: z.enum(['extra', 'missing', 'description']).describe('extra: on the group, not in the baseline; missing: approved, not on the group; description: approved rule, other description'),
    rule: z.string().describe('the rule, e.g. "ingress tcp 22 from 0.0.0.0/0 [sgr-...]"'),
    unexplainedSince: z.string().optional().describe('when the sweep first saw it (it reconciles after the grace period)'),
    waiverExpired: z.string().optional().describe('the expired waiver that covered it: the next sweep reverts it'),
  })
  .strict();

const GroupStatusSchema = z
  .object({
    groupId: z.string(),
    groupName: z.string().optional(),
    guardedBecause: z.string(),
    state: z.enum(['in-sync', 'drift', 'not-enrolled', 'missing']).describe('not-enrolled: the next sweep enrols it from its current rules; missing: enrolled, but the group is gone'),
    baselineRules: z.number().int().optional(),
    observedRules: z.number().int().optional().describe('the rules the drift guard judges (feed rules and, with guardEgress off, egress excluded)'),
    differences: z.array(DifferenceSchema),
    waived: z.array(z.string()).describe('unauthorized rules kept by an unexpired waiver'),
  })
  .strict();

const FeedStatusSchema = z
  .object({
    feed: z.enum(['aws', 'cloudflare']),
    targets: z.array(z.string()).describe('prefix list and security group IDs Terraform names for the feed'),
    applied: z.object({ syncToken: z.string().optional(), hash: z.string().optional(), appliedAt: z.string().optional() }).strict().optional().describe('the feed record in the state table'),
    published: z.object({ syncToken: z.string().optional(), hash: z.string() }).strict().optional().describe('the feed as fetched now (read only)'),
    state: z.enum(['in-sync', 'behind', 'never-applied', 'unreadable']),
    error: z.string().optional(),
  })
  .strict();

const WorldOpenSchema = z.object({ groupId: z.string(), rule: z.string(), why: z.string() }).strict();

const WaiverStatusSchema = z
  .object({
    groupId: z.string(),
    rule: z.string(),
    expires: z.string(),
    reason: z.string(),
    owner: z.string(),
    state: z.enum(['active', 'expired']),
    secondsLeft: z.number().int().describe('negative once expired'),
    inUse: z.boolean().describe('a rule it covers is on the group now'),
  })
  .strict();

const ScopeStatusSchema = z
  .object({
    accountId: z.string(),
    region: z.string(),
    inDesiredState: z.boolean(),
    groups: z.array(GroupStatusSchema),
    worldOpen: z.array(WorldOpenSchema).describe('world-open rules the remediation would replace or revoke'),
    waivers: z.array(WaiverStatusSchema),
    unread: z.string().optional().describe('why this scope (an enrolled account and region) was not read: no role given to read it, or the read failed; counts as out of desired state'),
  })
  .strict();

export const StatusReportSchema = z
  .object({
    schema: z.literal('sg-guardian/status/v1'),
    generatedAt: z.string(),
    inDesiredState: z.boolean().describe('false when any group drifted or is missing, any feed is not in sync, any world-open rule is in scope, or a scope could not be read: the CLI exits 1'),
    summary: z.string(),
    scopes: z.array(ScopeStatusSchema),
    feeds: z.array(FeedStatusSchema).describe('one state table per deployment: feeds are reported once'),
  })
  .strict();

export type StatusReport = z.infer<typeof StatusReportSchema>;
export type ScopeStatus = z.infer<typeof ScopeStatusSchema>;
export type FeedStatus = z.infer<typeof FeedStatusSchema>;

export interface ScopeReads {
  accountId: string;
  region: string;
  /** The groups read (with rules) in this account and region. */
  groups: ObservedGroup[];
  /** The state table's records of this account and region. */
  records: GroupRecord[];
}

export interface FeedReadsForStatus {
  feed: 'aws' | 'cloudflare';
  record: FeedRecord | undefined;
  published?: { syncToken?: string; hash: string };
  error?: string;
}

/** The groups a scope must read with rules: guarded (listed, tagged, enrolled) or in world-open scope. */
export function groupsToRead(all: ObservedGroup[], records: GroupRecord[], settings: Settings): ObservedGroup[] {
  const enrolled = new Map(records.map((r) => [r.groupId, r]));
  return all.filter((g) => (settings.drift.enabled && guardScope(g.groupId, settings, g, enrolled.get(g.groupId)).guarded) || inWorldOpenScope(g, settings));
}

function inWorldOpenScope(g: ObservedGroup, settings: Settings): boolean {
  return settings.worldOpen.enabled && !outOfScopeReason(g, settings.worldOpen) && !settings.worldOpen.excludedGroupIds.includes(g.groupId);
}

export function scopeStatus(reads: ScopeReads, settings: Settings, now: Date): ScopeStatus {
  const byId = new Map(reads.groups.map((g) => [g.groupId, g]));
  const records = new Map(reads.records.map((r) => [r.groupId, r]));
  const groups: ScopeStatus['groups'] = [];
  if (settings.drift.enabled) {
    const ids = [...new Set([...reads.groups.map((g) => g.groupId), ...records.keys()])].sort();
    for (const id of ids) {
      const g = byId.get(id);
      const record = records.get(id);
      const scope = guardScope(id, settings, g, record);
      if (!scope.guarded) continue;
      groups.push(groupStatus(id, g, record, scope.why, settings, now));
    }
  }
  const worldOpen = reads.groups
    .filter((g) => inWorldOpenScope(g, settings))
    .flatMap((g) => findViolations(g, settings.worldOpen).map((v) => ({ groupId: g.groupId, rule: describeRule(v.rule), why: v.reason })));
  const waivers = settings.waivers.map((w) => waiverStatus(w, byId.get(w.groupId), now));
  const inDesiredState = groups.every((g) => g.state === 'in-sync' || g.state === 'not-enrolled') && worldOpen.length === 0;
  return { accountId: reads.accountId, region: reads.region, inDesiredState, groups, worldOpen, waivers };
}

function groupStatus(groupId: string, g: ObservedGroup | undefined, record: GroupRecord | undefined, why: string, settings: Settings, now: Date): ScopeStatus['groups'][number] {
  const name = g?.groupName ? { groupName: g.groupName } : {};
  if (!g) return { groupId, guardedBecause: why, state: 'missing', ...(record ? { baselineRules: record.baseline.length } : {}), differences: [], waived: [] };
  const judged = guardedRules(g, settings);
  if (!record) return { groupId, ...name, guardedBecause: why, state: 'not-enrolled', observedRules: judged.length, differences: [], waived: [] };
  const approved = new Set(record.baseline.map(ruleKey));
  const waived = judged
    .filter((r) => !approved.has(ruleKey(r)))
    .flatMap((r) => {
      const w = activeWaiver(groupId, r, settings.waivers, now);
      return w ? [`${describeRule(r)}: ${describeWaiver(w)}`] : [];
    });
  const differences = diff(g, record, settings, now).map((d) => {
    const since = record.unexplained[`${d.kind}:${d.key}`];
    return {
      kind: d.kind,
      rule: d.kind === 'extra' ? describeRule(d.rule) : d.kind === 'description' ? `${describeContent(d.rule)} [${d.ruleId}]` : describeContent(d.rule),
      ...(since ? { unexplainedSince: since } : {}),
      ...(d.kind === 'extra' && d.expired ? { waiverExpired: d.expired.expires } : {}),
    };
  });
  return { groupId, ...name, guardedBecause: why, state: differences.length ? 'drift' : 'in-sync', baselineRules: record.baseline.length, observedRules: judged.length, differences, waived };
}

function waiverStatus(w: Waiver, g: ObservedGroup | undefined, now: Date): ScopeStatus['waivers'][number] {
  const rule = waiverRule(w);
  return {
    groupId: w.groupId,
    rule: describeContent(rule),
    expires: w.expires,
    reason: w.reason,
    owner: w.owner,
    state: isExpired(w, now) ? 'expired' : 'active',
    secondsLeft: Math.floor((Date.parse(w.expires) - now.getTime()) / 1000),
    inUse: (g?.rules ?? []).some((r) => ruleKey(r) === ruleKey(rule)),
  };
}

export function feedStatus(reads: FeedReadsForStatus, settings: Settings): FeedStatus {
  const t = settings.feeds.targets;
  const targets = [t.prefixLists[reads.feed].ipv4, t.prefixLists[reads.feed].ipv6, ...t.securityGroups.groupIds[reads.feed]].filter((x): x is string => !!x);
  const r = reads.record;
  const applied = r ? { ...(r.syncToken ? { syncToken: r.syncToken } : {}), ...(r.hash ? { hash: r.hash } : {}), ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}) } : undefined;
  const base = { feed: reads.feed, targets, ...(applied ? { applied } : {}), ...(reads.published ? { published: reads.published } : {}) };
  if (reads.error !== undefined || !reads.published) return { ...base, state: 'unreadable', error: reads.error ?? 'not fetched' };
  if (!r) return { ...base, state: 'never-applied' };
  return { ...base, state: r.hash === reads.published.hash ? 'in-sync' : 'behind' };
}

/** A scope the report could not read: unknown is not "in desired state". */
export function unreadScope(accountId: string, region: string, reason: string): ScopeStatus {
  return { accountId, region, inDesiredState: false, groups: [], worldOpen: [], waivers: [], unread: reason };
}

export function buildReport(scopes: ScopeStatus[], feeds: FeedStatus[], now: Date): StatusReport {
  const drifted = scopes.flatMap((s) => s.groups.filter((g) => g.state === 'drift' || g.state === 'missing'));
  const unread = scopes.filter((s) => s.unread !== undefined);
  const open = scopes.reduce((n, s) => n + s.worldOpen.length, 0);
  const stale = feeds.filter((f) => f.state !== 'in-sync');
  const groups = scopes.reduce((n, s) => n + s.groups.length, 0);
  const inDesiredState = drifted.length === 0 && open === 0 && stale.length === 0 && unread.length === 0;
  const problems = [
    unread.length ? `${unread.length} scope(s) not read (${unread.map((s) => `${s.accountId} / ${s.region}`).join(', ')})` : '',
    drifted.length ? `${drifted.length} group(s) out of their desired state` : '',
    stale.length ? `${stale.length} feed(s) not in sync (${stale.map((f) => `${f.feed}: ${f.state}`).join(', ')})` : '',
    open ? `${open} world-open rule(s) in scope` : '',
  ].filter(Boolean);
  const summary = inDesiredState
    ? `in desired state: ${groups} guarded group(s), ${feeds.length} feed(s) in sync, no world-open rule in scope`
    : `OUT of desired state: ${problems.join('; ')}`;
  return { schema: 'sg-guardian/status/v1', generatedAt: now.toISOString(), inDesiredState, summary, scopes, feeds };
}

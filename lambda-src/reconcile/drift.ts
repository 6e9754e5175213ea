// The drift guard as a reconciler: a CloudTrail event is a hint (which group, which rules, who),
// never an instruction. The group is compared with its approved baseline, restricted to the rules
// the event touched: content outside the baseline is revoked, baseline content that is missing is
// restored, a modified rule gets its approved value back. So a forged or reordered event can at
// worst prompt a reconcile, and every unauthorized attempt is reported, even with nothing to undo.
// Pure: (event, settings, observed group, stored record, clock) -> actions + the record to write.
import type { Action, Direction, IpPermission, ObservedGroup, SecurityGroupRule, Severity } from '../core/model.js';
import { type RuleContent, contentOf, permissionOf, ruleKey, rulesOfPermission } from '../core/rule-key.js';
import type { BaselineRule, GroupRecord } from '../core/state.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { type DriftOutcome, describeContent, renderDriftNotification } from '../notify/drift.js';
import { isOwnRole, matchAllowedPrincipal } from '../policy/principals.js';
import type { Settings } from '../policy/settings.js';
import { activeWaiver, describeWaiver, expiredWaiver, namedByWaiver, waiverName } from '../policy/waivers.js';
import { baselineOf, guardedRules, keysOf, newRecord, withBaseline } from './desired.js';

export interface DriftInput {
  event: CloudTrailEvent;
  settings: Settings;
  /** The group as described now; undefined when it does not exist (deleted) or was not read. */
  observed: ObservedGroup | undefined;
  /** The stored desired state; undefined when the group was never enrolled. */
  record: GroupRecord | undefined;
  now: Date;
  /**
   * Offline (explain without --baseline): take the group to have held exactly what the event
   * touched before the event. Never in the Lambda: that would let an event define what is approved.
   */
  assumeBaselineFromEvent?: boolean;
  /** Caveats from whoever supplied the inputs (e.g. explain: the group's tags were not observed). */
  notes?: string[];
}

export interface DriftPlan {
  actions: Action[];
  /** The record to write (conditional on the version read), when there is one to keep. */
  record?: GroupRecord;
}

interface Undo {
  /** Set when nothing the event touched is the guard's business after all (e.g. only unguarded egress). */
  ignoreAll?: string;
  mutations: Action[];
  undone: string[];
  /** Unauthorized rules that stand because an unexpired waiver names them exactly. */
  kept?: string[];
  problems: string[];
  notes: string[];
}

export function reconcileDriftEvent(input: DriftInput): DriftPlan {
  const { event, settings, observed, record, now } = input;
  const drift = settings.drift;
  const ignore = (why: string, next?: GroupRecord): DriftPlan => ({
    actions: [{ type: 'ignore', reason: `${event.eventName} ${event.eventId}: ${why}` }],
    ...(next ? { record: next } : {}),
  });

  if (!drift.enabled) return ignore('the drift guard is off (drift.enabled is false)');
  if (event.eventSource !== 'ec2.amazonaws.com') return ignore(`not an EC2 call (eventSource ${event.eventSource})`);
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  if (!call) return ignore('not a security-group rule change');
  if (event.failed) return ignore(`the call failed (${event.failed.errorCode}), so nothing changed`);
  if (event.direction === 'egress' && !drift.guardEgress) return ignore('egress change, and drift.guardEgress is false');
  if (isOwnRole(event.actor, settings.selfRoleArn)) return ignore(`made by sg-guardian's own role (${settings.selfRoleArn})`);
  const allowed = matchAllowedPrincipal(event.actor, drift.allowedPrincipalArns);

  const groupId = event.groupId ?? (observed && event.groupName && observed.groupName === event.groupName ? observed.groupId : undefined);
  if (groupId === undefined) {
    if (allowed) return ignore(`${allowed.arn} is allowed, and the event names no group ID`);
    // Without an ID there is nothing to reconcile, nor a scope to check: tell a human.
    return { actions: [notice(input, undefined, { mutations: [], undone: [], notes: [], problems: [`the event names no group ID (group name ${event.groupName ?? 'not recorded either'}), so nothing can be checked`] })] };
  }
  const scope = guardScope(groupId, settings, observed, record);
  if (!scope.guarded) return ignore(scope.why);
  if (!observed || observed.groupId !== groupId) return ignore(`${groupId} does not exist any more (deleted since the event?)`);

  if (allowed) {
    // An allowed principal moves the desired state: the baseline follows what the event changed.
    const why = `${allowed.arn} is allowed by drift.allowedPrincipalArns pattern "${allowed.pattern}"`;
    const next = record ? followAllowedChange(record, event, observed, settings, allowed.arn, now) : enrol(input, observed, allowed.arn);
    return ignore(`${why}; the baseline of ${groupId} now holds ${next.baseline.length} rule(s)`, next);
  }

  const firstSight = !record;
  const baseline = record?.baseline ?? provisionalBaseline(input, observed);
  const undo = call === 'authorize' ? undoAuthorize(event, observed, baseline, settings, now) : call === 'revoke' ? undoRevoke(event, observed, baseline, settings) : undoModify(event, observed, baseline, settings, now);
  if (undo.ignoreAll) return ignore(undo.ignoreAll);
  if (scope.note) undo.notes.push(scope.note);
  undo.notes.push(...(input.notes ?? []));
  if (firstSight && !input.assumeBaselineFromEvent) {
    undo.notes.push(`${groupId} had no approved baseline before this change: enrolled now with ${baseline.length} rule(s) (its current rules, minus what this event added)`);
    if (call === 'revoke' && undo.mutations.length === 0) {
      undo.problems.push('nothing is restored: with no baseline from before the change, sg-guardian cannot tell approved rules from an intruder\'s (enrol groups at deploy time: see README, "Desired state")');
    }
  }
  const touched = touchedKeys(event, observed, baseline);
  const next = record
    ? { ...withFreshRuleIds(record, observed), unexplained: withoutKeys(record.unexplained, touched) }
    : input.assumeBaselineFromEvent
      ? undefined
      : newRecord(observed, event, baseline, `enrolment (first seen through ${event.eventName} ${event.eventId})`, now);
  const actions = [...(settings.dryRun.drift ? [] : undo.mutations), notice(input, groupId, undo)];
  return { actions, ...(next ? { record: next } : {}) };
}

// ---- scope -----------------------------------------------------------------------------------

export interface GuardScope {
  guarded: boolean;
  why: string;
  note?: string;
}

/** Listed, tagged, or enrolled: an enrolled group stays guarded when someone removes its tag. */
export function guardScope(groupId: string, settings: Settings, observed: ObservedGroup | undefined, record: GroupRecord | undefined): GuardScope {
  const drift = settings.drift;
  if (drift.guardedGroupIds.length === 0 && !drift.guardTag) return { guarded: true, why: 'every group is guarded' };
  if (drift.guardedGroupIds.includes(groupId)) return { guarded: true, why: 'listed in drift.guardedGroupIds' };
  const tag = drift.guardTag;
  const tagged = tag && observed?.groupId === groupId && observed.tags[tag.key] === tag.value;
  if (tagged) return { guarded: true, why: `tagged ${tag.key}=${tag.value}` };
  if (record) {
    const note = tag ? `${groupId} is enrolled but no longer tagged ${tag.key}=${tag.value}: it stays guarded until an operator releases it (sg-guardian state release)` : undefined;
    return { guarded: true, why: 'enrolled', ...(note ? { note } : {}) };
  }
  const listed = drift.guardedGroupIds.length ? 'not in drift.guardedGroupIds' : '';
  if (!tag) return { guarded: false, why: `${groupId} is ${listed}` };
  return { guarded: false, why: `${groupId} is ${listed ? `${listed}, ` : ''}not tagged ${tag.key}=${tag.value} and not enrolled` };
}

// ---- baselines ---------------------------------------------------------------------------------

function enrol(input: DriftInput, observed: ObservedGroup, by: string): GroupRecord {
  return newRecord(observed, input.event, baselineOf(observed, input.settings), by, input.now);
}

/**
 * First sight through an unauthorized change: what the group holds now, minus what this event
 * added or modified. Offline (assumeBaselineFromEvent) also what it removed, so explain shows
 * the exact inverse; in the Lambda removed content is not trusted (it could be an intruder's own).
 */
function provisionalBaseline(input: DriftInput, observed: ObservedGroup): BaselineRule[] {
  const { event, settings } = input;
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  const created = createdContent(event);
  const createdKeys = keysOf(created);
  const createdIds = new Set(event.createdRules.map((r) => r.ruleId));
  const modifiedIds = new Set(event.modifiedRules.map((m) => m.ruleId));
  const kept = baselineOf(observed, settings).filter((r) => {
    if (namedByWaiver(observed.groupId, r, settings.waivers)) return false; // an exception, not approved
    if (call === 'authorize') return !createdIds.has(r.ruleId ?? '') && !createdKeys.has(ruleKey(r));
    if (call === 'modify') return !modifiedIds.has(r.ruleId ?? '');
    return true;
  });
  if (!input.assumeBaselineFromEvent || call !== 'revoke') return kept;
  const keys = keysOf(kept);
  const restored: BaselineRule[] = [];
  for (const r of removedContent(event)) {
    if (keys.has(ruleKey(r))) continue;
    keys.add(ruleKey(r)); // first wins: the response's rule set, with descriptions
    restored.push(r);
  }
  return [...kept, ...restored];
}

function followAllowedChange(record: GroupRecord, event: CloudTrailEvent, observed: ObservedGroup, settings: Settings, by: string, now: Date): GroupRecord {
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  const rules = guardedRules(observed, settings);
  const observedKeys = keysOf(rules);
  let baseline = [...record.baseline];
  if (call === 'authorize') {
    const ids = new Set(event.createdRules.map((r) => r.ruleId));
    const keys = keysOf(createdContent(event));
    const have = keysOf(baseline);
    for (const r of rules) if ((ids.has(r.ruleId) || keys.has(ruleKey(r))) && !have.has(ruleKey(r))) baseline.push(contentWithId(r));
  } else if (call === 'revoke') {
    const keys = keysOf(removedContent(event));
    const ids = new Set(event.requestRuleIds);
    baseline = baseline.filter((b) => observedKeys.has(ruleKey(b)) || !(keys.has(ruleKey(b)) || ids.has(b.ruleId ?? '')));
  } else {
    const byId = new Map(rules.map((r) => [r.ruleId, r]));
    for (const m of event.modifiedRules) {
      const now = byId.get(m.ruleId);
      baseline = baseline.filter((b) => b.ruleId !== m.ruleId);
      if (now) baseline.push(contentWithId(now));
    }
  }
  return { ...withBaseline(record, baseline, by, now), unexplained: withoutKeys(record.unexplained, touchedKeys(event, observed, baseline)) };
}

/** Rule IDs change when a rule is re-created: keep the baseline's IDs current (revoke-by-ID events name them). */
function withFreshRuleIds(record: GroupRecord, observed: ObservedGroup): GroupRecord {
  const ids = new Map(observed.rules.map((r) => [ruleKey(r), r.ruleId]));
  return { ...record, baseline: record.baseline.map((b) => ({ ...b, ...(ids.has(ruleKey(b)) ? { ruleId: ids.get(ruleKey(b))! } : {}) })) };
}

function withoutKeys(map: Record<string, string>, keys: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !keys.has(k)));
}

// ---- what the event touched ---------------------------------------------------------------------

function directionOf(event: CloudTrailEvent): Direction {
  return event.direction ?? 'ingress';
}

/** Content an authorize asked for or created (the response's rule set, else the request). */
function createdContent(event: CloudTrailEvent): RuleContent[] {
  const d = directionOf(event);
  return [...event.createdRules.filter((r) => r.direction === d).map(contentOf), ...event.permissions.flatMap((p) => rulesOfPermission(p, d))];
}

/** Content a revoke removed: the response's revoked rule set, else the request minus what matched nothing. */
function removedContent(event: CloudTrailEvent): RuleContent[] {
  const d = directionOf(event);
  const revoked = (event.revokedRules ?? []).filter((r) => r.direction === d).map(contentOf);
  const unknown = keysOf((event.unknownPermissions ?? []).flatMap((p) => rulesOfPermission(p, d)));
  const requested = event.permissions.flatMap((p) => rulesOfPermission(p, d)).filter((r) => !unknown.has(ruleKey(r)));
  return [...revoked, ...requested];
}

function touchedKeys(event: CloudTrailEvent, observed: ObservedGroup, baseline: readonly BaselineRule[]): Set<string> {
  const ids = new Set([...event.createdRules.map((r) => r.ruleId), ...event.requestRuleIds]);
  return new Set([
    ...keysOf(createdContent(event)),
    ...keysOf(removedContent(event)),
    ...observed.rules.filter((r) => ids.has(r.ruleId)).map(ruleKey),
    ...baseline.filter((b) => ids.has(b.ruleId ?? '')).map(ruleKey),
  ]);
}

// ---- the three calls ----------------------------------------------------------------------------

function undoAuthorize(event: CloudTrailEvent, observed: ObservedGroup, baseline: BaselineRule[], settings: Settings, now: Date): Undo {
  const undo: Undo = { mutations: [], undone: [], problems: [], notes: [], kept: [] };
  const approved = keysOf(baseline);
  const ids = new Set(event.createdRules.map((r) => r.ruleId));
  const keys = keysOf(createdContent(event));
  // The observed rules are the truth: an event can name a rule ID, not say what that rule is.
  const candidates = guardedRules(observed, settings).filter((r) => ids.has(r.ruleId) || keys.has(ruleKey(r)));
  const outside = waive(candidates.filter((r) => !approved.has(ruleKey(r))), observed.groupId, settings, now, undo);
  for (const r of candidates.filter((c) => approved.has(ruleKey(c)))) undo.notes.push(`kept ${describeContent(r)}: it is part of the approved baseline`);
  undo.mutations.push(...revokeRules(observed.groupId, outside, reasonOf(event)));
  undo.undone.push(...outside.map((r) => `remove ${describeContent(r)}${r.ruleId ? ` [${r.ruleId}]` : ''}`));
  if (ids.size === 0 && keys.size === 0) {
    undo.problems.push('the event records neither the rules asked for nor the rules created, so there is nothing exact to revoke; check the group by hand');
  } else if (candidates.length === 0) undo.notes.push('nothing left to undo: no rule the event added is on the group now');
  return undo;
}

function undoRevoke(event: CloudTrailEvent, observed: ObservedGroup, baseline: BaselineRule[], settings: Settings): Undo {
  const undo: Undo = { mutations: [], undone: [], problems: [], notes: [] };
  const present = keysOf(guardedRules(observed, settings));
  const byKey = new Map(baseline.map((b) => [ruleKey(b), b]));
  const byId = new Map(baseline.filter((b) => b.ruleId).map((b) => [b.ruleId!, b]));
  const touched = new Map<string, RuleContent>();
  // First wins: the response's revoked rule set (with descriptions) comes before the request.
  for (const r of removedContent(event)) if (!touched.has(ruleKey(r))) touched.set(ruleKey(r), r);
  const revokedIds = new Set((event.revokedRules ?? []).map((r) => r.ruleId));
  const lost: string[] = [];
  for (const id of event.requestRuleIds) {
    const b = byId.get(id);
    if (b) touched.set(ruleKey(b), b);
    else if (!revokedIds.has(id)) lost.push(id);
  }
  if (lost.length) {
    undo.problems.push(`cannot restore ${lost.join(', ')}: ${lost.length > 1 ? 'they were' : 'it was'} revoked by rule ID, and neither the event (no revokedSecurityGroupRuleSet) nor the baseline records the rule content`);
  }
  const unknown = (event.unknownPermissions ?? []).flatMap((p) => rulesOfPermission(p, directionOf(event)));
  if (unknown.length) undo.notes.push(`${unknown.map(describeContent).join('; ')}: matched no rule, so nothing was removed and nothing is re-added`);
  const restore: BaselineRule[] = [];
  for (const [key, r] of touched) {
    if (present.has(key)) continue;
    const approved = byKey.get(key);
    if (approved) restore.push(approved);
    else undo.notes.push(`not restored: ${describeContent(r)} is not in the approved baseline`);
  }
  // The baseline's copy carries the approved description; the event's may not.
  const byDirection = groupByDirection(restore);
  for (const [direction, rules] of byDirection) {
    undo.mutations.push({ type: direction === 'egress' ? 'authorize-egress' : 'authorize-ingress', groupId: observed.groupId, permissions: mergePermissions(rules), reason: reasonOf(event) });
  }
  undo.undone.push(...restore.map((r) => `re-add ${describeContent(r)}`));
  if (restore.some((r) => r.description === undefined)) {
    undo.notes.push('some rules are re-added without a description: the revoke request did not carry it, and no baseline recorded one, so those descriptions are not restored');
  }
  if (touched.size === 0 && undo.problems.length === 0) undo.notes.push('the event records no rule that was removed');
  return undo;
}

function undoModify(event: CloudTrailEvent, observed: ObservedGroup, baseline: BaselineRule[], settings: Settings, now: Date): Undo {
  const undo: Undo = { mutations: [], undone: [], problems: [], notes: [], kept: [] };
  const rules = guardedRules(observed, settings);
  const byId = new Map(rules.map((r) => [r.ruleId, r]));
  const unguarded = new Set(observed.rules.filter((r) => !byId.has(r.ruleId) && r.direction === 'egress').map((r) => r.ruleId));
  const present = keysOf(rules);
  const approved = keysOf(baseline);
  const restoreInPlace: { ruleId: string; rule: BaselineRule }[] = [];
  const reAdd: BaselineRule[] = [];
  const remove: SecurityGroupRule[] = [];
  for (const m of event.modifiedRules) {
    if (unguarded.has(m.ruleId)) {
      undo.notes.push(`${m.ruleId} is an egress rule and drift.guardEgress is false: left as modified`);
      continue;
    }
    const b = baseline.find((x) => x.ruleId === m.ruleId);
    const o = byId.get(m.ruleId);
    if (b && o) {
      if (ruleKey(o) === ruleKey(b) && (o.description ?? '') === (b.description ?? '')) undo.notes.push(`${m.ruleId} already holds its approved value`);
      else restoreInPlace.push({ ruleId: m.ruleId, rule: b });
    } else if (b) {
      if (!present.has(ruleKey(b))) reAdd.push(b);
    } else if (o) {
      if (approved.has(ruleKey(o))) undo.notes.push(`kept ${describeContent(o)} [${o.ruleId}]: its content is approved`);
      else remove.push(...waive([o], observed.groupId, settings, now, undo));
    } else {
      undo.notes.push(`${m.ruleId} is not on the group and not in the baseline: nothing to restore`);
    }
  }
  const reason = reasonOf(event);
  if (restoreInPlace.length) {
    undo.mutations.push({ type: 'modify-rules', groupId: observed.groupId, rules: restoreInPlace, reason });
    undo.undone.push(...restoreInPlace.map((r) => `restore ${r.ruleId} to ${describeContent(r.rule)}`));
  }
  for (const [direction, list] of groupByDirection(reAdd)) {
    undo.mutations.push({ type: direction === 'egress' ? 'authorize-egress' : 'authorize-ingress', groupId: observed.groupId, permissions: mergePermissions(list), reason });
  }
  undo.undone.push(...reAdd.map((r) => `re-add ${describeContent(r)}`));
  undo.mutations.push(...revokeRules(observed.groupId, remove, reason));
  if (remove.length) {
    undo.undone.push(...remove.map((r) => `remove ${describeContent(r)} [${r.ruleId}]`));
    const ids = remove.map((r) => r.ruleId).join(', ');
    undo.problems.push(`no approved value of ${ids} is known (CloudTrail does not record a rule's value before ModifySecurityGroupRules, and the baseline has none), so ${remove.length > 1 ? 'they are' : 'it is'} removed instead of restored (fail closed); re-create the old rule by hand if it was needed`);
  }
  if (event.modifiedRules.length === 0) undo.problems.push('the event names no modified rule ID, so nothing can be reverted; check the group by hand');
  else if (undo.mutations.length === 0 && event.modifiedRules.every((m) => unguarded.has(m.ruleId))) undo.ignoreAll = undo.notes.join('; ');
  return undo;
}

// ---- helpers ------------------------------------------------------------------------------------

/**
 * Rules outside the baseline that an unexpired waiver names exactly stand (reported as kept; the
 * baseline does not move). The rest are returned to be revoked; an expired waiver is named.
 */
function waive(rules: SecurityGroupRule[], groupId: string, settings: Settings, now: Date, undo: Undo): SecurityGroupRule[] {
  const revoke: SecurityGroupRule[] = [];
  for (const r of rules) {
    const w = activeWaiver(groupId, r, settings.waivers, now);
    if (w) {
      (undo.kept ??= []).push(`${describeContent(r)} [${r.ruleId}] kept: ${describeWaiver(w)}`);
      continue;
    }
    const old = expiredWaiver(groupId, r, settings.waivers, now);
    if (old) undo.notes.push(`waiver expired: ${waiverName(old)}; ${describeContent(r)} is reverted`);
    revoke.push(r);
  }
  return revoke;
}

function reasonOf(event: CloudTrailEvent): string {
  return `reconcile after ${event.eventName} ${event.eventId} by ${event.actor.arn}`;
}

function groupByDirection<T extends { direction: Direction }>(rules: T[]): Map<Direction, T[]> {
  const out = new Map<Direction, T[]>();
  for (const r of rules) out.set(r.direction, [...(out.get(r.direction) ?? []), r]);
  return out;
}

/** Revoke by rule ID where the rule was observed; by exact permission where it was only inferred (explain). */
function revokeRules(groupId: string, rules: SecurityGroupRule[], reason: string): Action[] {
  const actions: Action[] = [];
  for (const [direction, list] of groupByDirection(rules)) {
    const type = direction === 'egress' ? 'revoke-egress' : 'revoke-ingress';
    const withId = list.filter((r) => r.ruleId);
    const without = list.filter((r) => !r.ruleId);
    if (withId.length) actions.push({ type, groupId, ruleIds: withId.map((r) => r.ruleId), reason });
    if (without.length) actions.push({ type, groupId, permissions: mergePermissions(without.map(contentOf)), reason });
  }
  return actions;
}

/** One IpPermission per protocol and ports, every source of the rules in it (one EC2 call). */
function mergePermissions(rules: RuleContent[]): IpPermission[] {
  const byTraffic = new Map<string, IpPermission>();
  for (const r of rules) {
    const p = permissionOf(r);
    const key = `${p.IpProtocol}|${p.FromPort ?? ''}|${p.ToPort ?? ''}`;
    const into = byTraffic.get(key);
    if (!into) {
      byTraffic.set(key, p);
      continue;
    }
    if (p.IpRanges) (into.IpRanges ??= []).push(...p.IpRanges);
    if (p.Ipv6Ranges) (into.Ipv6Ranges ??= []).push(...p.Ipv6Ranges);
    if (p.PrefixListIds) (into.PrefixListIds ??= []).push(...p.PrefixListIds);
    if (p.UserIdGroupPairs) (into.UserIdGroupPairs ??= []).push(...p.UserIdGroupPairs);
  }
  return [...byTraffic.values()];
}

function contentWithId(r: SecurityGroupRule): BaselineRule {
  return { ...contentOf(r), ruleId: r.ruleId };
}

function notice(input: DriftInput, groupId: string | undefined, undo: Undo): Action {
  const incomplete = undo.problems.length > 0;
  const kept = undo.kept ?? [];
  const onlyWaived = kept.length > 0 && undo.mutations.length === 0 && !incomplete;
  const outcome: DriftOutcome = onlyWaived
    ? 'waived'
    : input.settings.dryRun.drift
      ? undo.mutations.length || incomplete ? 'would-revert' : 'nothing-to-undo'
      : incomplete ? 'revert-incomplete' : undo.mutations.length ? 'reverted' : 'nothing-to-undo';
  const severity: Severity = incomplete ? 'high' : onlyWaived ? 'low' : 'medium';
  return renderDriftNotification({ event: input.event, ...(groupId ? { groupId } : {}), outcome, severity, undone: undo.undone, kept, problems: undo.problems, notes: undo.notes });
}

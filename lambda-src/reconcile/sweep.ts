// The drift sweep for one group (pure): the whole group against its baseline. A difference is
// first remembered with when it was seen; only when no event has explained it within the grace
// period (CloudTrail delivery is best effort and minutes late) is it reconciled and reported as a
// missed event. A group seen for the first time is enrolled from its current rules.
// Waivers: an extra rule an unexpired waiver names exactly is left alone (and not remembered); once
// its waiver has expired the difference is known, so it is reconciled at once, grace or not, and
// the notification says "waiver expired".
import type { Action, FindingCheck, FindingFacts, ObservedGroup, SecurityGroupRule } from '../core/model.js';
import { permissionOf, ruleKey } from '../core/rule-key.js';
import type { BaselineRule, GroupRecord } from '../core/state.js';
import { describeContent, fitSubject } from '../notify/drift.js';
import type { Settings } from '../policy/settings.js';
import { type Waiver, activeWaiver, expiredWaiver, namedByWaiver, waiverName } from '../policy/waivers.js';
import { baselineOf, guardedRules, newRecord } from './desired.js';

export interface SweepInput {
  group: ObservedGroup;
  record: GroupRecord | undefined;
  accountId: string;
  region: string;
  settings: Settings;
  now: Date;
}

export interface SweepPlan {
  actions: Action[];
  /** The record to write when it changed (enrolment, differences first seen or gone). */
  record?: GroupRecord;
  enrolled?: boolean;
}

export type Difference =
  | { kind: 'extra'; key: string; rule: SecurityGroupRule; expired?: Waiver }
  | { kind: 'missing'; key: string; rule: BaselineRule }
  | { kind: 'description'; key: string; rule: BaselineRule; ruleId: string };

export function reconcileGroupSweep(input: SweepInput): SweepPlan {
  const { group, record, settings, now } = input;
  if (!record) {
    // A waived rule is an exception, not approved: enrolment leaves it out, so it still expires.
    const baseline = baselineOf(group, settings).filter((r) => !namedByWaiver(group.groupId, r, settings.waivers));
    return { actions: [], record: newRecord(group, input, baseline, 'enrolment (sweep)', now), enrolled: true };
  }
  const differences = diff(group, record, settings, now);
  const seen: Record<string, string> = {};
  const due: Difference[] = [];
  const graceMs = settings.state.graceSeconds * 1000;
  for (const d of differences) {
    const id = `${d.kind}:${d.key}`;
    const first = record.unexplained[id] ?? now.toISOString();
    if ((d.kind === 'extra' && d.expired) || now.getTime() - Date.parse(first) >= graceMs) due.push(d);
    else seen[id] = first;
  }
  const changed = JSON.stringify(seen) !== JSON.stringify(record.unexplained);
  const next = changed ? { ...record, unexplained: seen } : undefined;
  if (due.length === 0) return { actions: [], ...(next ? { record: next } : {}) };
  return { actions: [...(settings.dryRun.drift ? [] : mutations(group.groupId, due)), notice(input, due)], record: { ...record, unexplained: seen } };
}

/** The group against its baseline, without the extra rules an unexpired waiver covers. */
export function diff(group: ObservedGroup, record: GroupRecord, settings: Settings, now: Date): Difference[] {
  const rules = guardedRules(group, settings);
  const observed = new Map<string, SecurityGroupRule>();
  for (const r of rules) observed.set(ruleKey(r), r);
  const approved = new Map(record.baseline.map((b) => [ruleKey(b), b]));
  const out: Difference[] = [];
  for (const [key, rule] of observed) {
    const b = approved.get(key);
    if (!b) {
      if (activeWaiver(group.groupId, rule, settings.waivers, now)) continue;
      const expired = expiredWaiver(group.groupId, rule, settings.waivers, now);
      out.push({ kind: 'extra', key, rule, ...(expired ? { expired } : {}) });
    }
    else if ((b.description ?? '') !== (rule.description ?? '')) out.push({ kind: 'description', key, rule: b, ruleId: rule.ruleId });
  }
  for (const [key, rule] of approved) if (!observed.has(key) && (settings.drift.guardEgress || rule.direction === 'ingress')) out.push({ kind: 'missing', key, rule });
  return out;
}

function mutations(groupId: string, due: Difference[]): Action[] {
  const reason = 'reconcile a difference no event explained within the grace period (missed event)';
  const actions: Action[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const missing = due.filter((d): d is Extract<Difference, { kind: 'missing' }> => d.kind === 'missing' && d.rule.direction === direction);
    if (missing.length) actions.push({ type: direction === 'ingress' ? 'authorize-ingress' : 'authorize-egress', groupId, permissions: missing.map((d) => permissionOf(d.rule)), reason });
  }
  const descriptions = due.filter((d): d is Extract<Difference, { kind: 'description' }> => d.kind === 'description');
  if (descriptions.length) actions.push({ type: 'modify-rules', groupId, rules: descriptions.map((d) => ({ ruleId: d.ruleId, rule: d.rule })), reason });
  for (const direction of ['ingress', 'egress'] as const) {
    const extra = due.filter((d): d is Extract<Difference, { kind: 'extra' }> => d.kind === 'extra' && d.rule.direction === direction);
    if (extra.length) actions.push({ type: direction === 'ingress' ? 'revoke-ingress' : 'revoke-egress', groupId, ruleIds: extra.map((d) => d.rule.ruleId), reason });
  }
  return actions;
}

function notice(input: SweepInput, due: Difference[]): Action {
  const { group, settings } = input;
  const expired = due.filter((d): d is Extract<Difference, { kind: 'extra' }> => d.kind === 'extra' && d.expired !== undefined);
  if (expired.length === due.length) return expiryNotice(input, expired);
  const lines = due.map((d) =>
    d.kind === 'extra'
      ? `remove ${describeContent(d.rule)} [${d.rule.ruleId}] (${d.expired ? `waiver expired: ${waiverName(d.expired)}` : 'not in the approved baseline'})`
      : d.kind === 'missing'
        ? `re-add ${describeContent(d.rule)} (approved, but missing)`
        : `restore the approved description on ${d.ruleId}: ${describeContent(d.rule)}`,
  );
  const verb = settings.dryRun.drift ? 'would reconcile' : 'reconciled';
  const subject = fitSubject(`${settings.dryRun.drift ? 'Would reconcile' : 'Reconciled'} ${group.groupId}: ${due.length} change(s) no event explained`);
  const message = [
    `sg-guardian ${verb} ${group.groupId}${group.groupName ? ` (${group.groupName})` : ''} with its approved baseline.`,
    `No CloudTrail event explained these differences within ${settings.state.graceSeconds} s (a missed or undelivered event), so the actor is unknown:`,
    ...lines.map((l) => `  - ${l}`),
    '',
    `Account:    ${input.accountId} / ${input.region}`,
  ].join('\n');
  return {
    type: 'notify',
    subject,
    message,
    severity: 'high',
    attributes: { kind: 'drift', action: settings.dryRun.drift ? 'would-reconcile' : 'missed-event', severity: 'high', group_id: group.groupId },
    finding: groupFinding('missed-event', input),
    reason: `tell the operators: ${subject}`,
  };
}

/** The finding facts of a swept group, where it lives (its account and region: a member's, in an organization). */
function groupFinding(check: FindingCheck, input: SweepInput): FindingFacts {
  const { group } = input;
  return { check, subject: group.groupId, groupId: group.groupId, ...(group.groupName ? { groupName: group.groupName } : {}), ...(group.vpcId ? { vpcId: group.vpcId } : {}), accountId: input.accountId, region: input.region };
}

/** Every difference due is a rule whose waiver expired: the actor is known to be waived, not missed. */
function expiryNotice(input: SweepInput, expired: Extract<Difference, { kind: 'extra' }>[]): Action {
  const { group, settings } = input;
  const verb = settings.dryRun.drift ? 'would remove' : 'removed';
  const subject = fitSubject(`Waiver expired on ${group.groupId}: ${settings.dryRun.drift ? 'would revert' : 'reverted'} ${expired.length} waived rule(s)`);
  const message = [
    `A waiver on ${group.groupId}${group.groupName ? ` (${group.groupName})` : ''} expired, so sg-guardian ${verb} the rule it covered and the group is back at its approved baseline.`,
    ...expired.map((d) => `  - ${describeContent(d.rule)} [${d.rule.ruleId}]: waiver expired: ${waiverName(d.expired!)}, reason ${d.expired!.reason}`),
    '',
    'To keep the rule, extend the waiver (drift_waivers) or have an allowed principal add it to the baseline.',
    '',
    `Account:    ${input.accountId} / ${input.region}`,
  ].join('\n');
  return {
    type: 'notify',
    subject,
    message,
    severity: 'medium',
    attributes: { kind: 'drift', action: settings.dryRun.drift ? 'would-reconcile' : 'waiver-expired', severity: 'medium', group_id: group.groupId },
    // The same finding the waived change raised (suppressed while waived): resolved by this revert.
    finding: groupFinding('unauthorized-change', input),
    reason: `tell the operators: ${subject}`,
  };
}

/** One notification for every group enrolled by a sweep: which groups, how many rules each. */
export function enrolmentNotice(records: GroupRecord[], settings: Settings): Action {
  const subject = fitSubject(`Enrolled ${records.length} security group(s) into the drift guard's desired state`);
  const message = [
    `sg-guardian took the current rules of ${records.length} guarded group(s) as their approved baseline.`,
    'From now on a change by a principal that is not allowed is reconciled back to this baseline; allowed principals move it.',
    'If a group held a rule it should not when it was enrolled, remove it and accept the result (sg-guardian state accept).',
    '',
    ...records.map((r) => `  - ${r.groupId}: ${r.baseline.length} rule(s)`),
  ].join('\n');
  return {
    type: 'notify',
    subject,
    message,
    severity: 'info',
    attributes: { kind: 'drift', action: settings.dryRun.drift ? 'would-enrol' : 'enrolled', severity: 'info' },
    reason: `tell the operators: ${subject}`,
  };
}

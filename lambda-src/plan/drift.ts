// The drift guard offline (`sg-guardian explain`, unit tables): the same reconciler the Lambda
// runs (reconcile/drift.ts), with the group and its baseline supplied instead of read. Without an
// observed group, the group is taken as the event left it; without a baseline, as having held
// exactly what the event touched before the event (so explain shows the exact inverse).
import type { Action, ObservedGroup, SecurityGroupRule } from '../core/model.js';
import { canonicalProtocol, rulesOfPermission } from '../core/rule-key.js';
import type { BaselineRule } from '../core/state.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { reconcileDriftEvent } from '../reconcile/drift.js';
import { newRecord } from '../reconcile/desired.js';
import type { Settings } from '../policy/settings.js';

export interface DriftContext {
  settings: Settings;
  /** The group as described after the change (e.g. from --group-file). */
  observedGroup?: ObservedGroup;
  /** The group's approved baseline (e.g. from --baseline). */
  baseline?: BaselineRule[];
  now?: Date;
}

export function planDrift(event: CloudTrailEvent, ctx: DriftContext): Action[] {
  const now = ctx.now ?? new Date(event.eventTime || 0);
  const eventGroup = event.groupId ?? event.createdRules[0]?.groupId;
  const given = ctx.observedGroup && (eventGroup === undefined || ctx.observedGroup.groupId === eventGroup) ? ctx.observedGroup : undefined;
  const observed = given ?? groupAfter(event, ctx.settings);
  const tag = ctx.settings.drift.guardTag;
  const notes = !given && tag && eventGroup && !ctx.settings.drift.guardedGroupIds.includes(eventGroup) ? [`${eventGroup}'s tags were not observed, so it was treated as guarded (drift.guardTag ${tag.key}=${tag.value})`] : [];
  if (!given && event.modifiedRules.length) notes.push(`the group was not observed: ${event.modifiedRules.map((m) => m.ruleId).join(', ')} assumed to be an ingress rule, as the request sets it`);
  const record = ctx.baseline && observed ? newRecord(observed, event, ctx.baseline, 'baseline file', now) : undefined;
  return reconcileDriftEvent({ event, settings: ctx.settings, observed, record, now, assumeBaselineFromEvent: !ctx.baseline, notes }).actions;
}

/** The group as the event left it, as far as the event tells (only the rules it touched). */
function groupAfter(event: CloudTrailEvent, settings: Settings): ObservedGroup | undefined {
  const groupId = event.groupId ?? event.createdRules[0]?.groupId;
  if (!groupId) return undefined;
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  const direction = event.direction ?? 'ingress';
  let rules: SecurityGroupRule[] = [];
  if (call === 'authorize') {
    rules = event.createdRules.length
      ? event.createdRules.filter((r) => r.groupId === groupId || r.groupId === '').map((r) => ({ ...r, groupId }))
      : event.permissions.flatMap((p) => rulesOfPermission(p, direction)).map((r) => ({ ...r, ruleId: '', groupId }));
  } else if (call === 'modify') {
    rules = event.modifiedRules.map((m) => ({ ruleId: m.ruleId, groupId, direction: 'ingress', ...requested(m.request) }));
  }
  // Offline, the group's tags are unknown: fail closed, take it as carrying the guard tag.
  const tag = settings.drift.guardTag;
  return { groupId, ...(event.groupName ? { groupName: event.groupName } : {}), tags: tag ? { [tag.key]: tag.value } : {}, rules };
}

function requested(r: Record<string, unknown>): Omit<SecurityGroupRule, 'ruleId' | 'groupId' | 'direction'> {
  const text = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? r[k] : undefined);
  const port = (k: string) => (typeof r[k] === 'number' ? r[k] : typeof r[k] === 'string' && /^-?\d+$/.test(r[k]) ? Number(r[k]) : undefined);
  const protocol = canonicalProtocol(text('IpProtocol') ?? (typeof r.IpProtocol === 'number' ? String(r.IpProtocol) : '-1'));
  const from = port('FromPort');
  const to = port('ToPort');
  return {
    protocol,
    ...(from !== undefined ? { fromPort: from } : {}),
    ...(to !== undefined ? { toPort: to } : {}),
    ...(text('CidrIpv4') ? { cidrIpv4: text('CidrIpv4')! } : {}),
    ...(text('CidrIpv6') ? { cidrIpv6: text('CidrIpv6')! } : {}),
    ...(text('PrefixListId') ? { prefixListId: text('PrefixListId')! } : {}),
    ...(text('ReferencedGroupId') ? { referencedGroupId: text('ReferencedGroupId')! } : {}),
    ...(text('Description') ? { description: text('Description')! } : {}),
  };
}

// The drift guard: a rule change on a guarded group by a principal that is not allowed is undone
// with its exact inverse. Authorize -> revoke exactly what it created (by rule ID when the response
// lists them); Revoke -> re-add exactly what it removed; ModifySecurityGroupRules -> revoke the
// modified rules (CloudTrail does not log the old value, so fail closed). Pure: same inputs, same actions.
import type { Action, Direction, IpPermission, ObservedGroup, SecurityGroupRule, Severity } from '../core/model.js';
import { SECURITY_GROUP_RULE_CALLS, protocolHasPorts, type DecodedCloudTrailEvent } from '../events/cloudtrail.js';
import { describePermission, describeRule, describeRuleUpdate, renderDriftNotification, type DriftOutcome } from '../notify/drift.js';
import type { DriftSettings } from '../policy/drift-settings.js';
import { isOwnRole, matchAllowedPrincipal } from '../policy/principals.js';
import type { Settings } from '../policy/settings.js';

export interface DriftContext {
  settings: Settings;
  /** The group as described after the change (tags for guardTag, rule directions for ModifySecurityGroupRules). */
  observedGroup?: ObservedGroup;
}

/** What undoing one call takes, before dry-run and notification are applied. */
interface Undo {
  mutations: Action[];
  undone: string[];
  problems: string[];
  notes: string[];
}

export function planDrift(event: DecodedCloudTrailEvent, ctx: DriftContext): Action[] {
  const drift = ctx.settings.drift;
  const ignore = (why: string): Action[] => [{ type: 'ignore', reason: `${event.eventName} ${event.eventId}: ${why}` }];

  if (!drift.enabled) return ignore('the drift guard is off (drift.enabled is false)');
  if (event.eventSource !== undefined && event.eventSource !== 'ec2.amazonaws.com') {
    return ignore(`not an EC2 call (eventSource ${event.eventSource})`);
  }
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  if (!call) return ignore('not a security-group rule change');
  if (event.failed) return ignore(`the call failed (${event.failed.errorCode}), so nothing changed`);
  if (event.direction === 'egress' && !drift.guardEgress) return ignore('egress change, and drift.guardEgress is false');
  if (isOwnRole(event.actor, ctx.settings.selfRoleArn)) return ignore(`made by sg-guardian's own role (${ctx.settings.selfRoleArn})`);
  const allowed = matchAllowedPrincipal(event.actor, drift.allowedPrincipalArns);
  if (allowed) return ignore(`${allowed.arn} is allowed by drift.allowedPrincipalArns pattern "${allowed.pattern}"`);

  const observed = ctx.observedGroup;
  const groupId = event.groupId ?? (observed && event.groupName && observed.groupName === event.groupName ? observed.groupId : undefined);
  let undo: Undo;
  if (groupId === undefined) {
    // Without an ID there is nothing to call EC2 with, nor to check the guard scope against: tell a human.
    undo = { mutations: [], undone: [], notes: [], problems: [`the event names no group ID (group name ${event.groupName ?? 'not recorded either'}), so nothing can be reverted`] };
  } else {
    const scope = guardScope(groupId, drift, observed);
    if (!scope.guarded) return ignore(scope.why);
    undo = call === 'authorize' ? undoAuthorize(event, groupId) : call === 'revoke' ? undoRevoke(event, groupId) : undoModify(event, groupId, drift, observed);
    if (scope.assumed) undo.notes.push(scope.why);
  }
  if (undo.mutations.length === 0 && undo.undone.length === 0 && undo.problems.length === 0) {
    return ignore(undo.notes.join('; ') || 'nothing to undo');
  }

  const incomplete = undo.problems.length > 0;
  const outcome: DriftOutcome = ctx.settings.dryRun ? 'would-revert' : incomplete ? 'revert-incomplete' : 'reverted';
  const severity: Severity = incomplete ? 'high' : 'medium';
  const notify = renderDriftNotification({ event, ...(groupId ? { groupId } : {}), outcome, severity, undone: undo.undone, problems: undo.problems, notes: undo.notes });
  return ctx.settings.dryRun ? [notify] : [...undo.mutations, notify];
}

/**
 * What planDrift will look at in the observed group, so the shell reads no more: nothing when the
 * plan is decided before the group matters (allowed principal, own role, unguarded egress, failed
 * call) or the guard scope does not depend on tags; the group (tags) for a tag-guarded group; its
 * rules too only for ModifySecurityGroupRules (whose event does not say a rule's direction).
 */
export function observedGroupNeeds(event: DecodedCloudTrailEvent, settings: Settings): { group: boolean; rules: boolean } {
  const none = { group: false, rules: false };
  const drift = settings.drift;
  const call = SECURITY_GROUP_RULE_CALLS[event.eventName];
  if (!drift.enabled || !call || event.failed || (event.eventSource !== undefined && event.eventSource !== 'ec2.amazonaws.com')) return none;
  if (event.direction === 'egress' && !drift.guardEgress) return none;
  if (isOwnRole(event.actor, settings.selfRoleArn) || matchAllowedPrincipal(event.actor, drift.allowedPrincipalArns)) return none;
  if (call === 'modify') return { group: true, rules: true };
  // An event without a group ID is matched to the read group by name; a listed group needs no tags.
  const byTag = drift.guardTag !== undefined && !(event.groupId !== undefined && drift.guardedGroupIds.includes(event.groupId));
  return { group: byTag || event.groupId === undefined, rules: false };
}

export interface GuardScope {
  guarded: boolean;
  /** Why: the ignore reason when not guarded, a note when guarded by assumption. */
  why: string;
  /** Guarded only because the group's tags were not observed (fail closed). */
  assumed?: boolean;
}

export function guardScope(groupId: string, drift: DriftSettings, observed: ObservedGroup | undefined): GuardScope {
  if (drift.guardedGroupIds.length === 0 && !drift.guardTag) return { guarded: true, why: 'every group is guarded' };
  if (drift.guardedGroupIds.includes(groupId)) return { guarded: true, why: 'listed in drift.guardedGroupIds' };
  const tag = drift.guardTag;
  const listed = drift.guardedGroupIds.length ? 'not in drift.guardedGroupIds' : '';
  if (!tag) return { guarded: false, why: `${groupId} is ${listed}` };
  const tagText = `${tag.key}=${tag.value}`;
  if (!observed || observed.groupId !== groupId) {
    // Fail closed: an unknown group might carry the tag.
    return { guarded: true, assumed: true, why: `${groupId}'s tags were not observed, so it was treated as guarded (drift.guardTag ${tagText})` };
  }
  if (observed.tags[tag.key] === tag.value) return { guarded: true, why: `tagged ${tagText}` };
  return { guarded: false, why: `${groupId} is ${listed ? `${listed} and ` : ''}not tagged ${tagText}` };
}

function revokeType(d: Direction): 'revoke-ingress' | 'revoke-egress' {
  return d === 'egress' ? 'revoke-egress' : 'revoke-ingress';
}

function authorizeType(d: Direction): 'authorize-ingress' | 'authorize-egress' {
  return d === 'egress' ? 'authorize-egress' : 'authorize-ingress';
}

function undoAuthorize(event: DecodedCloudTrailEvent, groupId: string): Undo {
  const direction = event.direction ?? 'ingress';
  const reason = `undo ${event.eventName} ${event.eventId} by ${event.actor.arn}`;
  const created = event.createdRules.filter((r) => r.groupId === groupId && r.direction === direction);
  if (created.length) {
    // Rule IDs are exact: no description or CIDR-spelling mismatch can make the revoke miss.
    return {
      mutations: [{ type: revokeType(direction), groupId, ruleIds: created.map((r) => r.ruleId), reason }],
      undone: created.map((r) => `remove ${describeRule(r)}`),
      problems: [],
      notes: [],
    };
  }
  if (event.permissions.length) {
    return {
      mutations: [{ type: revokeType(direction), groupId, permissions: event.permissions, reason }],
      undone: event.permissions.flatMap((p) => describePermission(p, direction)).map((l) => `remove ${l}`),
      problems: [],
      notes: [],
    };
  }
  return { mutations: [], undone: [], notes: [], problems: ['the event records neither the rules asked for nor the rules created, so there is nothing exact to revoke; check the group by hand'] };
}

function undoRevoke(event: DecodedCloudTrailEvent, groupId: string): Undo {
  const direction = event.direction ?? 'ingress';
  const reason = `undo ${event.eventName} ${event.eventId} by ${event.actor.arn}`;
  const notes: string[] = [];
  const problems: string[] = [];
  // Since 2024 the response lists what EC2 removed, with descriptions: the most exact restore.
  const revoked = (event.revokedRules ?? []).filter((r) => r.groupId === groupId || r.groupId === '');
  let permissions: IpPermission[];
  let undone: string[];
  if (revoked.length) {
    permissions = revoked.map(ruleToPermission);
    undone = revoked.map((r) => `re-add ${describeRule(r)}`);
  } else {
    const unknown = event.unknownPermissions ?? [];
    permissions = unknown.length ? withoutSources(event.permissions, unknown) : event.permissions;
    undone = permissions.flatMap((p) => describePermission(p, direction)).map((l) => `re-add ${l}`);
    if (unknown.length) notes.push(`${unknown.flatMap((p) => describePermission(p, direction)).join('; ')}: matched no rule, so nothing was removed and nothing is re-added`);
    const undescribed = permissions.some((p) => [...(p.IpRanges ?? []), ...(p.Ipv6Ranges ?? []), ...(p.PrefixListIds ?? []), ...(p.UserIdGroupPairs ?? [])].some((s) => s.Description === undefined));
    // A revoke need not repeat a rule's description, and older events do not record what was removed.
    if (undescribed) notes.push('re-added from the revoke request, which did not carry every rule description: those descriptions are not restored');
  }
  const restoredIds = new Set(revoked.map((r) => r.ruleId));
  const lost = event.requestRuleIds.filter((id) => !restoredIds.has(id));
  if (lost.length) {
    problems.push(`cannot restore ${lost.join(', ')}: they were revoked by rule ID, and the event records no rule content for them (no revokedSecurityGroupRuleSet in the response)`);
  }
  if (!permissions.length && !lost.length) {
    problems.push('the event records no rule that was removed, so there is nothing to re-add; check the group by hand');
  }
  const mutations: Action[] = permissions.length ? [{ type: authorizeType(direction), groupId, permissions, reason }] : [];
  return { mutations, undone, problems, notes };
}

function undoModify(event: DecodedCloudTrailEvent, groupId: string, drift: DriftSettings, observed: ObservedGroup | undefined): Undo {
  const reason = `undo ${event.eventName} ${event.eventId} by ${event.actor.arn} (fail closed: the old rule is not in the event)`;
  const notes: string[] = [];
  const known = new Map((observed?.groupId === groupId ? observed.rules : []).map((r) => [r.ruleId, r.direction]));
  const byDirection: Record<Direction, string[]> = { ingress: [], egress: [] };
  const undone: string[] = [];
  for (const m of event.modifiedRules) {
    // The request does not say whether the rule is inbound or outbound; the observed group does.
    const direction = known.get(m.ruleId);
    if (direction === 'egress' && !drift.guardEgress) {
      notes.push(`${m.ruleId} is an egress rule and drift.guardEgress is false: left as modified`);
      continue;
    }
    if (!direction) notes.push(`${m.ruleId} was not observed in ${groupId}: assumed to be an ingress rule`);
    byDirection[direction ?? 'ingress'].push(m.ruleId);
    undone.push(`remove ${direction ?? 'ingress'} rule ${describeRuleUpdate(m.ruleId, m.request)}`);
  }
  const mutations: Action[] = (['ingress', 'egress'] as const)
    .filter((d) => byDirection[d].length)
    .map((d) => ({ type: revokeType(d), groupId, ruleIds: byDirection[d], reason }));
  if (!mutations.length && event.modifiedRules.length) return { mutations, undone, problems: [], notes };
  const removed = [...byDirection.ingress, ...byDirection.egress].join(', ');
  const problems = mutations.length
    ? [`CloudTrail does not record a rule's value before ModifySecurityGroupRules, so ${removed} ${removed.includes(',') ? 'are' : 'is'} removed instead of restored (fail closed); re-create the old rule by hand if it was needed`]
    : ['the event names no modified rule ID, so nothing can be reverted; check the group by hand'];
  return { mutations, undone, problems, notes };
}

/** A described rule as the IpPermission that re-creates it (ports only where the protocol has them). */
export function ruleToPermission(r: SecurityGroupRule): IpPermission {
  const d = r.description !== undefined ? { Description: r.description } : {};
  return {
    IpProtocol: r.protocol,
    ...(protocolHasPorts(r.protocol) && r.fromPort !== undefined ? { FromPort: r.fromPort } : {}),
    ...(protocolHasPorts(r.protocol) && r.toPort !== undefined ? { ToPort: r.toPort } : {}),
    ...(r.cidrIpv4 ? { IpRanges: [{ CidrIp: r.cidrIpv4, ...d }] } : {}),
    ...(r.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: r.cidrIpv6, ...d }] } : {}),
    ...(r.prefixListId ? { PrefixListIds: [{ PrefixListId: r.prefixListId, ...d }] } : {}),
    ...(r.referencedGroupId ? { UserIdGroupPairs: [{ GroupId: r.referencedGroupId, ...d }] } : {}),
  };
}

/** The permissions minus every source that also appears (same protocol and ports) in `remove`. */
function withoutSources(permissions: IpPermission[], remove: IpPermission[]): IpPermission[] {
  const traffic = (p: IpPermission) => `${p.IpProtocol.toLowerCase()}|${p.FromPort ?? ''}|${p.ToPort ?? ''}`;
  const keys = new Set(remove.flatMap((p) => sourceKeys(p).map((s) => `${traffic(p)}|${s}`)));
  const keep = <T>(p: IpPermission, list: T[] | undefined, key: (x: T) => string) => (list ?? []).filter((x) => !keys.has(`${traffic(p)}|${key(x)}`));
  return permissions
    .map((p) => {
      const kept: IpPermission = { IpProtocol: p.IpProtocol };
      if (p.FromPort !== undefined) kept.FromPort = p.FromPort;
      if (p.ToPort !== undefined) kept.ToPort = p.ToPort;
      const v4 = keep(p, p.IpRanges, (r) => `v4:${r.CidrIp}`);
      const v6 = keep(p, p.Ipv6Ranges, (r) => `v6:${r.CidrIpv6}`);
      const pl = keep(p, p.PrefixListIds, (r) => `pl:${r.PrefixListId}`);
      const sg = keep(p, p.UserIdGroupPairs, (g) => `sg:${g.GroupId ?? ''}`);
      if (v4.length) kept.IpRanges = v4;
      if (v6.length) kept.Ipv6Ranges = v6;
      if (pl.length) kept.PrefixListIds = pl;
      if (sg.length) kept.UserIdGroupPairs = sg;
      return kept;
    })
    .filter((p) => sourceKeys(p).length > 0);
}

function sourceKeys(p: IpPermission): string[] {
  return [
    ...(p.IpRanges ?? []).map((r) => `v4:${r.CidrIp}`),
    ...(p.Ipv6Ranges ?? []).map((r) => `v6:${r.CidrIpv6}`),
    ...(p.PrefixListIds ?? []).map((r) => `pl:${r.PrefixListId}`),
    ...(p.UserIdGroupPairs ?? []).map((g) => `sg:${g.GroupId ?? ''}`),
  ];
}

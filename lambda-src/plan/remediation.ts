// World-open remediation planner (pure): for each ingress rule open to the world outside the
// authorized ports, authorize the same protocol/ports from the replacement CIDRs first, then
// revoke the world-open rule by its ID, then notify. Shared by Config events and the sweep.
import type { Action, IpPermission, ObservedGroup, SecurityGroupRule } from '../core/model.js';
import type { ConfigComplianceEvent, ConfigItemEvent, ConfigRemediationEvent } from '../events/guard-event.js';
import { type NotifyAction, type RemediatedRule, describePermission, worldOpenNotification } from '../notify/remediation.js';
import type { Settings } from '../policy/settings.js';
import type { BaselineRule } from '../core/state.js';
import { splitByBaseline } from '../reconcile/world-open.js';
import { describeRulePorts, findViolations, outOfScopeReason, portProtocol, type Violation } from '../policy/world-open.js';
import { parseCidr } from '../policy/world-open-settings.js';

export type WorldOpenEvent = ConfigRemediationEvent | ConfigComplianceEvent | ConfigItemEvent;

export interface RemediationContext {
  settings: Settings;
  /** The group's approved baseline when it is drift-guarded and enrolled (see reconcile/world-open.ts). */
  baseline?: BaselineRule[];
  /** The group described fresh after the event; undefined when it no longer exists. */
  group?: ObservedGroup;
}

const SECURITY_GROUP = 'AWS::EC2::SecurityGroup';

/** Without an observed group (explain, or before describing): which group to look at, or why not. */
export function planRemediationIntent(event: WorldOpenEvent, settings: Settings): Action[] {
  const triage = triageEvent(event, settings);
  if ('ignore' in triage) return [{ type: 'ignore', reason: triage.ignore }];
  return [
    {
      type: 'remediate-group',
      groupId: triage.groupId,
      reason: `${triggerOf(event, settings).trigger} for ${triage.groupId}: describe it and replace world-open ingress outside the authorized ports`,
    },
  ];
}

/** With the group as described now: the exact authorize/revoke/notify actions. */
export function planRemediation(event: WorldOpenEvent, ctx: RemediationContext): Action[] {
  const { settings, group } = ctx;
  const triage = triageEvent(event, settings);
  if ('ignore' in triage) return [{ type: 'ignore', reason: triage.ignore }];
  if (!group) return [{ type: 'ignore', reason: `group ${triage.groupId} not found (deleted since the event?)` }];
  if (group.groupId !== triage.groupId)
    return [{ type: 'ignore', reason: `described group ${group.groupId} is not the event's ${triage.groupId}` }];
  const outOfScope = outOfScopeReason(group, settings.worldOpen);
  if (outOfScope) return [{ type: 'ignore', reason: outOfScope }];
  const violations = findViolations(group, settings.worldOpen);
  if (violations.length === 0) return [{ type: 'ignore', reason: `${group.groupId}: no world-open rule outside the authorized ports` }];
  const { account, region } = locationOf(event, group);
  const fix = planGuardedFix(group, violations, settings, { ...triggerOf(event, settings), accountId: account, region }, ctx.baseline);
  return [...fix.authorize, ...fix.revoke, ...fix.notify];
}

/** The scheduled sweep over described groups: every authorize first, then every revoke, then the notifications. */
export function planSweep(groups: ObservedGroup[], settings: Settings, baselines: ReadonlyMap<string, BaselineRule[]> = new Map()): Action[] {
  if (!settings.worldOpen.enabled) return [{ type: 'ignore', reason: 'world-open remediation is disabled (worldOpen.enabled=false)' }];
  const authorize: Action[] = [];
  const revoke: Action[] = [];
  const notify: Action[] = [];
  let outOfScope = 0;
  for (const group of groups) {
    if (outOfScopeReason(group, settings.worldOpen)) {
      outOfScope++;
      continue;
    }
    const violations = findViolations(group, settings.worldOpen);
    if (violations.length === 0) continue;
    const fix = planGuardedFix(group, violations, settings, { trigger: 'the scheduled world-open sweep', feed: 'sweep', accountId: group.ownerId }, baselines.get(group.groupId));
    authorize.push(...fix.authorize);
    revoke.push(...fix.revoke);
    notify.push(...fix.notify);
  }
  if (notify.length === 0)
    return [{ type: 'ignore', reason: `sweep: ${groups.length} group(s) checked (${outOfScope} out of scope), none world-open outside the authorized ports` }];
  return [...authorize, ...revoke, ...notify];
}

type Triage = { groupId: string } | { ignore: string };

/** The decisions that need no observed state: enabled, rule name, resource type, compliance, exclusions. */
function triageEvent(event: WorldOpenEvent, settings: Settings): Triage {
  const wo = settings.worldOpen;
  if (!wo.enabled) return { ignore: 'world-open remediation is disabled (worldOpen.enabled=false)' };
  if (event.configRuleName !== undefined && event.configRuleName !== wo.configRuleName)
    return { ignore: `Config rule ${event.configRuleName} is not the world-open rule (${wo.configRuleName})` };
  let groupId: string;
  switch (event.kind) {
    case 'config-remediation':
      groupId = event.groupId;
      break;
    case 'config-compliance':
      if (event.resourceType !== SECURITY_GROUP) return { ignore: `resource type ${event.resourceType} is not a security group` };
      if (event.complianceType !== 'NON_COMPLIANT')
        return { ignore: `${event.resourceId} is ${event.complianceType}: nothing to remediate` };
      groupId = event.resourceId;
      break;
    case 'config-item':
      if (event.resourceType !== SECURITY_GROUP) return { ignore: `resource type ${event.resourceType} is not a security group` };
      if (event.changeType === 'DELETE') return { ignore: `${event.resourceId} was deleted: nothing to remediate` };
      groupId = event.resourceId;
      break;
  }
  if (wo.excludedGroupIds.includes(groupId)) return { ignore: `${groupId} is in worldOpen.excludedGroupIds` };
  return { groupId };
}

interface Trigger {
  trigger: string;
  feed: string;
  configRuleName?: string;
  accountId?: string;
  region?: string;
}

function triggerOf(event: WorldOpenEvent, settings: Settings): Trigger {
  switch (event.kind) {
    case 'config-remediation': {
      // The remediation is attached to the world-open rule, whose name the bare message omits.
      const rule = event.configRuleName ?? settings.worldOpen.configRuleName;
      return { trigger: `the AWS Config remediation of rule ${rule}`, feed: 'AWS Config', configRuleName: rule };
    }
    case 'config-compliance': {
      const rule = event.configRuleName ?? settings.worldOpen.configRuleName;
      return { trigger: `AWS Config rule ${rule} reporting ${event.complianceType}`, feed: 'AWS Config', configRuleName: rule };
    }
    case 'config-item': {
      const change = `an AWS Config configuration change${event.changeType ? ` (${event.changeType})` : ''}`;
      if (event.configRuleName)
        return { trigger: `${change} evaluated by rule ${event.configRuleName}`, feed: 'AWS Config', configRuleName: event.configRuleName };
      return { trigger: change, feed: 'AWS Config' };
    }
  }
}

function locationOf(event: WorldOpenEvent, group: ObservedGroup): { account?: string; region?: string } {
  return { account: event.accountId ?? group.ownerId, region: event.region };
}

interface GroupFix {
  authorize: Action[];
  revoke: Action[];
  notify: NotifyAction;
}

/** Replacement for approved world-open rules; for those outside a guarded group's baseline, revoke only. */
function planGuardedFix(group: ObservedGroup, violations: Violation[], settings: Settings, trigger: Trigger, baseline: BaselineRule[] | undefined) {
  const { approved, outside } = splitByBaseline(violations, baseline);
  const fixes: GroupFix[] = [];
  if (approved.length) fixes.push(planGroupFix(group, approved, settings, trigger));
  if (outside.length) {
    const revokeOnly = { ...settings, worldOpen: { ...settings.worldOpen, replacementCidrsIpv4: [], replacementCidrsIpv6: [] } };
    fixes.push(planGroupFix(group, outside, revokeOnly, { ...trigger, trigger: `${trigger.trigger}; the rule is not in the group's approved baseline (drift guard), so it is revoked without replacement` }));
  }
  return { authorize: fixes.flatMap((f) => f.authorize), revoke: fixes.flatMap((f) => f.revoke), notify: fixes.map((f) => f.notify) };
}

function planGroupFix(group: ObservedGroup, violations: Violation[], settings: Settings, trigger: Trigger): GroupFix {
  const wo = settings.worldOpen;
  const permissions = new Map<string, IpPermission>();
  const remediated: RemediatedRule[] = [];
  for (const violation of violations) {
    const { rule, family } = violation;
    const cidrs = family === 'ipv4' ? wo.replacementCidrsIpv4 : wo.replacementCidrsIpv6;
    for (const cidr of cidrs) {
      // Already allowed (an earlier run, or by hand): authorizing again would fail as Duplicate.
      if (group.rules.some((r) => sameAccess(r, rule, cidr))) continue;
      const permission = permissionFor(permissions, rule);
      if (family === 'ipv4') {
        const ranges = (permission.IpRanges ??= []);
        if (!ranges.some((r) => r.CidrIp === cidr)) ranges.push(rule.description ? { CidrIp: cidr, Description: rule.description } : { CidrIp: cidr });
      } else {
        const ranges = (permission.Ipv6Ranges ??= []);
        if (!ranges.some((r) => r.CidrIpv6 === cidr)) ranges.push(rule.description ? { CidrIpv6: cidr, Description: rule.description } : { CidrIpv6: cidr });
      }
    }
    remediated.push({ violation, replacedWith: [...cidrs] });
  }

  const notify = worldOpenNotification({
    group,
    rules: remediated,
    trigger: trigger.trigger,
    feed: trigger.feed,
    configRuleName: trigger.configRuleName,
    accountId: trigger.accountId,
    region: trigger.region,
    authorizedTcpPorts: wo.authorizedTcpPorts,
    authorizedUdpPorts: wo.authorizedUdpPorts,
    dryRun: settings.dryRun.worldOpen,
  });
  if (settings.dryRun.worldOpen) return { authorize: [], revoke: [], notify };

  const authorize: Action[] = [];
  if (permissions.size > 0) {
    const list = [...permissions.values()];
    authorize.push({
      type: 'authorize-ingress',
      groupId: group.groupId,
      permissions: list,
      reason: `replace world-open ingress on ${group.groupId} with the configured CIDRs: ${list.map(describePermission).join('; ')}`,
    });
  }
  const revoke: Action[] = [
    {
      type: 'revoke-ingress',
      groupId: group.groupId,
      ruleIds: violations.map((v) => v.rule.ruleId),
      reason: `revoke world-open ingress on ${group.groupId}: ${violations.map((v) => `${v.rule.ruleId} (${describeRulePorts(v.rule)} from ${v.source})`).join(', ')}`,
    },
  ];
  return { authorize, revoke, notify };
}

/** One IpPermission per protocol/port range, shared by the violations that have it. */
function permissionFor(permissions: Map<string, IpPermission>, rule: SecurityGroupRule): IpPermission {
  const key = `${rule.protocol}|${rule.fromPort ?? ''}|${rule.toPort ?? ''}`;
  let permission = permissions.get(key);
  if (!permission) {
    permission = { IpProtocol: rule.protocol };
    // '-1' takes no ports; icmp keeps its type/code in FromPort/ToPort.
    if (rule.protocol !== '-1') {
      if (rule.fromPort !== undefined) permission.FromPort = rule.fromPort;
      if (rule.toPort !== undefined) permission.ToPort = rule.toPort;
    }
    permissions.set(key, permission);
  }
  return permission;
}

/** Does `existing` already grant what replacing `violating` with `cidr` would? */
function sameAccess(existing: SecurityGroupRule, violating: SecurityGroupRule, cidr: string): boolean {
  if (existing.direction !== 'ingress') return false;
  const sameProtocol = (portProtocol(existing.protocol) ?? existing.protocol.toLowerCase()) === (portProtocol(violating.protocol) ?? violating.protocol.toLowerCase());
  if (!sameProtocol) return false;
  if (violating.protocol !== '-1' && ((existing.fromPort ?? -1) !== (violating.fromPort ?? -1) || (existing.toPort ?? -1) !== (violating.toPort ?? -1))) return false;
  const source = existing.cidrIpv4 ?? existing.cidrIpv6;
  if (source === undefined) return false;
  const a = parseCidr(source);
  const b = parseCidr(cidr);
  return a !== undefined && b !== undefined && a.family === b.family && a.prefix === b.prefix && a.address === b.address;
}

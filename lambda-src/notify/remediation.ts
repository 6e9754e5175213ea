// The notification for one remediated world-open group: what was open, what replaced it, who
// reported it. Pure text building; the planner decides, the SNS adapter publishes.
import type { Action, IpPermission, ObservedGroup, Severity } from '../core/model.js';
import { type Violation, describeRulePorts } from '../policy/world-open.js';

export type NotifyAction = Extract<Action, { type: 'notify' }>;

export interface RemediatedRule {
  violation: Violation;
  /** Sources that now (or, in dry-run, would) allow the same ports; empty: revoked without replacement. */
  replacedWith: string[];
}

export interface WorldOpenReport {
  group: ObservedGroup;
  rules: RemediatedRule[];
  /** How the group came to attention, e.g. "AWS Config rule X reported NON_COMPLIANT". */
  trigger: string;
  /** Short form for the subject: "AWS Config" or "sweep" (the rule name is in the body and attributes). */
  feed: string;
  configRuleName?: string;
  accountId?: string;
  region?: string;
  authorizedTcpPorts: string[];
  authorizedUdpPorts: string[];
  dryRun: boolean;
}

// SNS wants a subject of fewer than 100 characters, no line breaks.
const SUBJECT_MAX = 99;

export function worldOpenNotification(report: WorldOpenReport): NotifyAction {
  const { group, rules, dryRun } = report;
  const unreplaced = rules.filter((r) => r.replacedWith.length === 0);
  const anyReplaced = unreplaced.length < rules.length;
  const severity: Severity = unreplaced.length > 0 ? 'high' : 'medium';
  const action = dryRun ? (anyReplaced ? 'would-replace' : 'would-revoke') : anyReplaced ? 'replaced' : 'revoked';
  const verb = action.replace('-', ' ');

  const where = [report.accountId && `account ${report.accountId}`, report.region].filter(Boolean).join(' / ');
  const name = [group.groupName, group.vpcId].filter(Boolean).join(', ');
  const lines = [
    dryRun ? 'DRY RUN: nothing was changed; this is what sg-guardian would have done.' : undefined,
    `World-open ingress on security group ${group.groupId}${name ? ` (${name})` : ''}${where ? ` in ${where}` : ''}.`,
    `Found by ${report.trigger}.`,
    `Authorized to stay open to the world: TCP ${listOrNone(report.authorizedTcpPorts)}; UDP ${listOrNone(report.authorizedUdpPorts)}.`,
    '',
    dryRun ? 'Is open:' : 'Was open:',
    ...rules.map(({ violation: v }) => `  - ${describeRulePorts(v.rule)} from ${v.source} (${v.rule.ruleId}${v.rule.description ? `, "${v.rule.description}"` : ''}): ${v.reason}`),
  ];
  const replaced = rules.filter((r) => r.replacedWith.length > 0);
  if (replaced.length > 0) {
    lines.push('', dryRun ? 'Would be replaced with (same protocol and ports):' : 'Replaced with (same protocol and ports):');
    for (const { violation: v, replacedWith } of replaced) lines.push(`  - ${describeRulePorts(v.rule)} from ${replacedWith.join(', ')}`);
  }
  if (unreplaced.length > 0) {
    lines.push('', dryRun ? 'Would be revoked without replacement:' : 'Revoked without replacement:');
    for (const { violation: v } of unreplaced)
      lines.push(`  - ${describeRulePorts(v.rule)} from ${v.source} (no worldOpen.replacementCidrs${v.family === 'ipv4' ? 'Ipv4' : 'Ipv6'} configured)`);
  }

  const attributes: Record<string, string> = { kind: 'world-open', action, severity, group_id: group.groupId };
  if (report.configRuleName) attributes.config_rule = report.configRuleName;
  return {
    type: 'notify',
    subject: truncate(`sg-guardian: ${verb} world-open ingress on ${group.groupId} (${report.feed})`),
    message: lines.filter((l) => l !== undefined).join('\n'),
    attributes,
    severity,
    finding: { check: 'world-open', subject: group.groupId, groupId: group.groupId, ...(group.groupName ? { groupName: group.groupName } : {}), ...(group.vpcId ? { vpcId: group.vpcId } : {}) },
    reason: `report world-open ingress ${verb} on ${group.groupId}`,
  };
}

export interface ReplacementFailure {
  groupId: string;
  /** The permissions of the authorize action that failed. */
  permissions: IpPermission[];
  error: string;
}

/**
 * After execution: an authorize (other than Duplicate) failed but the revoke still ran. Raises the
 * group's world-open notification to high and says which sources lost access. Other notifies,
 * and failures of other groups, pass through unchanged.
 */
export function markReplacementFailures(notify: NotifyAction, failures: ReplacementFailure[]): NotifyAction {
  const groupId = notify.attributes.group_id;
  if (notify.attributes.kind !== 'world-open' || !groupId) return notify;
  const mine = failures.filter((f) => f.groupId === groupId);
  if (mine.length === 0) return notify;
  const failed = mine.flatMap((f) => f.permissions.map((p) => `  - ${describePermission(p)}: ${f.error}`));
  return {
    ...notify,
    subject: truncate(`sg-guardian: revoked world-open ingress on ${groupId}, replacement FAILED`),
    message: [
      notify.message,
      '',
      'REPLACEMENT FAILED: the world-open rules were still revoked, so these sources did not get access back:',
      ...failed,
    ].join('\n'),
    attributes: { ...notify.attributes, action: 'revoked', severity: 'high', replacement: 'failed' },
    severity: 'high',
  };
}

/** "tcp 22 from 10.0.0.0/8, 2001:db8::/32". */
export function describePermission(p: IpPermission): string {
  const sources = [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)];
  const ports = describeRulePorts({ protocol: p.IpProtocol, fromPort: p.FromPort, toPort: p.ToPort });
  return `${ports} from ${sources.join(', ') || '(no CIDR)'}`;
}

function listOrNone(ports: string[]): string {
  return ports.length ? ports.join(', ') : 'none';
}

function truncate(subject: string): string {
  return subject.length <= SUBJECT_MAX ? subject : `${subject.slice(0, SUBJECT_MAX - 3)}...`;
}

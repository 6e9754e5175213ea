// The drift guard's notification: who changed which group, what sg-guardian undid (or would, or
// could not), and the CloudTrail facts to investigate with. Pure text rendering.
import type { Action, Actor, Direction, IpPermission, SecurityGroupRule, Severity } from '../core/model.js';
import type { CloudTrailEvent } from '../events/guard-event.js';

export type NotifyAction = Extract<Action, { type: 'notify' }>;

export type DriftOutcome = 'reverted' | 'would-revert' | 'revert-incomplete' | 'nothing-to-undo' | 'waived';

export interface DriftNotice {
  event: CloudTrailEvent;
  /** Absent when the event named the group only by name and nothing resolved its ID. */
  groupId?: string;
  outcome: DriftOutcome;
  severity: Severity;
  /** One line per rule undone (or that would be), from describePermission / describeRule. */
  undone: string[];
  /** Unauthorized rules left in place because a waiver names them ("... kept: waived until ..."). */
  kept?: string[];
  /** What could not be undone, and why. */
  problems: string[];
  /** Caveats that do not make the revert incomplete. */
  notes: string[];
}

// SNS: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100
// characters long" — 99 satisfies both that and the project's <= 100.
const SUBJECT_MAX = 99;

const HEADLINE: Record<DriftOutcome, string> = {
  reverted: 'Reverted',
  'would-revert': 'Would revert',
  'revert-incomplete': 'Could not fully revert',
  'nothing-to-undo': 'Unauthorized',
  waived: 'Kept (waived)',
};

export function renderDriftNotification(n: DriftNotice): NotifyAction {
  const e = n.event;
  const group = n.groupId ?? (e.groupName ? `group named ${e.groupName}` : 'an unknown group');
  // Prefer Role/session; when that is too long, the session alone (usually the person) beats a cut.
  const subjects = [actorName(e.actor), actorName(e.actor, 'short')].map((who) => `${HEADLINE[n.outcome]} ${e.eventName} on ${group} by ${who}`);
  const subject = fitSubject(subjects.find((s) => Array.from(s).length <= SUBJECT_MAX) ?? subjects[1]!);
  const direction = e.direction ? ` (${e.direction})` : '';
  const lead =
    n.outcome === 'would-revert'
      ? `DRY RUN: sg-guardian would revert ${e.eventName} on ${group}${direction}. No change was made.`
      : n.outcome === 'revert-incomplete'
        ? `sg-guardian could not fully revert ${e.eventName} on ${group}${direction}.`
        : n.outcome === 'waived'
          ? `An unauthorized ${e.eventName} on ${group}${direction} stands: a waiver names the rule, so it is kept and the approved baseline does not move.`
          : n.outcome === 'nothing-to-undo'
          ? `An unauthorized ${e.eventName} on ${group}${direction}: nothing is left to undo, the group holds its approved rules.`
          : `sg-guardian reverted ${e.eventName} on ${group}${direction}.`;

  const role = e.actor.roleArn ? `; role ${e.actor.roleArn}` : '';
  const via = e.actor.invokedBy ? `; via ${e.actor.invokedBy}` : '';
  const facts: [string, string | undefined][] = [
    ['Actor', `${e.actor.arn || '(no ARN)'} (${e.actor.type}${role}${via})`],
    ['Source IP', e.sourceIp],
    ['User agent', e.userAgent],
    ['Event time', e.eventTime],
    ['Account', `${e.accountId} / ${e.region}`],
    ['Event', `${e.eventName} ${e.eventId}`],
  ];
  const message = [
    lead,
    section(n.outcome === 'would-revert' ? 'Would undo:' : 'Undone:', n.undone),
    section('Kept (waived):', n.kept ?? []),
    section(n.outcome === 'would-revert' ? 'Would not be able to undo:' : 'Not undone:', n.problems),
    section('Notes:', n.notes),
    facts.map(([k, v]) => `${`${k}:`.padEnd(12)}${v ?? '(not recorded)'}`).join('\n'),
  ]
    .filter((part) => part !== '')
    .join('\n\n');

  return {
    type: 'notify',
    subject,
    message,
    severity: n.severity,
    attributes: {
      kind: 'drift',
      action: n.outcome,
      severity: n.severity,
      ...(n.groupId ? { group_id: n.groupId } : {}),
      event_name: e.eventName,
    },
    ...(n.groupId
      ? {
          finding: {
            check: 'unauthorized-change' as const,
            subject: n.groupId,
            groupId: n.groupId,
            ...(e.groupName ? { groupName: e.groupName } : {}),
            observedAt: e.eventTime,
            eventId: e.eventId,
            actorArn: e.actor.arn,
            ...(e.accountId ? { accountId: e.accountId } : {}),
            ...(e.region ? { region: e.region } : {}),
          },
        }
      : {}),
    reason: `tell the operators: ${subject}`,
  };
}

function section(title: string, lines: string[]): string {
  return lines.length ? [title, ...lines.map((l) => `  - ${l}`)].join('\n') : '';
}

/** Single line, printable, at most SUBJECT_MAX characters (cut with "..."). */
export function fitSubject(text: string, max = SUBJECT_MAX): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean); // by code point, so a surrogate pair is never split
  return chars.length <= max ? clean : `${chars.slice(0, max - 3).join('').trimEnd()}...`;
}

/** A human name: the user name, Role/session for an assumed role (`short`: the session only), the service for AWS services. */
export function actorName(actor: Actor, form: 'full' | 'short' = 'full'): string {
  const arn = actor.arn;
  const assumed = /:assumed-role\/([^/]+)(?:\/(.+))?$/.exec(arn);
  if (assumed) {
    const [, role, session] = assumed;
    if (!session) return role!;
    return form === 'short' ? session : `${role}/${session}`;
  }
  if (/:root$/.test(arn)) return 'root';
  const resource = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.+)$/.exec(arn)?.[1];
  if (resource) return resource.split('/').pop() || resource;
  return arn || actor.invokedBy || actor.type;
}

/** One line per source of the permission: "ingress tcp 22 from 203.0.113.0/24 "desc"". */
export function describePermission(p: IpPermission, direction: Direction | undefined): string[] {
  const traffic = describeTraffic(p.IpProtocol, p.FromPort, p.ToPort);
  const side = direction === 'egress' ? 'to' : 'from';
  const head = direction ? `${direction} ${traffic}` : traffic;
  const line = (source: string, description?: string) => `${head} ${side} ${source}${quoted(description)}`;
  return [
    ...(p.IpRanges ?? []).map((r) => line(r.CidrIp, r.Description)),
    ...(p.Ipv6Ranges ?? []).map((r) => line(r.CidrIpv6, r.Description)),
    ...(p.PrefixListIds ?? []).map((r) => line(`prefix list ${r.PrefixListId}`, r.Description)),
    ...(p.UserIdGroupPairs ?? []).map((g) =>
      line(`group ${g.GroupId ?? '(unnamed)'}${g.UserId ? ` (account ${g.UserId})` : ''}`, g.Description),
    ),
  ];
}

/** "ingress tcp 22 from 0.0.0.0/0 "desc"" for rule content (baseline entries have no current ID). */
export function describeContent(r: Omit<SecurityGroupRule, 'ruleId' | 'groupId'>): string {
  const side = r.direction === 'egress' ? 'to' : 'from';
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? (r.prefixListId ? `prefix list ${r.prefixListId}` : r.referencedGroupId ? `group ${r.referencedGroupId}` : '(no source recorded)');
  return `${r.direction} ${describeTraffic(r.protocol, r.fromPort, r.toPort)} ${side} ${source}${quoted(r.description)}`;
}

/** "ingress tcp 22 from 0.0.0.0/0 [sgr-...]". */
export function describeRule(r: SecurityGroupRule): string {
  const side = r.direction === 'egress' ? 'to' : 'from';
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? (r.prefixListId ? `prefix list ${r.prefixListId}` : r.referencedGroupId ? `group ${r.referencedGroupId}` : '(no source recorded)');
  return `${r.direction} ${describeTraffic(r.protocol, r.fromPort, r.toPort)} ${side} ${source}${quoted(r.description)} [${r.ruleId}]`;
}

/** A ModifySecurityGroupRules request entry (API PascalCase, as logged): "sgr-... now tcp 443 from 0.0.0.0/0". */
export function describeRuleUpdate(ruleId: string, request: Record<string, unknown>): string {
  const text = (k: string) => (typeof request[k] === 'string' ? request[k] : undefined);
  const port = (k: string) => (typeof request[k] === 'number' ? request[k] : typeof request[k] === 'string' ? Number(request[k]) : undefined);
  const protocol = text('IpProtocol') ?? (typeof request.IpProtocol === 'number' ? String(request.IpProtocol) : undefined);
  const source = text('CidrIpv4') ?? text('CidrIpv6') ?? (text('PrefixListId') ? `prefix list ${text('PrefixListId')}` : text('ReferencedGroupId') ? `group ${text('ReferencedGroupId')}` : undefined);
  const traffic = protocol ? describeTraffic(protocol, port('FromPort'), port('ToPort')) : '(protocol not recorded)';
  return `${ruleId} changed to ${traffic} ${source ? `with ${source}` : '(source not recorded)'}${quoted(text('Description'))}`;
}

function describeTraffic(protocol: string, from: number | undefined, to: number | undefined): string {
  const p = protocol.toLowerCase();
  const name = ({ '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' } as Record<string, string>)[p] ?? p;
  if (p === '-1') return 'all traffic';
  if (name === 'tcp' || name === 'udp') {
    if (from === undefined && to === undefined) return `${name} (ports not recorded)`;
    if (from === -1 || (from === 0 && to === 65535)) return `${name} all ports (${from ?? '?'}-${to ?? '?'})`;
    return from === to ? `${name} ${from}` : `${name} ${from ?? '?'}-${to ?? '?'}`;
  }
  if (name === 'icmp' || name === 'icmpv6') {
    if (from === undefined || from === -1) return `${name} all types`;
    return `${name} type ${from} ${to === undefined || to === -1 ? 'all codes' : `code ${to}`}`;
  }
  return `protocol ${protocol} (all ports)`;
}

function quoted(description: string | undefined): string {
  return description ? ` "${description}"` : '';
}

// Notifications of the feed sync. Subjects are what an on-call human reads first: what happened,
// to which feed and target, in <= 100 characters.
import type { Action, Severity } from '../core/model.js';
import type { FeedName, FeedSet } from '../feeds/feed-set.js';

export type FeedOutcome = 'applied' | 'rejected' | 'needs-shards' | 'unchanged' | 'skipped';
type Notify = Extract<Action, { type: 'notify' }>;

// SNS wants a subject shorter than 100 characters, in plain text.
const SUBJECT_MAX = 99;

/** "CloudFront ranges", "AWS ranges (S3,EC2)", "Cloudflare ranges". */
export function feedLabel(feed: FeedName, awsServices: readonly string[] = ['CLOUDFRONT_ORIGIN_FACING']): string {
  if (feed === 'cloudflare') return 'Cloudflare ranges';
  return awsServices.every((s) => s.startsWith('CLOUDFRONT')) ? 'CloudFront ranges' : `AWS ranges (${awsServices.join(',')})`;
}

/** `CloudFront ranges applied: +3 -1 to pl-0abc` */
export function feedAppliedNotice(args: {
  set: FeedSet;
  label: string;
  targets: string[];
  added: number;
  removed: number;
  details: string[];
  reason: string;
}): Notify {
  const { set, label, targets, added, removed } = args;
  return notice({
    outcome: 'applied',
    severity: 'low',
    set,
    subject: `${label} applied: +${added} -${removed} to ${targets.join(', ')}`,
    message: [`${label} applied: ${added} added, ${removed} removed.`, ...describeSet(set), '', ...args.details].join('\n'),
    target: targets.length === 1 ? targets[0] : undefined,
    reason: args.reason,
  });
}

/** `Feed REJECTED: cloudflare shrink 45% > 30%` — nothing was applied. */
export function feedRejectedNotice(args: { feed: FeedName; set?: FeedSet; summary: string; detail: string; target?: string; reason: string }): Notify {
  return notice({
    outcome: 'rejected',
    severity: 'high',
    feed: args.feed,
    set: args.set,
    subject: `Feed REJECTED: ${args.feed} ${args.summary}${args.target ? ` (${args.target})` : ''}`,
    message: [
      `The ${args.feed} feed was rejected: ${args.detail}`,
      'Nothing was applied; the targets keep their current ranges.',
      ...(args.set ? describeSet(args.set) : []),
    ].join('\n'),
    target: args.target,
    refused: true,
    reason: args.reason,
  });
}

/** `Feed needs 2 more shard groups: cloudflare (sg-1, sg-2 full)` — nothing was applied to those groups. */
export function feedNeedsShardsNotice(args: { set: FeedSet; groupIds: string[]; more: number; detail: string; reason: string }): Notify {
  const groups = args.more === 1 ? 'group' : 'groups';
  return notice({
    outcome: 'needs-shards',
    severity: 'high',
    set: args.set,
    subject: `Feed needs ${args.more} more shard ${groups}: ${args.set.feed} (${args.groupIds.join(', ')})`,
    message: [
      `The ${args.set.feed} feed does not fit in its security groups: ${args.detail}`,
      `Create ${args.more} more ${groups} in the same VPC, tag them like ${args.groupIds.join(', ')} and attach them alongside;`,
      'until then these groups are left exactly as they are (applying part of the feed would drop allowed sources).',
      ...describeSet(args.set),
    ].join('\n'),
    target: args.groupIds.length === 1 ? args.groupIds[0] : undefined,
    refused: true,
    reason: args.reason,
  });
}

/**
 * `Feed SKIPPED guarded group: cloudflare (sg-1)`: a group tagged for the feed (tag enrolment on)
 * that the drift guard guards gets no feed rules; someone tagged it, and a human should know who.
 */
export function feedSkippedNotice(args: { set: FeedSet; groupIds: string[]; tagKey: string }): Notify {
  const ids = args.groupIds.join(', ');
  return notice({
    outcome: 'skipped',
    severity: 'high',
    set: args.set,
    subject: `Feed SKIPPED guarded group: ${args.set.feed} (${ids})`,
    message: [
      `${ids} ${args.groupIds.length === 1 ? 'is' : 'are'} tagged ${args.tagKey} = ${args.set.feed} and guarded by the drift guard: the feed adds nothing there.`,
      `A feed reaches a guarded group only when Terraform lists it (feed_security_group_ids). Check who tagged it (CloudTrail CreateTags), and remove the tag or list the group.`,
      ...describeSet(args.set),
    ].join('\n'),
    target: args.groupIds.length === 1 ? args.groupIds[0] : undefined,
    reason: `${args.set.feed} feed: tagged but drift-guarded ${ids} skipped`,
  });
}

/** `CloudFront ranges unchanged (hash 1a2b..)`: for the CLI's explain; the planner emits `ignore` instead. */
export function feedUnchangedNotice(args: { set: FeedSet; label: string; reason: string }): Notify {
  return notice({
    outcome: 'unchanged',
    severity: 'info',
    set: args.set,
    subject: `${args.label} unchanged (hash ${args.set.hash})`,
    message: [`${args.label} unchanged.`, ...describeSet(args.set)].join('\n'),
    reason: args.reason,
  });
}

function notice(args: {
  outcome: FeedOutcome;
  severity: Severity;
  feed?: FeedName;
  set?: FeedSet | undefined;
  subject: string;
  message: string;
  target?: string | undefined;
  /** Nothing was applied: a Security Hub finding (feed-refused) per feed and target. */
  refused?: boolean;
  reason: string;
}): Notify {
  const feed = args.set?.feed ?? args.feed ?? 'aws';
  const attributes: Record<string, string> = { kind: 'feed', action: args.outcome, severity: args.severity, feed };
  if (args.target?.startsWith('sg-')) attributes.group_id = args.target;
  if (args.target?.startsWith('pl-')) attributes.prefix_list_id = args.target;
  if (args.set) attributes.feed_hash = args.set.hash;
  if (args.set?.syncToken) attributes.sync_token = args.set.syncToken;
  const finding = args.refused ? { finding: { check: 'feed-refused' as const, subject: args.target ? `${feed}/${args.target}` : feed, ...(args.target?.startsWith('sg-') ? { groupId: args.target } : {}) } } : {};
  return { type: 'notify', subject: truncate(args.subject), message: args.message, attributes, severity: args.severity, ...finding, reason: args.reason };
}

function describeSet(set: FeedSet): string[] {
  return [
    `Feed: ${set.feed}, ${set.ipv4.length} IPv4 + ${set.ipv6.length} IPv6 ranges, hash ${set.hash}`,
    ...(set.syncToken ? [`syncToken: ${set.syncToken}${set.createTime ? ` (created ${set.createTime})` : ''}`] : []),
    ...(set.etag ? [`etag: ${set.etag}`] : []),
  ];
}

function truncate(subject: string): string {
  return subject.length <= SUBJECT_MAX ? subject : `${subject.slice(0, SUBJECT_MAX - 3)}...`;
}

// The desired state the guard reconciles toward, and the store that keeps it (DynamoDB in the
// Lambda: aws/state.ts; in memory for tests and the CLI: core/memory-state.ts). Tags are never
// authority: what a group may hold lives here, written only by the function and by operators.
import type { RuleContent } from './rule-key.js';

/** One approved rule: its content (the identity is ruleKey(content)) and the last rule ID seen for it. */
export interface BaselineRule extends RuleContent {
  ruleId?: string;
}

/** Where a group lives: one record per account, region and group. */
export interface GroupRef {
  accountId: string;
  region: string;
  groupId: string;
}

export interface GroupRecord extends GroupRef {
  /** Optimistic lock: every write is conditional on the version it read. */
  version: number;
  /** The approved rules (the group's desired state, before feeds and world-open policy). */
  baseline: BaselineRule[];
  enrolledAt: string;
  /** Who moved the baseline last: "enrolment", an allowed principal's ARN, "operator:<arn>", "world-open". */
  updatedBy: string;
  updatedAt: string;
  /**
   * Differences the sweep has seen that no event has explained yet, by rule key, with when they
   * were first seen: acted on only after the grace period (CloudTrail delivery is minutes late).
   */
  unexplained: Record<string, string>;
}

/**
 * The feed last applied (it used to live in tags anyone with ec2:CreateTags could write): a notice
 * older than syncToken is refused, and a shrink is judged against the counts applied, not against
 * what the targets hold now (an intruder could pad those). Never a reason to skip the comparison.
 */
export interface FeedRecord {
  feed: string;
  version: number;
  syncToken?: string;
  hash?: string;
  /** Ranges per family of the set applied. */
  ipv4Count?: number;
  ipv6Count?: number;
  appliedAt?: string;
}

export type LedgerClaim =
  /** First delivery (or a retry after a failure): go ahead, then complete or release. */
  | { status: 'claimed' }
  /** Handled before: a true replay. */
  | { status: 'done'; completedAt: string }
  /** Another invocation holds it right now (its lock has not expired). */
  | { status: 'busy' };

export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`${key} changed since it was read (conditional write failed)`);
    this.name = 'StateConflictError';
  }
}

export interface StateStore {
  getGroup(ref: GroupRef): Promise<GroupRecord | undefined>;
  /** Every enrolled group (the sweep's list: a group stays guarded even when its tag is removed). */
  listGroups(): Promise<GroupRecord[]>;
  /** Writes the record if its stored version is `expectedVersion` (undefined: must not exist yet). */
  putGroup(record: GroupRecord, expectedVersion: number | undefined): Promise<void>;
  deleteGroup(ref: GroupRef): Promise<void>;
  getFeed(feed: string): Promise<FeedRecord | undefined>;
  putFeed(record: FeedRecord, expectedVersion: number | undefined): Promise<void>;
  /**
   * The event ledger: claim an event ID before acting on it, complete after the notification went
   * out, release on failure (so the retry acts and notifies). A claim left by a crashed invocation
   * expires after `lockSeconds`.
   */
  claimEvent(eventId: string, now: Date, lockSeconds: number): Promise<LedgerClaim>;
  completeEvent(eventId: string, now: Date, ttlSeconds: number): Promise<void>;
  releaseEvent(eventId: string): Promise<void>;
}

export function groupKey(ref: GroupRef): string {
  return `group#${ref.accountId}#${ref.region}#${ref.groupId}`;
}

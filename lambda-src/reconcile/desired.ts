// What a guarded group may hold, and which of its observed rules the drift guard owns. Pure.
//   desired(group) = baseline (approved rules)  ∪  feed rules (owned by the feed sync, see below)
// A rule marked with a feed's description on a group Terraform named as that feed's target is the
// feed sync's to keep exact; every other rule is judged against the baseline.
import type { ObservedGroup, SecurityGroupRule } from '../core/model.js';
import { type RuleContent, ruleKey } from '../core/rule-key.js';
import type { BaselineRule, GroupRecord } from '../core/state.js';
import type { Settings } from '../policy/settings.js';

const FEEDS = ['aws', 'cloudflare'] as const;

/** Feeds whose rules this group carries by Terraform's say-so (IDs only: tags are not authority). */
export function feedsTargeting(groupId: string, settings: Settings): string[] {
  const ids = settings.feeds.targets.securityGroups.groupIds;
  return FEEDS.filter((f) => settings.feeds[f].enabled && ids[f].includes(groupId));
}

export function isFeedRule(rule: Pick<SecurityGroupRule, 'description' | 'direction'>, feeds: readonly string[]): boolean {
  return rule.direction === 'ingress' && feeds.some((f) => rule.description === `sg-guardian:${f}`);
}

/** The observed rules the drift guard judges (feed rules and, with guardEgress off, egress excluded). */
export function guardedRules(group: ObservedGroup, settings: Settings): SecurityGroupRule[] {
  const feeds = feedsTargeting(group.groupId, settings);
  return group.rules.filter((r) => !isFeedRule(r, feeds) && (settings.drift.guardEgress || r.direction === 'ingress'));
}

/** A baseline from what the group holds now (enrolment, or an operator accepting the current state). */
export function baselineOf(group: ObservedGroup, settings: Settings): BaselineRule[] {
  return guardedRules(group, settings).map(({ groupId: _g, ...rule }) => rule);
}

export function keysOf(rules: readonly RuleContent[]): Set<string> {
  return new Set(rules.map(ruleKey));
}

export function newRecord(group: ObservedGroup, ref: { accountId: string; region: string }, baseline: BaselineRule[], by: string, now: Date): GroupRecord {
  const at = now.toISOString();
  return { accountId: ref.accountId, region: ref.region, groupId: group.groupId, version: 0, baseline, enrolledAt: at, updatedBy: by, updatedAt: at, unexplained: {} };
}

/** The next version of a record with a new baseline (version is bumped by the store write). */
export function withBaseline(record: GroupRecord, baseline: BaselineRule[], by: string, now: Date): GroupRecord {
  return { ...record, baseline: sortBaseline(baseline), updatedBy: by, updatedAt: now.toISOString() };
}

export function sortBaseline(baseline: BaselineRule[]): BaselineRule[] {
  return [...baseline].sort((a, b) => (ruleKey(a) < ruleKey(b) ? -1 : ruleKey(a) > ruleKey(b) ? 1 : 0));
}

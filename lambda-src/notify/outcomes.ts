// After execution: a notification must not claim success for what failed. Pure.
import type { Action } from '../core/model.js';

type Notify = Extract<Action, { type: 'notify' }>;

export interface ActionResult {
  action: Action;
  status: 'done' | 'already' | 'failed' | 'skipped';
  detail?: string;
}

/** Raises severity to high and lists failures when any mutation of this run failed. */
export function withOutcomes(n: Notify, results: ActionResult[]): Notify {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return n;
  const lines = failed.map((r) => `- ${describe(r.action)}: ${r.detail ?? 'failed'}`);
  const subject = n.subject.startsWith('FAILED') ? n.subject : `FAILED (partly): ${n.subject}`;
  return {
    ...n,
    subject: subject.length > 100 ? subject.slice(0, 99) + '…' : subject,
    severity: 'high',
    message: `${n.message}\n\n${failed.length} action(s) FAILED and need a human:\n${lines.join('\n')}`,
    attributes: { ...n.attributes, severity: 'high', outcome: 'partial-failure' },
  };
}

/** Dry run: the planned changes were not made, so the notification must not read as if they were. */
export function asRehearsal(n: Notify, skipped: number): Notify {
  const subject = `DRY RUN (nothing changed): ${n.subject}`;
  return {
    ...n,
    subject: subject.length > 100 ? subject.slice(0, 99) + '…' : subject,
    message: `DRY RUN: ${skipped} planned change(s) were NOT made; this is what sg-guardian would have done.\n\n${n.message}`,
    attributes: { ...n.attributes, dry_run: 'true' },
  };
}

export function describe(a: Action): string {
  switch (a.type) {
    case 'revoke-ingress':
    case 'revoke-egress':
    case 'authorize-ingress':
    case 'authorize-egress':
      return `${a.type} on ${a.groupId}${a.ruleIds?.length ? ` (rules ${a.ruleIds.join(', ')})` : ''}`;
    case 'modify-prefix-list':
      return `modify ${a.prefixListId} (+${a.add.length} -${a.remove.length})`;
    case 'modify-rules':
      return `modify ${a.rules.map((r) => r.ruleId).join(', ')} on ${a.groupId}`;
    case 'record-feed':
      return `record the applied ${a.feed} feed (${a.syncToken ?? a.hash}) in the state table`;
    case 'remediate-group':
      return `remediate ${a.groupId}`;
    case 'resolve-findings':
      return `resolve the open ${a.checks.join('/')} findings of ${a.groupIds.length} group(s) in Security Hub`;
    case 'notify':
      return `notify "${a.subject}"`;
    case 'ignore':
      return `ignore: ${a.reason}`;
  }
}

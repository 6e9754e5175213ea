// The imperative shell's last step: run the planned actions in order, mutations first, then the
// notifications (amended with the outcomes). The caller runs one capability's actions per call;
// `dryRun` (that capability's switch) skips every mutation, whatever the plan says, and a
// notification that would claim them says it was a rehearsal.
import type { Action } from '../core/model.js';
import { type Ec2, type Ec2Action, runEc2Action } from '../aws/ec2.js';
import { type Sns, publish } from '../aws/sns.js';
import { type ActionResult, asRehearsal, withOutcomes } from '../notify/outcomes.js';
import { type ReplacementFailure, markReplacementFailures } from '../notify/remediation.js';

export interface ExecuteDeps {
  ec2: Ec2;
  sns: Sns;
  topicArn?: string;
  /** This capability is in dry run (settings.dryRun.drift / worldOpen / feeds). */
  dryRun: boolean;
  /** The event ledger already tells a replay from a retry: notify even when every action was already done. */
  ledgered?: boolean;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

const MUTATIONS = new Set<Action['type']>(['revoke-ingress', 'revoke-egress', 'authorize-ingress', 'authorize-egress', 'modify-prefix-list', 'modify-rules', 'tag-resource']);

export async function execute(actions: Action[], deps: ExecuteDeps): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    if (!MUTATIONS.has(action.type)) continue;
    if (deps.dryRun) {
      results.push({ action, status: 'skipped', detail: 'dry run' });
      continue;
    }
    if (action.type === 'tag-resource' && results.some((r) => r.status === 'failed')) {
      // The tag records an applied feed; after a failure the next run must not take it as applied.
      results.push({ action, status: 'skipped', detail: 'not recorded: an earlier action failed' });
      continue;
    }
    const outcome = await runEc2Action(deps.ec2, action as Ec2Action);
    deps.log(`${action.type}: ${outcome.status}`, { action, outcome: outcome.status, detail: outcome.detail });
    results.push(outcome);
  }
  for (const action of actions) {
    if (action.type === 'ignore' || action.type === 'remediate-group') {
      results.push({ action, status: 'skipped', detail: action.reason });
      continue;
    }
    if (action.type !== 'notify') continue;
    const mutations = results.filter((r) => MUTATIONS.has(r.action.type));
    if (!deps.ledgered && mutations.length > 0 && mutations.every((r) => r.status === 'already')) {
      // A replayed event: everything was already undone, so there is nothing new to tell.
      results.push({ action, status: 'skipped', detail: 'nothing changed: every action was already done (replayed event)' });
      continue;
    }
    const rehearsed = results.filter((r) => r.status === 'skipped' && r.detail === 'dry run');
    const outcome = withOutcomes(markReplacementFailures(action, replacementFailures(results)), results);
    const n = rehearsed.length ? asRehearsal(outcome, rehearsed.length) : outcome;
    if (!deps.topicArn) {
      deps.log('notification (no topic configured)', { subject: n.subject, attributes: n.attributes });
      results.push({ action: n, status: 'skipped', detail: 'no topic configured' });
      continue;
    }
    try {
      const id = await publish(deps.sns, deps.topicArn, n);
      results.push({ action: n, status: 'done', detail: `published ${id ?? ''}`.trim() });
    } catch (err) {
      // A lost notification must be visible: the run fails (and the event goes to the DLQ) after the fix is in.
      results.push({ action: n, status: 'failed', detail: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

/** Authorizes that failed (a world-open fix still revokes; its notification must say who lost access). */
function replacementFailures(results: ActionResult[]): ReplacementFailure[] {
  return results.flatMap((r) =>
    r.status === 'failed' && r.action.type === 'authorize-ingress'
      ? [{ groupId: r.action.groupId, permissions: r.action.permissions ?? [], error: r.detail ?? 'failed' }]
      : [],
  );
}

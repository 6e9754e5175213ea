// The imperative shell's last step: run the planned actions in order, mutations first, then the
// notifications (amended with the outcomes). The caller runs one capability's actions per call;
// `dryRun` (that capability's switch) skips every mutation, whatever the plan says, and a
// notification that would claim them says it was a rehearsal. With Security Hub on, each
// notification's finding is imported before it is published: an import is idempotent (same ID), a
// publish is not, so a retry after either failure repeats the import harmlessly.
import type { Action } from '../core/model.js';
import { StateConflictError, type StateStore } from '../core/state.js';
import { compareSyncTokens } from '../feeds/feed-set.js';
import { type Ec2, type Ec2Action, runEc2Action } from '../aws/ec2.js';
import { type Sns, publish } from '../aws/sns.js';
import { type SecurityHub, importFindings, openFindings } from '../aws/securityhub.js';
import { findingIdsToResolve, findingOf, resolvedFinding } from '../notify/finding.js';
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
  /** Where record-feed writes the applied feed (without it, record-feed is skipped). */
  state?: StateStore;
  now?: () => Date;
  /** Security Hub findings, when enabled (settings.securityHub). */
  findings?: { hub: SecurityHub; productArn: string };
  log: (message: string, extra?: Record<string, unknown>) => void;
}

const MUTATIONS = new Set<Action['type']>(['revoke-ingress', 'revoke-egress', 'authorize-ingress', 'authorize-egress', 'modify-prefix-list', 'modify-rules', 'record-feed']);

export async function execute(actions: Action[], deps: ExecuteDeps): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    if (!MUTATIONS.has(action.type)) continue;
    if (deps.dryRun) {
      results.push({ action, status: 'skipped', detail: 'dry run' });
      continue;
    }
    if (action.type === 'record-feed') {
      // The record says what was applied; after a failure the next run must not take it as applied.
      const outcome = results.some((r) => r.status === 'failed') ? { action, status: 'skipped' as const, detail: 'not recorded: an earlier action failed' } : await recordFeed(action, deps);
      deps.log(`${action.type}: ${outcome.status}`, { action, outcome: outcome.status, detail: outcome.detail });
      results.push(outcome);
      continue;
    }
    const outcome = await runEc2Action(deps.ec2, action as Ec2Action);
    deps.log(`${action.type}: ${outcome.status}`, { action, outcome: outcome.status, detail: outcome.detail });
    results.push(outcome);
  }
  const outgoing: Extract<Action, { type: 'notify' }>[] = [];
  for (const action of actions) {
    if (action.type === 'ignore' || action.type === 'remediate-group') {
      results.push({ action, status: 'skipped', detail: action.reason });
      continue;
    }
    if (action.type === 'resolve-findings') {
      results.push(await resolveFindings(action, deps));
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
    outgoing.push(rehearsed.length ? asRehearsal(outcome, rehearsed.length) : outcome);
  }
  if (deps.findings) results.push(...(await importFor(outgoing, deps.findings, deps)));
  for (const n of outgoing) {
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

/**
 * The findings of this run's notifications, in one import. A refused or failed import fails the run
 * (retried like a failed publish); the notifications still go out, so an outage of Security Hub
 * never silences the e-mail.
 */
async function importFor(notes: Extract<Action, { type: 'notify' }>[], findings: NonNullable<ExecuteDeps['findings']>, deps: ExecuteDeps): Promise<ActionResult[]> {
  const now = (deps.now ?? (() => new Date()))();
  const pairs = notes.flatMap((n) => {
    const f = findingOf(n, { productArn: findings.productArn, now });
    return f ? [{ n, f }] : [];
  });
  if (pairs.length === 0) return [];
  try {
    await importFindings(findings.hub, pairs.map((p) => p.f));
    deps.log(`security hub: ${pairs.length} finding(s) imported`, { ids: pairs.map((p) => p.f.Id) });
    return [];
  } catch (err) {
    const detail = `Security Hub import failed: ${err instanceof Error ? err.message : String(err)}`;
    return pairs.map((p) => ({ action: p.n, status: 'failed' as const, detail }));
  }
}

/** Open findings of groups a sweep saw at their desired state: resolved (read first, so only real ones are touched). */
async function resolveFindings(action: Extract<Action, { type: 'resolve-findings' }>, deps: ExecuteDeps): Promise<ActionResult> {
  if (!deps.findings) return { action, status: 'skipped', detail: 'Security Hub findings are off' };
  try {
    const open = await openFindings(deps.findings.hub, deps.findings.productArn, findingIdsToResolve(action, deps.findings.productArn));
    if (open.length === 0) return { action, status: 'already', detail: 'no open finding for these groups' };
    const now = (deps.now ?? (() => new Date()))();
    await importFindings(deps.findings.hub, open.map((f) => resolvedFinding(f, now)));
    deps.log(`security hub: ${open.length} finding(s) resolved`, { ids: open.map((f) => f.Id) });
    return { action, status: 'done', detail: `resolved ${open.map((f) => f.Id).join(', ')}` };
  } catch (err) {
    return { action, status: 'failed', detail: `Security Hub: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Authorizes that failed (a world-open fix still revokes; its notification must say who lost access). */
function replacementFailures(results: ActionResult[]): ReplacementFailure[] {
  return results.flatMap((r) =>
    r.status === 'failed' && r.action.type === 'authorize-ingress'
      ? [{ groupId: r.action.groupId, permissions: r.action.permissions ?? [], error: r.detail ?? 'failed' }]
      : [],
  );
}

/**
 * Writes the applied feed, conditional on the version the plan read. Lost to a concurrent run: the
 * stored record stands when it is as new (or newer); otherwise ours is written over its version.
 */
async function recordFeed(action: Extract<Action, { type: 'record-feed' }>, deps: ExecuteDeps): Promise<ActionResult> {
  if (!deps.state) return { action, status: 'skipped', detail: 'no state store' };
  const record = {
    feed: action.feed,
    hash: action.hash,
    ipv4Count: action.ipv4Count,
    ipv6Count: action.ipv6Count,
    appliedAt: (deps.now ?? (() => new Date()))().toISOString(),
    ...(action.syncToken === undefined ? {} : { syncToken: action.syncToken }),
  };
  try {
    try {
      await deps.state.putFeed({ ...record, version: (action.expectedVersion ?? 0) + 1 }, action.expectedVersion);
      return { action, status: 'done' };
    } catch (err) {
      if (!(err instanceof StateConflictError)) throw err;
      const now = await deps.state.getFeed(action.feed);
      if (now && now.syncToken === action.syncToken && now.hash === action.hash) return { action, status: 'already', detail: 'another run recorded it' };
      if (now && compareSyncTokens(now.syncToken, action.syncToken) === 1) return { action, status: 'already', detail: `a newer feed (${now.syncToken}) was recorded meanwhile` };
      await deps.state.putFeed({ ...record, version: (now?.version ?? 0) + 1 }, now?.version);
      return { action, status: 'done' };
    }
  } catch (err) {
    return { action, status: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}

// One event, end to end: decode (edge) -> provenance -> gather observed and desired state -> plan
// (pure) -> execute -> result. Each capability's shell (./drift.ts, ./feeds.ts, ./world-open.ts,
// ./sweep.ts) reads what its planner needs.
import type { Action } from '../core/model.js';
import type { StateStore } from '../core/state.js';
import { decodeEvent } from '../events/decode.js';
import type { CloudTrailEvent, GuardEvent } from '../events/guard-event.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import { isOwnRole } from '../policy/principals.js';
import type { Capability, Settings } from '../policy/settings.js';
import type { Ec2 } from '../aws/ec2.js';
import type { Fetcher } from '../aws/http.js';
import type { Sns } from '../aws/sns.js';
import type { SecurityHub } from '../aws/securityhub.js';
import type { ActionResult } from '../notify/outcomes.js';
import type { FeedName } from '../feeds/feed-set.js';
import { execute } from './execute.js';
import { EventBusyError, ledgerId, planDriftEvent } from './drift.js';
import { type FeedDeps, type FeedReads, feedReads, planFeedSync } from './feeds.js';
import { planDriftSweep } from './sweep.js';
import { planWorldOpenEvent, planWorldOpenSweep } from './world-open.js';

export interface RunDeps {
  ec2: Ec2;
  sns: Sns;
  fetch: Fetcher;
  state: StateStore;
  /** The account and region this function guards: events from elsewhere are not its to act on. */
  home?: { accountId?: string; region?: string };
  now?: () => Date;
  /** Where findings go when settings.securityHub is enabled. */
  securityHub?: SecurityHub;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

export interface RunResult {
  kind: GuardEvent['kind'];
  actions: Action[];
  results: ActionResult[];
  /** The enabled feeds this event synced (for the feed-in-sync metric). */
  feeds: FeedName[];
}

export async function runEvent(raw: unknown, settings: Settings, deps: RunDeps): Promise<RunResult> {
  const event = decodeEvent(raw);
  const now = deps.now ?? (() => new Date());
  const foreign = event.kind === 'cloudtrail' ? provenanceProblem(event, deps.home) : undefined;
  if (foreign) return { kind: event.kind, actions: [{ type: 'ignore', reason: foreign }], results: [{ action: { type: 'ignore', reason: foreign }, status: 'skipped', detail: foreign }], feeds: [] };
  if (event.kind === 'cloudtrail' && needsLedger(event, settings)) return runLedgered(event, settings, { ...deps, now });

  // Each capability's actions run as one batch, in or out of dry run by its own switch (settings.dryRun).
  const batches = await plan(event, settings, { ...deps, now });
  const results: ActionResult[] = [];
  for (const batch of batches) {
    const dryRun = batch.capability !== undefined && settings.dryRun[batch.capability];
    results.push(...(await execute(batch.actions, { ec2: deps.ec2, sns: deps.sns, topicArn: settings.notifications.topicArn, dryRun, state: deps.state, now, ...findingsOf(settings, deps), log: deps.log })));
  }
  return { kind: event.kind, actions: batches.flatMap((b) => b.actions), results, feeds: feedsSynced(event, settings) };
}

/** Which enabled feeds an event syncs: the notice the AWS feed, the schedule and sync-feeds invocations theirs. */
export function feedsSynced(event: GuardEvent, settings: Settings): FeedName[] {
  const enabled = (['aws', 'cloudflare'] as const).filter((f) => settings.feeds[f].enabled);
  switch (event.kind) {
    case 'ip-space-changed':
      return enabled.filter((f) => f === 'aws');
    case 'schedule':
      return scheduledFeeds(settings);
    case 'invoke':
      return event.action === 'sweep' ? [] : enabled.filter((f) => !event.feed || f === event.feed);
    default:
      return [];
  }
}

/** The actions of one capability (undefined: nothing to mutate, e.g. "nothing is enabled"). */
interface Batch {
  capability: Capability | undefined;
  actions: Action[];
}

/** A guarded rule change: acted on and notified once per event ID, however often it is delivered. */
async function runLedgered(event: CloudTrailEvent, settings: Settings, deps: RunDeps & { now: () => Date }): Promise<RunResult> {
  const id = ledgerId(event);
  const claim = await deps.state.claimEvent(id, deps.now(), settings.state.lockSeconds);
  if (claim.status === 'done') {
    const reason = `${event.eventName} ${event.eventId}: already handled at ${claim.completedAt} (a replayed delivery): nothing to do, nothing to send`;
    return { kind: event.kind, actions: [{ type: 'ignore', reason }], results: [{ action: { type: 'ignore', reason }, status: 'skipped', detail: reason }], feeds: [] };
  }
  if (claim.status === 'busy') throw new EventBusyError(id);
  let results: ActionResult[];
  let actions: Action[];
  try {
    actions = await planDriftEvent(event, settings, { ec2: deps.ec2, state: deps.state, now: deps.now });
    results = await execute(actions, { ec2: deps.ec2, sns: deps.sns, topicArn: settings.notifications.topicArn, dryRun: settings.dryRun.drift, ledgered: true, now: deps.now, ...findingsOf(settings, deps), log: deps.log });
  } catch (err) {
    await deps.state.releaseEvent(id);
    throw err;
  }
  // A failure (a mutation, or the publish) releases the claim: the retry reconciles and notifies.
  if (results.some((r) => r.status === 'failed')) await deps.state.releaseEvent(id);
  else await deps.state.completeEvent(id, deps.now(), settings.state.ledgerTtlSeconds);
  return { kind: event.kind, actions, results, feeds: [] };
}

/** Security Hub, when enabled and wired: every notification's finding is imported with it. */
function findingsOf(settings: Settings, deps: RunDeps): { findings?: { hub: SecurityHub; productArn: string } } {
  const sh = settings.securityHub;
  return sh.enabled && sh.productArn && deps.securityHub ? { findings: { hub: deps.securityHub, productArn: sh.productArn } } : {};
}

function needsLedger(event: CloudTrailEvent, settings: Settings): boolean {
  return settings.drift.enabled && !event.failed && SECURITY_GROUP_RULE_CALLS[event.eventName] !== undefined && !isOwnRole(event.actor, settings.selfRoleArn);
}

/** Cheap provenance: a CloudTrail record of another account or region did not come through this account's bus. */
function provenanceProblem(event: CloudTrailEvent, home: RunDeps['home']): string | undefined {
  if (home?.accountId && event.accountId !== home.accountId) return `${event.eventName} ${event.eventId}: recorded in account ${event.accountId}, but this function guards ${home.accountId}: not acted on (forged or misrouted)`;
  if (home?.region && event.region && event.region !== home.region) return `${event.eventName} ${event.eventId}: recorded in ${event.region}, but this function guards ${home.region}: not acted on (forged or misrouted)`;
  return undefined;
}

async function plan(event: GuardEvent, settings: Settings, deps: RunDeps & { now: () => Date }): Promise<Batch[]> {
  switch (event.kind) {
    case 'cloudtrail':
      return [{ capability: 'drift', actions: await planDriftEvent(event, settings, { ec2: deps.ec2, state: deps.state, now: deps.now }) }];
    case 'ip-space-changed':
      return [{ capability: 'feeds', actions: await planFeedSync('aws', settings, feedDeps(deps, feedReads(deps.ec2)), event) }];
    case 'config-remediation':
    case 'config-compliance':
    case 'config-item':
      return [{ capability: 'worldOpen', actions: await planWorldOpenEvent(event, settings, deps) }];
    case 'schedule':
      return planPeriodic(settings, deps, scheduledFeeds(settings), true);
    case 'invoke':
      return event.action === 'sweep'
        ? planPeriodic(settings, deps, [], true)
        : planPeriodic(settings, deps, event.feed ? [event.feed] : (['aws', 'cloudflare'] as const).filter((f) => settings.feeds[f].enabled), false);
  }
}

function feedDeps(deps: RunDeps, reads: FeedReads): FeedDeps {
  return { fetch: deps.fetch, reads, state: deps.state, ...(deps.home ? { home: deps.home } : {}) };
}

/** The schedule syncs Cloudflare, re-checks the AWS feed (a missed notice), and sweeps. */
function scheduledFeeds(settings: Settings): FeedName[] {
  const feeds: FeedName[] = [];
  if (settings.feeds.cloudflare.enabled) feeds.push('cloudflare');
  if (settings.feeds.aws.enabled && settings.feeds.aws.syncOnSchedule) feeds.push('aws');
  return feeds;
}

async function planPeriodic(settings: Settings, deps: RunDeps & { now: () => Date }, feeds: readonly FeedName[], sweep: boolean): Promise<Batch[]> {
  const batches: Batch[] = [];
  const reads = feedReads(deps.ec2);
  const feedActions: Action[] = [];
  for (const feed of feeds) feedActions.push(...(await planFeedSync(feed, settings, feedDeps(deps, reads))));
  if (feedActions.length) batches.push({ capability: 'feeds', actions: feedActions });
  // The drift sweep first: world-open then sees each guarded group's baseline as just reconciled.
  if (sweep && settings.drift.enabled) batches.push({ capability: 'drift', actions: await planDriftSweep(settings, deps) });
  if (sweep && settings.worldOpen.sweep) batches.push({ capability: 'worldOpen', actions: await planWorldOpenSweep(settings, deps) });
  if (batches.length === 0) batches.push({ capability: undefined, actions: [{ type: 'ignore', reason: 'nothing periodic is enabled (no feed, no drift guard, worldOpen.sweep off)' }] });
  return batches;
}

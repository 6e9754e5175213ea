// One event, end to end: decode (edge) -> gather observed state -> plan (pure) -> execute -> result.
// Each capability's shell (./drift.ts, ./feeds.ts, ./world-open.ts) reads what its planner needs.
import type { Action } from '../core/model.js';
import { decodeEvent } from '../events/decode.js';
import type { GuardEvent } from '../events/guard-event.js';
import type { Settings } from '../policy/settings.js';
import type { Ec2 } from '../aws/ec2.js';
import type { Fetcher } from '../aws/http.js';
import type { Sns } from '../aws/sns.js';
import type { ActionResult } from '../notify/outcomes.js';
import type { FeedName } from '../feeds/feed-set.js';
import { execute } from './execute.js';
import { planDriftEvent } from './drift.js';
import { feedReads, planFeedSync } from './feeds.js';
import { planWorldOpenEvent, planWorldOpenSweep } from './world-open.js';

export interface RunDeps {
  ec2: Ec2;
  sns: Sns;
  fetch: Fetcher;
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
  const actions = await plan(event, settings, deps);
  const results = await execute(actions, {
    ec2: deps.ec2,
    sns: deps.sns,
    topicArn: settings.notifications.topicArn,
    dryRun: settings.dryRun,
    log: deps.log,
  });
  return { kind: event.kind, actions, results, feeds: feedsSynced(event, settings) };
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

async function plan(event: GuardEvent, settings: Settings, deps: RunDeps): Promise<Action[]> {
  switch (event.kind) {
    case 'cloudtrail':
      return planDriftEvent(event, settings, deps.ec2);
    case 'ip-space-changed':
      return planFeedSync('aws', settings, { fetch: deps.fetch, reads: feedReads(deps.ec2) }, event);
    case 'config-remediation':
    case 'config-compliance':
    case 'config-item':
      return planWorldOpenEvent(event, settings, deps.ec2);
    case 'schedule':
      return planPeriodic(settings, deps, scheduledFeeds(settings), settings.worldOpen.sweep);
    case 'invoke':
      return event.action === 'sweep'
        ? planPeriodic(settings, deps, [], true)
        : planPeriodic(settings, deps, event.feed ? [event.feed] : (['aws', 'cloudflare'] as const).filter((f) => settings.feeds[f].enabled), false);
  }
}

/** The schedule syncs Cloudflare, re-checks the AWS feed (a missed notice), and sweeps. */
function scheduledFeeds(settings: Settings): FeedName[] {
  const feeds: FeedName[] = [];
  if (settings.feeds.cloudflare.enabled) feeds.push('cloudflare');
  if (settings.feeds.aws.enabled && settings.feeds.aws.syncOnSchedule) feeds.push('aws');
  return feeds;
}

async function planPeriodic(settings: Settings, deps: RunDeps, feeds: readonly FeedName[], sweep: boolean): Promise<Action[]> {
  const actions: Action[] = [];
  const reads = feedReads(deps.ec2);
  for (const feed of feeds) actions.push(...(await planFeedSync(feed, settings, { fetch: deps.fetch, reads })));
  if (sweep) actions.push(...(await planWorldOpenSweep(settings, deps.ec2)));
  if (actions.length === 0) actions.push({ type: 'ignore', reason: 'nothing periodic is enabled (no feed, worldOpen.sweep off)' });
  return actions;
}

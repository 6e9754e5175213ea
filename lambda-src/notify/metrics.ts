// What the handler publishes as EMF metrics, computed from a run's plan and results. Pure.
// Namespace POWERTOOLS_METRICS_NAMESPACE (sg-guardian), dimension service = the function's name
// (POWERTOOLS_SERVICE_NAME); modules/alarms alarms on exactly these names.
import type { Action } from '../core/model.js';
import type { FeedName } from '../feeds/feed-set.js';
import type { ActionResult } from './outcomes.js';

export interface RunMetrics {
  /** Mutations done (reverted / replaced / synced); dimension kind. */
  applied: number;
  ignored: number;
  /** Actions that failed (the invocation fails too, so the event is retried, then dead-lettered). */
  failed: number;
  /** Per synced feed: 1 when its targets now hold the feed (applied or unchanged), 0 when refused or failed; dimension feed. */
  feedInSync: { feed: FeedName; value: 0 | 1 }[];
}

export function runMetrics(run: { actions: Action[]; results: ActionResult[]; feeds: readonly FeedName[] }): RunMetrics {
  const failed = run.results.filter((r) => r.status === 'failed');
  const failedMutation = failed.some((r) => r.action.type !== 'notify');
  const refused = (feed: FeedName) =>
    run.actions.some((a) => a.type === 'notify' && a.attributes.kind === 'feed' && a.attributes.feed === feed && ['rejected', 'needs-shards'].includes(a.attributes.action ?? ''));
  return {
    applied: run.results.filter((r) => r.status === 'done' && !['notify', 'record-feed', 'resolve-findings'].includes(r.action.type)).length,
    ignored: run.actions.filter((a) => a.type === 'ignore').length,
    failed: failed.length,
    // Conservative: any failed mutation of the run counts against every feed it synced.
    feedInSync: run.feeds.map((feed) => ({ feed, value: refused(feed) || failedMutation ? 0 : 1 })),
  };
}

// The EMF metrics of a run (notify/metrics.ts): what modules/alarms alarms on.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../lambda-src/core/model.js';
import { runMetrics } from '../../lambda-src/notify/metrics.js';

const notify = (attributes: Record<string, string>): Action => ({ type: 'notify', subject: 's', message: 'm', attributes, severity: 'high', reason: 'r' });
const modify: Action = { type: 'modify-prefix-list', prefixListId: 'pl-0123456789abcdef0', currentVersion: 1, add: [], remove: [], reason: 'r' };

describe('runMetrics', () => {
  it.each<[string, Action[], ('done' | 'failed')[], Record<string, number>]>([
    ['applied', [modify, notify({ kind: 'feed', feed: 'aws', action: 'applied' })], ['done', 'done'], { aws: 1 }],
    ['unchanged (only an ignore)', [{ type: 'ignore', reason: 'unchanged: ...' }], [], { aws: 1 }],
    ['rejected', [notify({ kind: 'feed', feed: 'aws', action: 'rejected' })], ['done'], { aws: 0 }],
    ['needs shards', [notify({ kind: 'feed', feed: 'aws', action: 'needs-shards' })], ['done'], { aws: 0 }],
    ['a failed mutation', [modify, notify({ kind: 'feed', feed: 'aws', action: 'applied' })], ['failed', 'done'], { aws: 0 }],
  ])('feedInSync: %s', (_what, actions, statuses, want) => {
    const results = statuses.map((status, i) => ({ action: actions[i]!, status }));
    const m = runMetrics({ actions, results, feeds: ['aws'] });
    expect(Object.fromEntries(m.feedInSync.map((f) => [f.feed, f.value]))).toEqual(want);
  });

  it('another feed rejected does not count against this one', () => {
    const m = runMetrics({ actions: [notify({ kind: 'feed', feed: 'cloudflare', action: 'rejected' })], results: [], feeds: ['aws', 'cloudflare'] });
    expect(m.feedInSync).toEqual([
      { feed: 'aws', value: 1 },
      { feed: 'cloudflare', value: 0 },
    ]);
  });

  it('counts applied, ignored and failed', () => {
    const actions: Action[] = [modify, { type: 'ignore', reason: 'x' }, notify({ kind: 'drift' })];
    const m = runMetrics({ actions, results: [{ action: modify, status: 'done' }, { action: actions[2]!, status: 'failed' }], feeds: [] });
    expect(m).toEqual({ applied: 1, ignored: 1, failed: 1, feedInSync: [] });
  });
});

// The periodic sweep over every scope: the home account and region, and with settings.organization
// every enrolled account and region, each through its own (paced) client. Scopes run
// sweepConcurrency at a time; each scope's drift and world-open batches are planned and executed in
// that scope, with progress in the logs (groups done / total, per account).
import type { Action } from '../core/model.js';
import type { Ec2 } from '../aws/ec2.js';
import type { ActionResult } from '../notify/outcomes.js';
import { type Scope, scopeKey, scopesOf } from '../policy/organization.js';
import type { Settings } from '../policy/settings.js';
import { execute } from './execute.js';
import { type Batch, type RunDeps, findingsOf } from './run.js';
import { planDriftSweep } from './sweep.js';
import { planWorldOpenSweep } from './world-open.js';
import { feedReads, planFeedSync } from './feeds.js';
import type { FeedName } from '../feeds/feed-set.js';
import type { IpSpaceChangedEvent } from '../events/guard-event.js';

type Deps = RunDeps & { now: () => Date };

export async function planPeriodicOrganization(settings: Settings, deps: Deps): Promise<Batch[]> {
  if (!settings.organization || !deps.scopes) {
    // Single account: exactly the batches of before, executed by the caller with deps.ec2.
    const batches: Batch[] = [];
    if (settings.drift.enabled) batches.push({ capability: 'drift', actions: await planDriftSweep(settings, deps) });
    if (settings.worldOpen.sweep) batches.push({ capability: 'worldOpen', actions: await planWorldOpenSweep(settings, deps) });
    return batches;
  }
  if (!settings.drift.enabled && !settings.worldOpen.sweep) return [];
  const home = { accountId: deps.home?.accountId ?? 'unknown', region: deps.home?.region ?? 'unknown' };
  const scopes = scopesOf(settings, home);
  const records = settings.drift.enabled || settings.worldOpen.sweep ? await deps.state.listGroups() : [];
  const progress = new Progress(scopes, deps.log);
  const perScope = await pool(scopes, settings.organization.sweepConcurrency, (scope) => sweepScope(scope, settings, deps, records, progress));
  deps.log(`organization sweep: ${scopes.length} account-region scope(s) swept`, { summary: progress.summary() });
  return perScope.flat();
}

async function sweepScope(scope: Scope, settings: Settings, deps: Deps, records: Awaited<ReturnType<Deps['state']['listGroups']>>, progress: Progress): Promise<Batch[]> {
  const isHome = scope.accountId === (deps.home?.accountId ?? 'unknown') && scope.region === (deps.home?.region ?? 'unknown');
  const ec2: Ec2 = isHome ? deps.ec2 : deps.scopes!.ec2(scope);
  const scoped = { ...deps, ec2, home: { accountId: scope.accountId, region: scope.region }, records };
  const run = async (capability: 'drift' | 'worldOpen', actions: Action[]): Promise<Batch> => {
    const groups = new Set(actions.flatMap((a) => ('groupId' in a && a.type !== 'remediate-group' ? [a.groupId] : [])));
    const done = new Set<string>();
    const results: ActionResult[] = await execute(actions, {
      ec2,
      sns: deps.sns,
      topicArn: settings.notifications.topicArn,
      dryRun: settings.dryRun[capability],
      state: deps.state,
      now: deps.now,
      ...findingsOf(settings, deps),
      log: deps.log,
      onMutation: (a) => {
        if (!('groupId' in a) || done.has(a.groupId)) return;
        done.add(a.groupId);
        progress.reconciled(scope, done.size, groups.size);
      },
    });
    return { capability, actions, results };
  };
  const batches: Batch[] = [];
  try {
    if (settings.drift.enabled) {
      const actions = await planDriftSweep(settings, { ...scoped, onGroups: (n) => progress.planned(scope, n) });
      batches.push(await run('drift', actions));
    }
    if (settings.worldOpen.sweep) batches.push(await run('worldOpen', await planWorldOpenSweep(settings, scoped)));
  } catch (err) {
    // One account's failure (a role not deployed yet, a region opted out) must not stop the others.
    const detail = `sweep of ${scope.accountId} / ${scope.region} failed: ${err instanceof Error ? err.message : String(err)}`;
    deps.log(detail);
    const action: Action = { type: 'ignore', reason: detail };
    batches.push({ capability: undefined, actions: [action], results: [{ action, status: 'failed', detail }] });
  }
  progress.scopeDone(scope);
  return batches;
}

/** Groups and regions done per account, logged as each scope finishes (and every tenth of a scope's reconciled groups). */
class Progress {
  private readonly accounts = new Map<string, { regions: number; regionsDone: number; groups: number; groupsDone: number }>();
  private readonly scopeGroups = new Map<string, number>();
  private readonly reconciledAt = new Map<string, number>();

  constructor(
    scopes: Scope[],
    private readonly log: Deps['log'],
  ) {
    for (const s of scopes) {
      const a = this.accounts.get(s.accountId) ?? { regions: 0, regionsDone: 0, groups: 0, groupsDone: 0 };
      a.regions++;
      this.accounts.set(s.accountId, a);
    }
  }

  planned(scope: Scope, groups: number): void {
    this.accounts.get(scope.accountId)!.groups += groups;
    this.scopeGroups.set(scopeKey(scope), groups);
  }

  reconciled(scope: Scope, done: number, total: number): void {
    const key = scopeKey(scope);
    const step = Math.max(1, Math.ceil(total / 10));
    if (done !== total && done - (this.reconciledAt.get(key) ?? 0) < step) return;
    this.reconciledAt.set(key, done);
    this.log(`sweep progress: ${scope.accountId} / ${scope.region}: ${done}/${total} group(s) with differences reconciled`);
  }

  scopeDone(scope: Scope): void {
    const a = this.accounts.get(scope.accountId)!;
    a.regionsDone++;
    a.groupsDone += this.scopeGroups.get(scopeKey(scope)) ?? 0;
    const total = a.regionsDone === a.regions ? `${a.groups}` : `${a.groups}+`;
    this.log(`sweep progress: account ${scope.accountId}: ${a.groupsDone}/${total} group(s) swept, ${a.regionsDone}/${a.regions} region(s) (${scope.region} done)`, {
      account: scope.accountId,
      region: scope.region,
      groupsDone: a.groupsDone,
      groups: a.groups,
      regionsDone: a.regionsDone,
      regions: a.regions,
    });
  }

  summary(): Record<string, { regions: number; groups: number }> {
    return Object.fromEntries([...this.accounts].map(([id, a]) => [id, { regions: a.regions, groups: a.groups }]));
  }
}

/** Runs `work` over `items`, at most `limit` at once; results in the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Feeds in security-group mode in member accounts: groups there enrol by tag (group IDs and prefix
 * lists in the settings are the hub's own), planned and executed through each scope's client
 * before the hub's batch, whose record-feed (last) then says the feed is applied everywhere.
 * Prefix lists are written only in the hub (shared by RAM: one write per list).
 */
export async function planMemberFeeds(feeds: readonly FeedName[], settings: Settings, deps: Deps, notice?: IpSpaceChangedEvent): Promise<Batch[]> {
  const org = settings.organization;
  if (!org || !deps.scopes || feeds.length === 0 || !settings.feeds.targets.securityGroups.tagEnrolment) return [];
  const home = { accountId: deps.home?.accountId ?? 'unknown', region: deps.home?.region ?? 'unknown' };
  const members = scopesOf(settings, home).slice(1);
  const t = settings.feeds.targets;
  const memberSettings: Settings = {
    ...settings,
    feeds: { ...settings.feeds, targets: { ...t, prefixLists: { aws: {}, cloudflare: {} }, securityGroups: { ...t.securityGroups, groupIds: { aws: [], cloudflare: [] } } } },
  };
  const perScope = await pool(members, org.sweepConcurrency, async (scope): Promise<Batch> => {
    const ec2 = deps.scopes!.ec2(scope);
    const reads = feedReads(ec2);
    const actions: Action[] = [];
    try {
      for (const feed of feeds) {
        const planned = await planFeedSync(feed, memberSettings, { fetch: deps.fetch, reads, state: deps.state, home: scope }, feed === 'aws' ? notice : undefined);
        actions.push(...planned.filter((a) => a.type !== 'record-feed').map((a) => (a.type === 'notify' ? { ...a, message: `${a.message}\n\nAccount:    ${scope.accountId} / ${scope.region}` } : a)));
      }
    } catch (err) {
      const detail = `feed sync in ${scope.accountId} / ${scope.region} failed: ${err instanceof Error ? err.message : String(err)}`;
      const action: Action = { type: 'ignore', reason: detail };
      return { capability: undefined, actions: [action], results: [{ action, status: 'failed', detail }] };
    }
    const results = await execute(actions, { ec2, sns: deps.sns, topicArn: settings.notifications.topicArn, dryRun: settings.dryRun.feeds, state: deps.state, now: deps.now, ...findingsOf(settings, deps), log: deps.log });
    return { capability: 'feeds', actions, results };
  });
  return perScope;
}

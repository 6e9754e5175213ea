// `sg-guardian status [--json] [--config f]`: a read-only report with the operator's credentials.
// Reads only: DescribeSecurityGroups/Rules per scope, the state table (Scan, GetItem) and the feeds
// (HTTP GET). A scope is one account and region with its EC2 reads; today the operator's own, and
// the organization's targets (accounts x regions, assumed roles) plug in as more scopes.
import { type Ec2, createEc2, describeGroups, readRules } from '../aws/ec2.js';
import { type Fetcher, fetchBytes } from '../aws/http.js';
import { callerIdentity } from '../aws/identity.js';
import { createStateStore } from '../aws/state.js';
import { DecodeError } from '../core/model.js';
import type { StateStore } from '../core/state.js';
import type { Settings } from '../policy/settings.js';
import { loadFeed } from '../runtime/feeds.js';
import type { Io } from './main.js';
import { type FeedReadsForStatus, type StatusReport, buildReport, feedStatus, groupsToRead, scopeStatus } from './status-report.js';
import { renderStatus } from './status-render.js';

export interface StatusScope {
  accountId: string;
  region: string;
  ec2: Ec2;
}

export interface StatusDeps {
  scopes: StatusScope[];
  state: StateStore;
  fetch: Fetcher;
  now: () => Date;
  /** Report progress on stderr when a scope has at least this many groups to read. */
  progressFrom?: number;
}

const RULES_BATCH = 200;

/** The report (no output): every read it needs, then the pure model. */
export async function statusReport(settings: Settings, deps: StatusDeps, progress: (line: string) => void): Promise<StatusReport> {
  const now = deps.now();
  const records = await deps.state.listGroups();
  const scopes = [];
  for (const scope of deps.scopes) {
    const mine = records.filter((r) => r.accountId === scope.accountId && r.region === scope.region);
    const all = await describeGroups(scope.ec2, {}, { rules: false });
    const wanted = groupsToRead(all, mine, settings);
    const many = wanted.length >= (deps.progressFrom ?? 100);
    if (many) progress(`status: ${scope.accountId} / ${scope.region}: reading the rules of ${wanted.length} group(s)`);
    for (let i = 0; i < wanted.length; i += RULES_BATCH) {
      await readRules(scope.ec2, wanted.slice(i, i + RULES_BATCH));
      if (many) progress(`status: ${scope.accountId} / ${scope.region}: ${Math.min(i + RULES_BATCH, wanted.length)}/${wanted.length} group(s) read`);
    }
    scopes.push(scopeStatus({ accountId: scope.accountId, region: scope.region, groups: wanted, records: mine }, settings, now));
  }
  const feeds = [];
  for (const feed of (['aws', 'cloudflare'] as const).filter((f) => settings.feeds[f].enabled)) {
    const reads: FeedReadsForStatus = { feed, record: await deps.state.getFeed(feed) };
    try {
      const loaded = await loadFeed(feed, settings, deps.fetch);
      if ('set' in loaded) reads.published = { ...(loaded.set.syncToken ? { syncToken: loaded.set.syncToken } : {}), hash: loaded.set.hash };
    } catch (err) {
      reads.error = err instanceof Error ? err.message : String(err);
    }
    feeds.push(feedStatus(reads, settings));
  }
  return buildReport(scopes, feeds, now);
}

/** The command: exit 0 in desired state, 1 out of it; a settings problem is a DecodeError (exit 2). */
export async function statusCommand(settings: Settings, json: boolean, io: Io, deps?: StatusDeps): Promise<number> {
  const table = settings.state.tableName;
  if (!table) throw new DecodeError("names no table: pass the module's `settings` output with --config", 'state.tableName');
  const resolved = deps ?? (await operatorDeps(table));
  const report = await statusReport(settings, resolved, (line) => io.stderr(`${line}\n`));
  io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report));
  return report.inDesiredState ? 0 : 1;
}

/** The operator's own account and region (the SDK's default chain), one scope. */
async function operatorDeps(table: string): Promise<StatusDeps> {
  const identity = await callerIdentity();
  return { scopes: [{ accountId: identity.accountId, region: identity.region, ec2: createEc2() }], state: createStateStore(table), fetch: fetchBytes, now: () => new Date() };
}

// `sg-guardian status [--json] [--config f] [--role-name r]`: a read-only report with the operator's
// credentials. Reads only: DescribeSecurityGroups/Rules per scope, the state table (Scan, GetItem)
// and the feeds (HTTP GET). A scope is one account and region: the operator's own, and with an
// organization every enrolled account x region, read through the role --role-name names in each
// member account (the function's member role trusts only the function; an operator brings a
// read-only role of their own). A scope that cannot be read is reported as such, never as clean.
import { CredentialCache, stsAssumeRole } from '../aws/credentials.js';
import { type Ec2, createEc2In, describeGroups, readRules } from '../aws/ec2.js';
import { type Fetcher, fetchBytes } from '../aws/http.js';
import { callerIdentity } from '../aws/identity.js';
import { createStateStore } from '../aws/state.js';
import { DecodeError } from '../core/model.js';
import type { StateStore } from '../core/state.js';
import { memberRoleArn, partitionOf, scopesOf } from '../policy/organization.js';
import type { Settings } from '../policy/settings.js';
import { loadFeed } from '../runtime/feeds.js';
import type { Io } from './main.js';
import { type FeedReadsForStatus, type ScopeStatus, type StatusReport, buildReport, feedStatus, groupsToRead, scopeStatus, unreadScope } from './status-report.js';
import { renderStatus } from './status-render.js';

export interface StatusScope {
  accountId: string;
  region: string;
  /** Absent: not readable (`unread` says why). */
  ec2?: Ec2;
  /** Read through another account's role: a failure there marks the scope unread, the rest goes on. */
  member?: boolean;
  unread?: string;
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
    if (!scope.ec2) {
      scopes.push(unreadScope(scope.accountId, scope.region, scope.unread ?? 'no client'));
      continue;
    }
    try {
      scopes.push(await readScope(scope as StatusScope & { ec2: Ec2 }, records, settings, deps, now, progress));
    } catch (err) {
      if (!scope.member) throw err;
      scopes.push(unreadScope(scope.accountId, scope.region, `read failed: ${err instanceof Error ? err.message : String(err)}`));
    }
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

async function readScope(
  scope: StatusScope & { ec2: Ec2 },
  records: Awaited<ReturnType<StateStore['listGroups']>>,
  settings: Settings,
  deps: StatusDeps,
  now: Date,
  progress: (line: string) => void,
): Promise<ScopeStatus> {
  const mine = records.filter((r) => r.accountId === scope.accountId && r.region === scope.region);
  const all = await describeGroups(scope.ec2, {}, { rules: false });
  const wanted = groupsToRead(all, mine, settings);
  const many = wanted.length >= (deps.progressFrom ?? 100);
  if (many) progress(`status: ${scope.accountId} / ${scope.region}: reading the rules of ${wanted.length} group(s)`);
  for (let i = 0; i < wanted.length; i += RULES_BATCH) {
    await readRules(scope.ec2, wanted.slice(i, i + RULES_BATCH));
    if (many) progress(`status: ${scope.accountId} / ${scope.region}: ${Math.min(i + RULES_BATCH, wanted.length)}/${wanted.length} group(s) read`);
  }
  return scopeStatus({ accountId: scope.accountId, region: scope.region, groups: wanted, records: mine }, settings, now);
}

/**
 * The scopes of a deployment as an operator reads them: `home` (the operator's account and region),
 * then the organization's enrolled accounts x regions. A member account is read through
 * arn:<partition>:iam::<account>:role/<roleName>; without a role name it is listed, unread.
 */
export function statusScopes(settings: Settings, home: { accountId: string; region: string }, roleName: string | undefined, client: (region: string, roleArn?: string) => Ec2): StatusScope[] {
  const partition = partitionOf(settings.selfRoleArn);
  return scopesOf(settings, home).map((s) => {
    if (!s.member) return { accountId: s.accountId, region: s.region, ec2: client(s.region) };
    if (!roleName) return { accountId: s.accountId, region: s.region, member: true, unread: 'a member account: pass --role-name <a role you may assume there, read-only>' };
    return { accountId: s.accountId, region: s.region, member: true, ec2: client(s.region, memberRoleArn(partition, s.accountId, roleName)) };
  });
}

/** The command: exit 0 in desired state, 1 out of it; a settings problem is a DecodeError (exit 2). */
export async function statusCommand(settings: Settings, json: boolean, io: Io, deps?: StatusDeps, roleName?: string): Promise<number> {
  const resolved = deps ?? (await operatorDeps(tableOf(settings), settings, roleName));
  const report = await statusReport(settings, resolved, (line) => io.stderr(`${line}\n`));
  io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report));
  return report.inDesiredState ? 0 : 1;
}

function tableOf(settings: Settings): string {
  const table = settings.state.tableName;
  if (!table) throw new DecodeError("names no table: pass the module's `settings` output with --config", 'state.tableName');
  return table;
}

/** The operator's own account and region (the SDK's default chain), and the organization's scopes. */
async function operatorDeps(table: string, settings: Settings, roleName: string | undefined): Promise<StatusDeps> {
  const identity = await callerIdentity();
  const credentials = new CredentialCache(stsAssumeRole());
  const client = (region: string, roleArn?: string): Ec2 => createEc2In(region, roleArn ? () => credentials.get(roleArn) : undefined);
  return { scopes: statusScopes(settings, identity, roleName, client), state: createStateStore(table), fetch: fetchBytes, now: () => new Date() };
}

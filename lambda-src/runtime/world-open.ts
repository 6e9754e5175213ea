// World-open remediation's shell: describe the group fresh (Config lags by seconds to minutes), or
// every group in scope for the sweep, with the baselines of drift-guarded groups, and hand them to
// the pure planner. Where an approved world-open rule is replaced, the baseline follows.
import type { Action, ObservedGroup } from '../core/model.js';
import type { GroupRecord, StateStore } from '../core/state.js';
import { type Ec2, describeGroup, describeGroups } from '../aws/ec2.js';
import { planRemediation, planRemediationIntent, planSweep, type WorldOpenEvent } from '../plan/remediation.js';
import { baselineAfterReplacement, splitByBaseline } from '../reconcile/world-open.js';
import { withBaseline } from '../reconcile/desired.js';
import { findViolations, outOfScopeReason } from '../policy/world-open.js';
import type { Settings } from '../policy/settings.js';

export interface WorldOpenDeps {
  ec2: Ec2;
  state: StateStore;
  home?: { accountId?: string; region?: string };
  now: () => Date;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

export async function planWorldOpenEvent(event: WorldOpenEvent, settings: Settings, deps: WorldOpenDeps): Promise<Action[]> {
  const intent = planRemediationIntent(event, settings);
  const target = intent.find((a) => a.type === 'remediate-group');
  if (!target) return intent;
  const group = await describeGroup(deps.ec2, target.groupId);
  // Baselines exist only for drift-guarded groups: with the guard off there is nothing to read.
  const record = group && settings.drift.enabled ? await recordOf(deps, event.accountId, event.region, group.groupId) : undefined;
  const actions = planRemediation(event, { settings, ...(group ? { group } : {}), ...(record ? { baseline: record.baseline } : {}) });
  if (group && record) await followReplacement(group, record, settings, deps);
  return actions;
}

export async function planWorldOpenSweep(settings: Settings, deps: WorldOpenDeps): Promise<Action[]> {
  const wo = settings.worldOpen;
  if (!wo.enabled) return [{ type: 'ignore', reason: 'world-open remediation is disabled (worldOpen.enabled=false)' }];
  // Every group in scope: a server-side CIDR filter would miss the shorter-prefix thresholds (and
  // its IPv6 form is not emulated); one daily read of the account's rules is cheap.
  const groups = await describeGroups(deps.ec2, wo.scopeTag ? { Filters: [{ Name: `tag:${wo.scopeTag.key}`, Values: [wo.scopeTag.value] }] } : {});
  const enrolled = settings.drift.enabled ? await deps.state.listGroups() : [];
  const records = new Map(enrolled.filter((r) => r.accountId === deps.home?.accountId && r.region === deps.home?.region).map((r) => [r.groupId, r]));
  const actions = planSweep(groups, settings, new Map([...records].map(([id, r]) => [id, r.baseline])));
  for (const g of groups) {
    const record = records.get(g.groupId);
    if (record) await followReplacement(g, record, settings, deps);
  }
  // Security Hub: groups in scope with no world-open rule left resolve their open world-open finding.
  const clean = settings.securityHub.enabled ? groups.filter((g) => !outOfScopeReason(g, wo) && findViolations(g, wo).length === 0).map((g) => g.groupId) : [];
  if (clean.length) actions.push({ type: 'resolve-findings', checks: ['world-open'], groupIds: clean, reason: `world-open sweep: ${clean.length} group(s) without world-open ingress` });
  return actions;
}

async function recordOf(deps: WorldOpenDeps, accountId: string | undefined, region: string | undefined, groupId: string): Promise<GroupRecord | undefined> {
  const account = accountId ?? deps.home?.accountId;
  const where = region ?? deps.home?.region;
  if (!account || !where) return undefined;
  return deps.state.getGroup({ accountId: account, region: where, groupId });
}

/** The approved world-open rules are about to be replaced: the baseline holds the replacements instead. */
async function followReplacement(group: ObservedGroup, record: GroupRecord, settings: Settings, deps: WorldOpenDeps): Promise<void> {
  if (settings.dryRun.worldOpen || outOfScopeReason(group, settings.worldOpen) || settings.worldOpen.excludedGroupIds.includes(group.groupId)) return;
  const { approved } = splitByBaseline(findViolations(group, settings.worldOpen), record.baseline);
  if (approved.length === 0) return;
  const next = withBaseline(record, baselineAfterReplacement(record.baseline, approved, settings.worldOpen), 'world-open remediation', deps.now());
  await deps.state.putGroup(next, record.version).catch((err: unknown) => deps.log(`world-open: ${group.groupId}'s baseline not updated (${String(err)}); the next event or sweep re-reads it`));
}

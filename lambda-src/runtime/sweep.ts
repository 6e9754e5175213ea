// The drift sweep's shell: every guarded group (listed, tagged, or already enrolled — removing a
// tag does not unguard), each planned against its record, records written conditionally (a group
// another invocation is changing is left for the next sweep), then the actions.
import type { Action, ObservedGroup } from '../core/model.js';
import { StateConflictError, type GroupRecord, type StateStore } from '../core/state.js';
import { type Ec2, describeGroups } from '../aws/ec2.js';
import { enrolmentNotice, reconcileGroupSweep } from '../reconcile/sweep.js';
import type { Settings } from '../policy/settings.js';

export interface SweepDeps {
  ec2: Ec2;
  state: StateStore;
  home?: { accountId?: string; region?: string };
  now: () => Date;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

export async function planDriftSweep(settings: Settings, deps: SweepDeps): Promise<Action[]> {
  const accountId = deps.home?.accountId ?? 'unknown';
  const region = deps.home?.region ?? 'unknown';
  const records = (await deps.state.listGroups()).filter((r) => r.accountId === accountId && r.region === region);
  const groups = await guardedGroups(settings, deps.ec2, records);
  const byId = new Map(records.map((r) => [r.groupId, r]));
  const actions: Action[] = [];
  const enrolled: GroupRecord[] = [];
  const clean: string[] = [];
  for (const group of groups) {
    const record = byId.get(group.groupId);
    const plan = reconcileGroupSweep({ group, record, accountId, region, settings, now: deps.now() });
    if (plan.record && !settings.dryRun.drift) {
      try {
        await deps.state.putGroup(plan.record, record?.version);
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw err;
        deps.log(`sweep: ${group.groupId} changed while it was being swept; left for the next sweep`);
        continue;
      }
    }
    if (plan.enrolled && plan.record) enrolled.push(plan.record);
    else if (plan.actions.length === 0 && Object.keys((plan.record ?? record)?.unexplained ?? {}).length === 0) clean.push(group.groupId);
    actions.push(...plan.actions);
  }
  deps.log(`drift sweep: ${groups.length} guarded group(s), ${enrolled.length} enrolled, ${actions.filter((a) => a.type === 'notify').length} reconciled`);
  if (enrolled.length) actions.push(enrolmentNotice(enrolled, settings));
  // Security Hub: what an earlier event or sweep reported open is resolved once the group is clean.
  if (settings.securityHub.enabled && clean.length)
    actions.push({ type: 'resolve-findings', checks: ['unauthorized-change', 'missed-event'], groupIds: clean, reason: `drift sweep: ${clean.length} group(s) at their desired state` });
  return actions.length ? actions : [{ type: 'ignore', reason: `drift sweep: ${groups.length} guarded group(s) at their desired state` }];
}

async function guardedGroups(settings: Settings, ec2: Ec2, records: GroupRecord[]): Promise<ObservedGroup[]> {
  const drift = settings.drift;
  const out = new Map<string, ObservedGroup>();
  const add = (gs: ObservedGroup[]) => gs.forEach((g) => out.set(g.groupId, g));
  if (drift.guardedGroupIds.length === 0 && !drift.guardTag) {
    add(await describeGroups(ec2, {}));
  } else {
    if (drift.guardTag) add(await describeGroups(ec2, { Filters: [{ Name: `tag:${drift.guardTag.key}`, Values: [drift.guardTag.value] }] }));
    const ids = [...new Set([...drift.guardedGroupIds, ...records.map((r) => r.groupId)])].filter((id) => !out.has(id));
    // Missing IDs (deleted groups) would fail the whole call: describe one by one only then.
    if (ids.length) add(await describeGroups(ec2, { GroupIds: ids }).catch(() => Promise.all(ids.map((id) => describeGroups(ec2, { GroupIds: [id] }).catch(() => []))).then((x) => x.flat())));
  }
  return [...out.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}

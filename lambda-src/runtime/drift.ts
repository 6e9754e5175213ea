// The drift guard's shell: claim the event in the ledger, read the group's record and the group
// (fresh), plan (pure), write the record conditionally — a lost race re-reads and re-plans — then
// execute and notify, and complete the claim. A failed action or publish releases the claim, so
// Lambda's retry acts and notifies again; a true replay finds the claim complete and does nothing.
import type { Action } from '../core/model.js';
import { type GroupRef, StateConflictError, type StateStore } from '../core/state.js';
import { type Ec2, describeGroup } from '../aws/ec2.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { reconcileDriftEvent } from '../reconcile/drift.js';
import type { Settings } from '../policy/settings.js';

const MAX_ATTEMPTS = 3;

export interface DriftDeps {
  ec2: Ec2;
  state: StateStore;
  now: () => Date;
}

/** Thrown when another invocation holds the event's claim: transient, Lambda retries. */
export class EventBusyError extends Error {
  constructor(eventId: string) {
    super(`event ${eventId} is being handled by another invocation right now; retry later`);
    this.name = 'EventBusyError';
  }
}

export function ledgerId(event: CloudTrailEvent): string {
  return `cloudtrail:${event.accountId}:${event.eventId}`;
}

/** Plans one event against the stored desired state and commits the record; returns the actions to run. */
export async function planDriftEvent(event: CloudTrailEvent, settings: Settings, deps: DriftDeps): Promise<Action[]> {
  const groupId = event.groupId ?? event.createdRules[0]?.groupId;
  const worthReading = settings.drift.enabled && groupId && !event.failed && SECURITY_GROUP_RULE_CALLS[event.eventName] !== undefined;
  if (!worthReading) return reconcileDriftEvent({ event, settings, observed: undefined, record: undefined, now: deps.now() }).actions;
  const ref: GroupRef = { accountId: event.accountId, region: event.region, groupId };
  for (let attempt = 1; ; attempt++) {
    const [record, observed] = await Promise.all([deps.state.getGroup(ref), describeGroup(deps.ec2, groupId)]);
    const plan = reconcileDriftEvent({ event, settings, observed, record, now: deps.now() });
    if (!plan.record || settings.dryRun.drift) return plan.actions;
    try {
      await deps.state.putGroup(plan.record, record?.version);
      return plan.actions;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= MAX_ATTEMPTS) throw err;
      // Another event moved this group's record since we read it: read again and re-plan.
    }
  }
}

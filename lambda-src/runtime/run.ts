// One event, end to end: decode (edge) -> gather observed state -> plan (pure) -> execute -> result.
import type { Action } from '../core/model.js';
import { decodeEvent } from '../events/decode.js';
import type { GuardEvent } from '../events/guard-event.js';
import type { Settings } from '../policy/settings.js';
import { type Ec2, describeGroup } from '../aws/ec2.js';
import type { Sns } from '../aws/sns.js';
import type { ActionResult } from '../notify/outcomes.js';
import { execute } from './execute.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import { planDrift } from '../plan/drift.js';

export interface RunDeps {
  ec2: Ec2;
  sns: Sns;
  log: (message: string, extra?: Record<string, unknown>) => void;
}

export interface RunResult {
  kind: GuardEvent['kind'];
  actions: Action[];
  results: ActionResult[];
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
  return { kind: event.kind, actions, results };
}

async function plan(event: GuardEvent, settings: Settings, deps: RunDeps): Promise<Action[]> {
  switch (event.kind) {
    case 'cloudtrail': {
      if (!settings.drift.enabled) return [{ type: 'ignore', reason: 'drift guard disabled (drift.enabled = false)' }];
      // One fresh read of the group: tag-based guarding and ModifySecurityGroupRules need it.
      const groupId = event.groupId ?? event.createdRules[0]?.groupId;
      const worthReading = groupId && !event.failed && SECURITY_GROUP_RULE_CALLS[event.eventName] !== undefined;
      const observedGroup = worthReading ? await describeGroup(deps.ec2, groupId) : undefined;
      return planDrift(event, { settings, observedGroup });
    }
    default:
      return [{ type: 'ignore', reason: `no capability handles ${event.kind} events yet` }];
  }
}

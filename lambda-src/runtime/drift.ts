// The drift guard's shell: one fresh read of the group (tag-based guarding and
// ModifySecurityGroupRules need it), then the pure planner.
import type { Action } from '../core/model.js';
import { type Ec2, describeGroup } from '../aws/ec2.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { planDrift } from '../plan/drift.js';
import type { Settings } from '../policy/settings.js';

export async function planDriftEvent(event: CloudTrailEvent, settings: Settings, ec2: Ec2): Promise<Action[]> {
  if (!settings.drift.enabled) return [{ type: 'ignore', reason: 'drift guard disabled (drift.enabled = false)' }];
  const groupId = event.groupId ?? event.createdRules[0]?.groupId;
  const worthReading = groupId && !event.failed && SECURITY_GROUP_RULE_CALLS[event.eventName] !== undefined;
  const observedGroup = worthReading ? await describeGroup(ec2, groupId) : undefined;
  return planDrift(event, { settings, observedGroup });
}

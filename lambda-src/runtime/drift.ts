// The drift guard's shell: one fresh read of the group when the plan depends on it (its tags for
// tag-based guarding, its rules for ModifySecurityGroupRules), then the pure planner.
import type { Action } from '../core/model.js';
import { type Ec2, describeGroup } from '../aws/ec2.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { observedGroupNeeds, planDrift } from '../plan/drift.js';
import type { Settings } from '../policy/settings.js';

export async function planDriftEvent(event: CloudTrailEvent, settings: Settings, ec2: Ec2): Promise<Action[]> {
  if (!settings.drift.enabled) return [{ type: 'ignore', reason: 'drift guard disabled (drift.enabled = false)' }];
  const groupId = event.groupId ?? event.createdRules[0]?.groupId;
  const needs = observedGroupNeeds(event, settings);
  const observedGroup = groupId && needs.group ? await describeGroup(ec2, groupId, { rules: needs.rules }) : undefined;
  return planDrift(event, { settings, observedGroup });
}

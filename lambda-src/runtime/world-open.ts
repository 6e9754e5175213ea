// World-open remediation's shell: describe the group fresh (Config lags by seconds to minutes), or
// every group in scope for the sweep, and hand it to the pure planner.
import type { Action } from '../core/model.js';
import { type Ec2, describeGroup, describeGroups } from '../aws/ec2.js';
import { planRemediation, planRemediationIntent, planSweep, type WorldOpenEvent } from '../plan/remediation.js';
import type { Settings } from '../policy/settings.js';

export async function planWorldOpenEvent(event: WorldOpenEvent, settings: Settings, ec2: Ec2): Promise<Action[]> {
  const intent = planRemediationIntent(event, settings);
  const target = intent.find((a) => a.type === 'remediate-group');
  if (!target) return intent;
  return planRemediation(event, { settings, group: await describeGroup(ec2, target.groupId) });
}

export async function planWorldOpenSweep(settings: Settings, ec2: Ec2): Promise<Action[]> {
  const wo = settings.worldOpen;
  if (!wo.enabled) return [{ type: 'ignore', reason: 'world-open remediation is disabled (worldOpen.enabled=false)' }];
  // Every group in scope: a server-side CIDR filter would miss the shorter-prefix thresholds (and
  // its IPv6 form is not emulated); one daily read of the account's rules is cheap.
  const groups = await describeGroups(ec2, wo.scopeTag ? { Filters: [{ Name: `tag:${wo.scopeTag.key}`, Values: [wo.scopeTag.value] }] } : {});
  return planSweep(groups, settings);
}

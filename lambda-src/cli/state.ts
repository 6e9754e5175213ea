// `sg-guardian state show|accept|release --group sg-...`: the operator's view of, and say over, a
// group's desired state, with the operator's own AWS credentials (the SDK's default chain). The
// settings (`--config`, or SG_GUARDIAN_CONFIG: the module's `settings` output) name the table and
// the topic; accept and release are recorded in the table and announced on the topic.
import { describeGroup, createEc2 } from '../aws/ec2.js';
import { callerIdentity } from '../aws/identity.js';
import { createSns, publish } from '../aws/sns.js';
import { createStateStore } from '../aws/state.js';
import { DecodeError } from '../core/model.js';
import { fitSubject } from '../notify/drift.js';
import { baselineOf, newRecord, withBaseline } from '../reconcile/desired.js';
import { SECURITY_GROUP_ID } from '../policy/drift-settings.js';
import type { Settings } from '../policy/settings.js';
import type { Io } from './main.js';

export async function stateCommand(action: string | undefined, groupId: string | undefined, settings: Settings, io: Io): Promise<number> {
  if (!action || !['show', 'accept', 'release'].includes(action)) throw new DecodeError(`takes show, accept or release, not '${action ?? ''}'`, 'state');
  if (!groupId || !SECURITY_GROUP_ID.test(groupId)) throw new DecodeError(`needs --group with a security group ID (sg-...), got '${groupId ?? ''}'`, 'state');
  const table = settings.state.tableName;
  if (!table) throw new DecodeError('names no table: pass the module\'s `settings` output with --config', 'state.tableName');
  const store = createStateStore(table);
  const identity = await callerIdentity();
  const region = identity.region;
  const ref = { accountId: identity.accountId, region, groupId };
  const record = await store.getGroup(ref);

  if (action === 'show') {
    io.stdout(JSON.stringify(record ?? { ...ref, enrolled: false }, null, 2) + '\n');
    return record ? 0 : 1;
  }
  const by = `operator:${identity.arn}`;
  const now = new Date();
  let text: string;
  if (action === 'accept') {
    const group = await describeGroup(createEc2(), groupId);
    if (!group) throw new DecodeError(`${groupId} does not exist in ${ref.accountId} / ${region}`, 'state --group');
    const baseline = baselineOf(group, settings);
    const next = record ? withBaseline({ ...record, unexplained: {} }, baseline, by, now) : newRecord(group, ref, baseline, by, now);
    await store.putGroup(next, record?.version);
    text = `${by} accepted the current rules of ${groupId} as its approved baseline: ${baseline.length} rule(s) (was ${record ? record.baseline.length : 'not enrolled'}).`;
  } else {
    if (!record) throw new DecodeError(`${groupId} is not enrolled`, 'state --group');
    await store.deleteGroup(ref);
    text = `${by} released ${groupId} from the drift guard's desired state: it is guarded again only while listed or tagged (and then re-enrolled from its rules at that time).`;
  }
  if (settings.notifications.topicArn) {
    await publish(createSns(), settings.notifications.topicArn, {
      type: 'notify',
      subject: fitSubject(`Baseline ${action === 'accept' ? 'accepted' : 'released'} for ${groupId} by an operator`),
      message: `${text}\n\nAccount:    ${ref.accountId} / ${region}`,
      severity: 'medium',
      attributes: { kind: 'drift', action: action === 'accept' ? 'baseline-accepted' : 'baseline-released', severity: 'medium', group_id: groupId },
      reason: text,
    });
  }
  io.stdout(text + '\n');
  return 0;
}

// The reconciler over tables of (baseline, observed, event) -> actions, and the sweep's grace
// period, with the in-memory store. Pure: no emulator.
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup, SecurityGroupRule } from '../../lambda-src/core/model.js';
import type { BaselineRule, GroupRecord } from '../../lambda-src/core/state.js';
import { MemoryStateStore } from '../../lambda-src/core/memory-state.js';
import { ruleKey } from '../../lambda-src/core/rule-key.js';
import type { CloudTrailEvent } from '../../lambda-src/events/guard-event.js';
import { reconcileDriftEvent } from '../../lambda-src/reconcile/drift.js';
import { reconcileGroupSweep } from '../../lambda-src/reconcile/sweep.js';
import { baselineAfterReplacement, splitByBaseline } from '../../lambda-src/reconcile/world-open.js';
import { findViolations } from '../../lambda-src/policy/world-open.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const G = 'sg-0123456789abcdef0';
const NOW = new Date('2026-12-01T12:00:00Z');
const settings = (doc: object = {}) => parseSettings(JSON.stringify({ drift: { guardedGroupIds: [G] }, ...doc }));
const rule = (ruleId: string, port: number, cidr: string, description?: string): SecurityGroupRule => ({ ruleId, groupId: G, direction: 'ingress', protocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr, ...(description ? { description } : {}) });
const base = (r: SecurityGroupRule): BaselineRule => {
  const { groupId: _g, ...b } = r;
  return b;
};
const LEGIT = rule('sgr-legit', 443, '10.0.0.0/8', 'internal');
const SSH = rule('sgr-ssh', 22, '0.0.0.0/0');
const group = (...rules: SecurityGroupRule[]): ObservedGroup => ({ groupId: G, tags: {}, rules });
const record = (...baseline: SecurityGroupRule[]): GroupRecord => ({ accountId: '111122223333', region: 'eu-west-1', groupId: G, version: 3, baseline: baseline.map(base), enrolledAt: '2026-11-01T00:00:00Z', updatedBy: 'enrolment', updatedAt: '2026-11-01T00:00:00Z', unexplained: {} });
const perm = (port: number, cidr: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] });

function event(over: Partial<CloudTrailEvent>): CloudTrailEvent {
  return {
    kind: 'cloudtrail', eventSource: 'ec2.amazonaws.com', eventId: 'e-1', eventName: 'AuthorizeSecurityGroupIngress', eventTime: '2026-12-01T11:59:00Z',
    accountId: '111122223333', region: 'eu-west-1', actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory' },
    groupId: G, direction: 'ingress', permissions: [], createdRules: [], requestRuleIds: [], modifiedRules: [], ...over,
  };
}
const shape = (actions: Action[]) =>
  actions.map((a) => (a.type === 'notify' ? `notify:${a.attributes.action}` : a.type === 'ignore' ? 'ignore' : a.type === 'modify-rules' ? `modify-rules:${a.rules.map((r) => r.ruleId).join()}` : 'ruleIds' in a && a.ruleIds ? `${a.type}:${a.ruleIds.join()}` : `${a.type}:${JSON.stringify('permissions' in a ? a.permissions : [])}`));

describe('reconcileDriftEvent: (baseline, observed, event) -> actions', () => {
  const authorizeSsh = event({ permissions: [perm(22, '0.0.0.0/0')], createdRules: [SSH] });
  const revokeSsh = event({ eventName: 'RevokeSecurityGroupIngress', permissions: [perm(22, '0.0.0.0/0')] });
  const revokeLegit = event({ eventName: 'RevokeSecurityGroupIngress', permissions: [perm(443, '10.0.0.0/8')] });
  const forgedAuthorizeLegit = event({ permissions: [perm(443, '0.0.0.0/0')], createdRules: [{ ...LEGIT, cidrIpv4: '0.0.0.0/0' }] });
  const describeOnly = event({ eventName: 'ModifySecurityGroupRules', direction: undefined, requestRuleIds: ['sgr-legit'], modifiedRules: [{ ruleId: 'sgr-legit', request: { Description: 'pwned' } }] });
  it.each<[string, GroupRecord | undefined, ObservedGroup, CloudTrailEvent, string[]]>([
    ['authorize outside the baseline: revoke the created rule', record(LEGIT), group(LEGIT, SSH), authorizeSsh, ['revoke-ingress:sgr-ssh', 'notify:reverted']],
    ['authorize already gone (intruder revoked it): nothing to undo, still reported', record(LEGIT), group(LEGIT), authorizeSsh, ['notify:nothing-to-undo']],
    ['authorize of approved content: kept', record(LEGIT, SSH), group(LEGIT, SSH), authorizeSsh, ['notify:nothing-to-undo']],
    ['forged authorize naming the legitimate rule ID: observed content is approved, kept', record(LEGIT), group(LEGIT), forgedAuthorizeLegit, ['notify:nothing-to-undo']],
    ['revoke of content outside the baseline (authorize-then-revoke, forged revoke): nothing re-added', record(LEGIT), group(LEGIT), revokeSsh, ['notify:nothing-to-undo']],
    ['revoke of approved content: restored from the baseline, description included', record(LEGIT), group(), revokeLegit, ['authorize-ingress:[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"internal"}]}]', 'notify:reverted']],
    ['revoke of approved content still present: nothing to do', record(LEGIT), group(LEGIT), revokeLegit, ['notify:nothing-to-undo']],
    ['description-only modify: restored in place', record(LEGIT), group({ ...LEGIT, description: 'pwned' }), describeOnly, ['modify-rules:sgr-legit', 'notify:reverted']],
    ['modify of a rule outside the baseline: removed (fail closed)', record(), group({ ...LEGIT, description: 'pwned' }), describeOnly, ['revoke-ingress:sgr-legit', 'notify:revert-incomplete']],
    ['first sight, authorize: enrol without the created rule, revoke it', undefined, group(LEGIT, SSH), authorizeSsh, ['revoke-ingress:sgr-ssh', 'notify:reverted']],
    ['first sight, revoke: nothing restored (no approved state to restore from), high', undefined, group(), revokeLegit, ['notify:revert-incomplete']],
  ])('%s', (_label, rec, observed, ev, expected) => {
    const plan = reconcileDriftEvent({ event: ev, settings: settings(), observed, record: rec, now: NOW });
    expect(shape(plan.actions)).toEqual(expected);
    expect(plan.record, 'an enrolled or newly enrolled group gets a record to write').toBeDefined();
  });

  it('the notification of every unauthorized attempt names the actor, even with nothing to undo', () => {
    const plan = reconcileDriftEvent({ event: revokeSsh, settings: settings(), observed: group(LEGIT), record: record(LEGIT), now: NOW });
    const notify = plan.actions.find((a) => a.type === 'notify');
    expect(notify && notify.type === 'notify' && notify.message).toContain('arn:aws:iam::111122223333:user/mallory');
  });

  it('an allowed principal moves the baseline: authorize adds, revoke removes, no action', () => {
    const s = settings({ drift: { guardedGroupIds: [G], allowedPrincipalArns: ['arn:aws:iam::111122223333:user/ci'] } });
    const ci = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci' };
    const added = reconcileDriftEvent({ event: { ...authorizeSsh, actor: ci }, settings: s, observed: group(LEGIT, SSH), record: record(LEGIT), now: NOW });
    expect(shape(added.actions)).toEqual(['ignore']);
    expect(added.record!.baseline.map(ruleKey).sort()).toEqual([LEGIT, SSH].map(ruleKey).sort());
    const removed = reconcileDriftEvent({ event: { ...revokeLegit, actor: ci }, settings: s, observed: group(), record: record(LEGIT), now: NOW });
    expect(removed.record!.baseline).toEqual([]);
  });

  it('an enrolled group stays guarded when its guard tag is gone', () => {
    const s = settings({ drift: { guardTag: { key: 'guard', value: 'yes' } } });
    const plan = reconcileDriftEvent({ event: authorizeSsh, settings: s, observed: group(LEGIT, SSH), record: record(LEGIT), now: NOW });
    expect(shape(plan.actions)).toEqual(['revoke-ingress:sgr-ssh', 'notify:reverted']);
    const unenrolled = reconcileDriftEvent({ event: authorizeSsh, settings: s, observed: group(LEGIT, SSH), record: undefined, now: NOW });
    expect(shape(unenrolled.actions)).toEqual(['ignore']);
  });

  it('dry run plans no mutation and writes no baseline change that is not already true', () => {
    const plan = reconcileDriftEvent({ event: authorizeSsh, settings: settings({ dryRun: { drift: true } }), observed: group(LEGIT, SSH), record: record(LEGIT), now: NOW });
    expect(shape(plan.actions)).toEqual(['notify:would-revert']);
  });
});

describe('reconcileGroupSweep: grace period, missed events, enrolment', () => {
  const input = (rec: GroupRecord | undefined, observed: ObservedGroup, now = NOW, doc: object = {}) => ({ group: observed, record: rec, accountId: '111122223333', region: 'eu-west-1', settings: settings(doc), now });

  it('enrols an unknown group from its current rules', () => {
    const plan = reconcileGroupSweep(input(undefined, group(LEGIT)));
    expect(plan.enrolled).toBe(true);
    expect(plan.record!.baseline.map(ruleKey)).toEqual([ruleKey(LEGIT)]);
    expect(plan.actions).toEqual([]);
  });

  it('remembers a difference first, acts only after the grace period', () => {
    const first = reconcileGroupSweep(input(record(LEGIT), group(LEGIT, SSH)));
    expect(first.actions).toEqual([]);
    expect(Object.keys(first.record!.unexplained)).toEqual([`extra:${ruleKey(SSH)}`]);
    const later = reconcileGroupSweep(input(first.record, group(LEGIT, SSH), new Date(NOW.getTime() + 901_000)));
    expect(shape(later.actions)).toEqual(['revoke-ingress:sgr-ssh', 'notify:missed-event']);
  });

  it('restores missing baseline rules and descriptions after the grace period', () => {
    const rec = { ...record(LEGIT, rule('sgr-b', 8443, '192.0.2.0/24', 'b')), unexplained: {} };
    const seen = reconcileGroupSweep(input(rec, group({ ...LEGIT, description: 'x' })));
    const later = reconcileGroupSweep(input(seen.record, group({ ...LEGIT, description: 'x' }), new Date(NOW.getTime() + 3_600_000)));
    expect(shape(later.actions)).toEqual(['authorize-ingress:[{"IpProtocol":"tcp","FromPort":8443,"ToPort":8443,"IpRanges":[{"CidrIp":"192.0.2.0/24","Description":"b"}]}]', 'modify-rules:sgr-legit', 'notify:missed-event']);
  });

  it('a difference that went away is forgotten; a group at its baseline writes nothing', () => {
    const seen = reconcileGroupSweep(input(record(LEGIT), group(LEGIT, SSH)));
    const gone = reconcileGroupSweep(input(seen.record, group(LEGIT)));
    expect(gone.record!.unexplained).toEqual({});
    expect(reconcileGroupSweep(input(record(LEGIT), group(LEGIT))).record).toBeUndefined();
  });
});

describe('world-open on a guarded group', () => {
  const wo = parseSettings(JSON.stringify({ worldOpen: { enabled: true, authorizedTcpPorts: ['443'], replacementCidrsIpv4: ['198.51.100.0/24'] } })).worldOpen;
  it('splits violations by the baseline; the baseline follows an approved replacement', () => {
    const violations = findViolations(group(LEGIT, SSH, rule('sgr-rdp', 3389, '0.0.0.0/0')), wo);
    const { approved, outside } = splitByBaseline(violations, record(LEGIT, SSH).baseline);
    expect(approved.map((v) => v.rule.ruleId)).toEqual(['sgr-ssh']);
    expect(outside.map((v) => v.rule.ruleId)).toEqual(['sgr-rdp']);
    const next = baselineAfterReplacement(record(LEGIT, SSH).baseline, approved, wo);
    expect(next.map(ruleKey).sort()).toEqual([ruleKey(LEGIT), ruleKey(rule('', 22, '198.51.100.0/24'))].sort());
  });
});

describe('MemoryStateStore: the ledger and conditional writes', () => {
  it('claims once; a retry after release claims again; a completed event is done; a live lock is busy', async () => {
    const store = new MemoryStateStore();
    expect(await store.claimEvent('e', NOW, 60)).toEqual({ status: 'claimed' });
    expect(await store.claimEvent('e', NOW, 60)).toEqual({ status: 'busy' });
    expect(await store.claimEvent('e', new Date(NOW.getTime() + 61_000), 60)).toEqual({ status: 'claimed' });
    await store.releaseEvent('e');
    expect(await store.claimEvent('e', NOW, 60)).toEqual({ status: 'claimed' });
    await store.completeEvent('e', NOW);
    expect((await store.claimEvent('e', NOW, 60)).status).toBe('done');
  });

  it('a write against a stale version fails', async () => {
    const store = new MemoryStateStore();
    await store.putGroup(record(LEGIT), undefined);
    await expect(store.putGroup(record(LEGIT), undefined)).rejects.toThrow(/changed since it was read/);
    await expect(store.putGroup(record(), 3)).rejects.toThrow(/changed since it was read/);
    await expect(store.putGroup(record(), 1)).resolves.toBeUndefined();
    expect((await store.getGroup(record()))!.version).toBe(2);
  });
});

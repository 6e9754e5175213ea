// Waivers, pure: the settings section (strict, well-formed, only from the settings document), exact
// matching, the drift reconciler keeping a waived rule (and saying so), the sweep leaving it alone
// until its waiver expires and then reverting it at once ("waiver expired"), grace or not.
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup, SecurityGroupRule } from '../../lambda-src/core/model.js';
import type { BaselineRule, GroupRecord } from '../../lambda-src/core/state.js';
import { DecodeError } from '../../lambda-src/core/model.js';
import type { CloudTrailEvent } from '../../lambda-src/events/guard-event.js';
import { reconcileDriftEvent } from '../../lambda-src/reconcile/drift.js';
import { reconcileGroupSweep } from '../../lambda-src/reconcile/sweep.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { activeWaiver, expiredWaiver, type Waiver, WaiverSchema } from '../../lambda-src/policy/waivers.js';

const G = 'sg-0123456789abcdef0';
const OTHER = 'sg-0fedcba9876543210';
const BEFORE = new Date('2026-12-01T12:00:00Z');
const AFTER = new Date('2027-01-01T00:00:01Z');
const WAIVER = { groupId: G, protocol: 'tcp', fromPort: 8443, toPort: 8443, source: '198.51.100.7/32', expires: '2027-01-01T00:00:00Z', reason: 'vendor debugging, CHG-1234', owner: 'alice@example.com' };
const settings = (waivers: object[] = [WAIVER], extra: object = {}) => parseSettings(JSON.stringify({ drift: { guardedGroupIds: [G] }, waivers, ...extra }));
const rule = (ruleId: string, port: number, cidr: string, over: Partial<SecurityGroupRule> = {}): SecurityGroupRule => ({ ruleId, groupId: G, direction: 'ingress', protocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr, ...over });
const base = ({ groupId: _g, ...b }: SecurityGroupRule): BaselineRule => b;
const LEGIT = rule('sgr-legit', 443, '10.0.0.0/8');
const WAIVED = rule('sgr-vendor', 8443, '198.51.100.7/32', { description: 'vendor' });
const group = (...rules: SecurityGroupRule[]): ObservedGroup => ({ groupId: G, tags: {}, rules });
const record = (...baseline: SecurityGroupRule[]): GroupRecord => ({ accountId: '111122223333', region: 'eu-west-1', groupId: G, version: 3, baseline: baseline.map(base), enrolledAt: '2026-11-01T00:00:00Z', updatedBy: 'enrolment', updatedAt: '2026-11-01T00:00:00Z', unexplained: {} });
const authorize = (created: SecurityGroupRule): CloudTrailEvent => ({
  kind: 'cloudtrail', eventSource: 'ec2.amazonaws.com', eventId: 'e-1', eventName: 'AuthorizeSecurityGroupIngress', eventTime: '2026-12-01T11:59:00Z',
  accountId: '111122223333', region: 'eu-west-1', actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/vendor-helper' },
  groupId: G, direction: 'ingress', permissions: [], createdRules: [created], requestRuleIds: [], modifiedRules: [],
});
const notices = (actions: Action[]) => actions.filter((a): a is Extract<Action, { type: 'notify' }> => a.type === 'notify');
const mutations = (actions: Action[]) => actions.filter((a) => a.type !== 'notify' && a.type !== 'ignore');

describe('waivers in the settings', () => {
  it('is strict and well-formed, naming the offending path', () => {
    const bad: [object, RegExp][] = [
      [{ ...WAIVER, groupId: 'sg-xyz' }, /waivers\[0\]\.groupId: must be a security group ID/],
      [{ ...WAIVER, source: '300.1.2.3/32' }, /waivers\[0\]\.source: must be a CIDR/],
      [{ ...WAIVER, expires: '2027-01-01' }, /waivers\[0\]\.expires: must be an RFC 3339 time/],
      [{ ...WAIVER, expires: '2027-01-01T00:00:00' }, /waivers\[0\]\.expires/],
      [{ ...WAIVER, fromPort: 9000 }, /waivers\[0\]\.fromPort: tcp needs fromPort <= toPort/],
      [{ ...WAIVER, reason: '  ' }, /waivers\[0\]\.reason: must say why/],
      [{ ...WAIVER, owner: '' }, /waivers\[0\]\.owner: must name who/],
      [{ ...WAIVER, protocol: 'gre' }, /waivers\[0\]\.protocol/],
      [{ ...WAIVER, tags: { any: 'x' } }, /waivers\[0\]/],
    ];
    for (const [w, message] of bad) {
      const parse = () => settings([w]);
      expect(parse).toThrow(DecodeError);
      expect(parse).toThrow(message);
    }
    expect(settings([{ ...WAIVER, protocol: '-1', fromPort: undefined, toPort: undefined, source: 'pl-0123456789abcdef0' }]).waivers[0]).toMatchObject({ direction: 'ingress', protocol: '-1' });
    expect(settings([]).waivers).toEqual([]);
  });

  it('matches exactly: same group, protocol, ports and source; never a wider port range, another source or another group', () => {
    const w = [WaiverSchema.parse(WAIVER)];
    expect(activeWaiver(G, WAIVED, w, BEFORE)).toBeDefined();
    expect(activeWaiver(G, { ...WAIVED, protocol: '6' }, w, BEFORE), 'protocol by number').toBeDefined();
    expect(activeWaiver(G, { ...WAIVED, fromPort: 8000, toPort: 9000 }, w, BEFORE)).toBeUndefined();
    expect(activeWaiver(G, { ...WAIVED, cidrIpv4: '198.51.100.0/24' }, w, BEFORE)).toBeUndefined();
    expect(activeWaiver(G, { ...WAIVED, protocol: 'udp' }, w, BEFORE)).toBeUndefined();
    expect(activeWaiver(OTHER, WAIVED, w, BEFORE)).toBeUndefined();
    expect(activeWaiver(G, { ...WAIVED, direction: 'egress' }, w, BEFORE)).toBeUndefined();
    expect(activeWaiver(G, WAIVED, w, AFTER)).toBeUndefined();
    expect(expiredWaiver(G, WAIVED, w, AFTER)).toMatchObject({ owner: 'alice@example.com' });
    // A later waiver for the same rule renews it: not "expired" while one is active.
    const renewed: Waiver[] = [...w, WaiverSchema.parse({ ...WAIVER, expires: '2027-06-01T00:00:00Z' })];
    expect(expiredWaiver(G, WAIVED, renewed, AFTER)).toBeUndefined();
    expect(activeWaiver(G, WAIVED, renewed, AFTER)?.expires).toBe('2027-06-01T00:00:00Z');
  });
});

describe('the drift reconciler and waivers', () => {
  it('keeps a waived unauthorized rule, says so, and does not move the baseline', () => {
    const plan = reconcileDriftEvent({ event: authorize(WAIVED), settings: settings(), observed: group(LEGIT, WAIVED), record: record(LEGIT), now: BEFORE });
    expect(mutations(plan.actions)).toEqual([]);
    const [n] = notices(plan.actions);
    expect(n!.attributes).toMatchObject({ action: 'waived', severity: 'low' });
    expect(n!.subject).toMatch(/^Kept \(waived\) AuthorizeSecurityGroupIngress on sg-0123456789abcdef0/);
    expect(n!.message).toContain('kept: waived until 2027-01-01T00:00:00Z, reason vendor debugging, CHG-1234, owner alice@example.com');
    expect(plan.record!.baseline.map((b) => b.ruleId)).toEqual(['sgr-legit']);
  });

  it('reverts a change that only partly matches (wider ports, other source) as today', () => {
    for (const r of [rule('sgr-wide', 8443, '198.51.100.7/32', { toPort: 8500 }), rule('sgr-src', 8443, '198.51.100.8/32')]) {
      const plan = reconcileDriftEvent({ event: authorize(r), settings: settings(), observed: group(LEGIT, r), record: record(LEGIT), now: BEFORE });
      expect(mutations(plan.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: [r.ruleId] })]);
      expect(notices(plan.actions)[0]!.attributes.action).toBe('reverted');
    }
  });

  it('after expiry the event is reverted and the notice names the expired waiver', () => {
    const plan = reconcileDriftEvent({ event: authorize(WAIVED), settings: settings(), observed: group(LEGIT, WAIVED), record: record(LEGIT), now: AFTER });
    expect(mutations(plan.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: ['sgr-vendor'] })]);
    expect(notices(plan.actions)[0]!.message).toMatch(/waiver expired: sg-0123456789abcdef0 ingress tcp 8443 198\.51\.100\.7\/32 \(owner alice@example\.com/);
  });

  it('attack: a tag, a rule description or the event cannot create a waiver (only the settings can)', () => {
    const tagged: ObservedGroup = { ...group(LEGIT, { ...WAIVED, description: JSON.stringify(WAIVER) }), tags: { 'sg-guardian:waiver': JSON.stringify(WAIVER), waivers: 'true' } };
    const forged = { ...authorize(WAIVED), userAgent: 'waivers=' + JSON.stringify([WAIVER]) };
    const plan = reconcileDriftEvent({ event: forged, settings: settings([]), observed: tagged, record: record(LEGIT), now: BEFORE });
    expect(mutations(plan.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: ['sgr-vendor'] })]);
    // Nor can an unknown settings key smuggle one in under another name.
    expect(() => parseSettings(JSON.stringify({ drift: { waivers: [WAIVER] } }))).toThrow(/drift/);
  });
});

describe('the sweep and waivers', () => {
  it('leaves a waived rule alone (not even remembered as unexplained), then reverts it at once when the waiver expired, naming it', () => {
    const rec = record(LEGIT);
    const kept = reconcileGroupSweep({ group: group(LEGIT, WAIVED), record: rec, accountId: '111122223333', region: 'eu-west-1', settings: settings(), now: BEFORE });
    expect(kept.actions).toEqual([]);
    expect(kept.record).toBeUndefined();

    // Expired one second ago: no grace period (the difference is known, not a late event).
    const expired = reconcileGroupSweep({ group: group(LEGIT, WAIVED), record: rec, accountId: '111122223333', region: 'eu-west-1', settings: settings(), now: AFTER });
    expect(mutations(expired.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: ['sgr-vendor'] })]);
    const [n] = notices(expired.actions);
    expect(n!.subject).toBe('Waiver expired on sg-0123456789abcdef0: reverted 1 waived rule(s)');
    expect(n!.attributes).toMatchObject({ action: 'waiver-expired', group_id: G });
    expect(n!.message).toContain('waiver expired: sg-0123456789abcdef0 ingress tcp 8443 198.51.100.7/32 (owner alice@example.com, expires 2027-01-01T00:00:00Z), reason vendor debugging, CHG-1234');
  });

  it('in dry run the expired rule is only announced', () => {
    const s = settings([WAIVER], { dryRun: { drift: true } });
    const plan = reconcileGroupSweep({ group: group(LEGIT, WAIVED), record: record(LEGIT), accountId: '111122223333', region: 'eu-west-1', settings: s, now: AFTER });
    expect(mutations(plan.actions)).toEqual([]);
    expect(notices(plan.actions)[0]!.subject).toMatch(/would revert/);
  });
});

describe('enrolment and waivers', () => {
  it('a group enrolled while it holds a waived rule does not take that rule into its baseline, so the waiver still expires', () => {
    const enrol = reconcileGroupSweep({ group: group(LEGIT, WAIVED), record: undefined, accountId: '111122223333', region: 'eu-west-1', settings: settings(), now: BEFORE });
    expect(enrol.enrolled).toBe(true);
    expect(enrol.record!.baseline.map((b) => b.ruleId)).toEqual(['sgr-legit']);
    const later = reconcileGroupSweep({ group: group(LEGIT, WAIVED), record: { ...enrol.record!, version: 1 }, accountId: '111122223333', region: 'eu-west-1', settings: settings(), now: AFTER });
    expect(mutations(later.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: ['sgr-vendor'] })]);
  });

  it('first sight through an event: the waived rule is kept, and not enrolled as approved', () => {
    const other = rule('sgr-other', 22, '203.0.113.0/24');
    const plan = reconcileDriftEvent({ event: authorize(other), settings: settings(), observed: group(LEGIT, WAIVED, other), record: undefined, now: BEFORE });
    expect(mutations(plan.actions)).toEqual([expect.objectContaining({ type: 'revoke-ingress', ruleIds: ['sgr-other'] })]);
    expect(plan.record!.baseline.map((b) => b.ruleId)).toEqual(['sgr-legit']);
  });
});

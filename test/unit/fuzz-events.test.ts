// Property-based fuzz of the edge and the planners (issue #15): real samples and hand-made revokes,
// egress and modify calls, mutated with the hostile values the defect report found. Invariants:
// nothing but a DecodeError is thrown; a refusal is short and escaped; every planned mutation is
// within what the input named (group, direction, protocol, ports, sources); every permission has a
// protocol and a source; each input takes bounded time. Seeded: the same cases every run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, DecodeError, type IpPermission } from '../../lambda-src/core/model.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import type { GuardEvent } from '../../lambda-src/events/guard-event.js';
import { planDrift } from '../../lambda-src/plan/drift.js';
import { planRemediationIntent } from '../../lambda-src/plan/remediation.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { CONTROL, EVENT_SAMPLES, RUNS, SEED, leaves, mutate, objectsIn, op, timeoutFor, withinBudget } from './fuzz-support.js';

const record = (eventName: string, requestParameters: unknown, responseElements: unknown = { _return: true }) => ({
  eventVersion: '1.09',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', accountId: '111122223333', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/dev' } } },
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName,
  awsRegion: 'eu-west-1',
  eventID: 'e-1',
  recipientAccountId: '111122223333',
  requestParameters,
  responseElements,
});
const G = 'sg-0123456789abcdef0';
const perm = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: 'web' }] }, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] }, prefixListIds: { items: [{ prefixListId: 'pl-0123456789abcdef0' }] }, groups: { items: [{ groupId: 'sg-0fedcba9876543210', userId: '111122223333' }] } };
const ruleItem = (id: string, isEgress: boolean, extra: Record<string, unknown>) => ({ securityGroupRuleId: id, groupId: G, isEgress, ipProtocol: 'tcp', fromPort: 22, toPort: 22, ...extra });

/** Shapes the samples lack, so the fuzzer reaches every planner path. */
const HAND_MADE = [
  record('RevokeSecurityGroupIngress', { groupId: G, ipPermissions: { items: [perm] } }, { _return: true, revokedSecurityGroupRuleSet: { items: [ruleItem('sgr-0aaaaaaaaaaaaaaaa', false, { cidrIpv4: '10.0.0.0/8', description: 'vpn' })] } }),
  record('RevokeSecurityGroupEgress', { groupId: G, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0bbbbbbbbbbbbbbbb' }] } }, { _return: true, revokedSecurityGroupRuleSet: { items: [ruleItem('sgr-0bbbbbbbbbbbbbbbb', true, { ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv6: '::/0' })] } }),
  record('RevokeSecurityGroupIngress', { groupId: G, ipPermissions: { items: [perm, { ...perm, ipProtocol: 'udp', fromPort: 53, toPort: 53 }] } }, { _return: true, unknownIpPermissionSet: { items: [{ ...perm, ipProtocol: 'udp', fromPort: 53, toPort: 53 }] } }),
  record('AuthorizeSecurityGroupEgress', { groupId: G, ipPermissions: { items: [{ ...perm, ipProtocol: 'icmp', fromPort: 8, toPort: -1 }] } }, { _return: true, securityGroupRuleSet: { items: [ruleItem('sgr-0ccccccccccccccccc', true, { ipProtocol: 'icmp', fromPort: 8, toPort: -1, prefixListId: 'pl-0123456789abcdef0' })] } }),
  record('AuthorizeSecurityGroupIngress', { groupName: 'default', ipPermissions: { items: [{ ...perm, ipProtocol: 6, fromPort: '8080', toPort: '8081' }] } }),
  record('ModifySecurityGroupRules', { ModifySecurityGroupRulesRequest: { GroupId: G, SecurityGroupRule: { SecurityGroupRuleId: 'sgr-0ddddddddddddddd0', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } } } }),
];
const SEEDS = [...EVENT_SAMPLES.map((s) => s.body), ...HAND_MADE];
const SEED_NAMES = [...EVENT_SAMPLES.map((s) => s.name), ...HAND_MADE.map((_h, i) => `hand-made ${i}`)];
/** Two AWS documentation notices have a placeholder create-time ("yyyy-mm-ddThh:mm:ss+00:00"): refused, as before. */
const REFUSED_SEEDS = ['sns-AmazonIpSpaceChanged-message-payload-only_awsdocs.json', 'sns-AmazonIpSpaceChanged-testevent_aws-cloudfront-samples-README.json'];

const SETTINGS = [
  parseSettings('{}'),
  parseSettings(JSON.stringify({ drift: { allowedPrincipalArns: ['arn:aws:iam::*:role/ci-*', 'arn:*:*:*:*:*:*:x?y'], guardTag: { key: 'guard', value: 'true' } } })),
  parseSettings(JSON.stringify({ dryRun: { drift: true, worldOpen: true, feeds: true }, drift: { guardEgress: false } })),
];

const PORTED = new Set(['tcp', 'udp', '6', '17']);
const CANONICAL_PROTOCOL = /^(tcp|udp|icmp|icmpv6|-1|0|[1-9]\d{0,2})$/;

function sourcesOf(p: IpPermission): string[] {
  return [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6), ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId), ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '')];
}

const canon = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : String(v));

/** The raw objects a permission could have come from: same protocol, same ports, and the source inside. */
function namedBy(raw: unknown, p: IpPermission, source: string): boolean {
  return objectsIn(raw).some((o) => {
    const protocol = o.ipProtocol ?? o.IpProtocol;
    if (protocol === undefined || canon(protocol) !== p.IpProtocol) return false;
    if (p.FromPort !== undefined && Number(o.fromPort ?? o.FromPort) !== p.FromPort) return false;
    if (p.ToPort !== undefined && Number(o.toPort ?? o.ToPort) !== p.ToPort) return false;
    return leaves(o).has(source);
  });
}

function checkMutation(a: Extract<Action, { groupId: string; type: `${string}-${'ingress' | 'egress'}` }>, event: GuardEvent, raw: unknown): void {
  if (event.kind !== 'cloudtrail') throw new Error(`a ${event.kind} event planned ${a.type}`);
  const all = leaves(objectsIn(raw));
  expect(all.has(a.groupId), `group ${a.groupId} not in the input`).toBe(true);
  // Authorize/Revoke calls say their direction in their name; Modify (no observed group) assumes ingress.
  const direction = a.type.endsWith('egress') ? 'egress' : 'ingress';
  if (event.eventName !== 'ModifySecurityGroupRules') expect(direction).toBe(event.eventName.endsWith('Egress') ? 'egress' : 'ingress');
  for (const id of a.ruleIds ?? []) {
    expect(all.has(id), `rule ${id} not in the input`).toBe(true);
    for (const o of objectsIn(raw).filter((x) => x.securityGroupRuleId === id && x.isEgress !== undefined && x.isEgress !== null)) {
      expect(String(o.isEgress) === 'true' ? 'egress' : 'ingress').toBe(direction);
    }
  }
  for (const p of a.permissions ?? []) {
    expect(p.IpProtocol).toMatch(CANONICAL_PROTOCOL);
    const sources = sourcesOf(p);
    expect(sources.length, 'a permission without a source').toBeGreaterThan(0);
    if (PORTED.has(p.IpProtocol)) {
      expect(p.FromPort !== undefined && p.ToPort !== undefined && p.FromPort >= 0 && p.FromPort <= p.ToPort && p.ToPort <= 65535, `ports ${p.FromPort}-${p.ToPort}`).toBe(true);
    }
    for (const s of sources) expect(namedBy(raw, p, s), `${p.IpProtocol} ${p.FromPort}-${p.ToPort} from ${s} not named together in the input`).toBe(true);
  }
}

function plan(event: GuardEvent, settingsIndex: number): Action[] {
  const settings = SETTINGS[settingsIndex % SETTINGS.length]!;
  if (event.kind === 'cloudtrail') return planDrift(event, { settings });
  if (event.kind === 'config-remediation' || event.kind === 'config-compliance' || event.kind === 'config-item') return planRemediationIntent(event, settings);
  return [];
}

/** Decode and plan one input (timed: the oracles below are not); returns the refusal, if any. */
export function checkInput(raw: unknown, settingsIndex = 0): DecodeError | undefined {
  const outcome = withinBudget((): { event: GuardEvent; actions: Action[] } | { err: unknown } => {
    try {
      const event = decodeEvent(raw);
      return { event, actions: plan(event, settingsIndex) };
    } catch (err) {
      return { err };
    }
  });
  if ('err' in outcome) {
    expect(outcome.err, `not a DecodeError: ${String(outcome.err)}`).toBeInstanceOf(DecodeError);
    const e = outcome.err as DecodeError;
    expect(e.message.length).toBeLessThan(1_200);
    expect(e.message).not.toMatch(CONTROL);
    expect(e.message).not.toMatch(/Invalid input$|: Invalid input/);
    return e;
  }
  const { event, actions } = outcome;
  for (const a of actions) {
    if (a.type === 'revoke-ingress' || a.type === 'revoke-egress' || a.type === 'authorize-ingress' || a.type === 'authorize-egress') checkMutation(a, event, raw);
    if (a.type === 'remediate-group') expect(leaves(objectsIn(raw)).has(a.groupId) || JSON.stringify(raw).includes(a.groupId)).toBe(true);
    if (a.type === 'notify') expect(a.subject).not.toMatch(CONTROL);
  }
  return undefined;
}

describe('fuzz: events through decodeEvent and the planners', () => {
  it('every real sample and hand-made seed decodes and plans within the invariants', () => {
    const refused = SEEDS.flatMap((seed, i) => SETTINGS.flatMap((_s, j) => (checkInput(seed, j) ? [SEED_NAMES[i]] : [])));
    expect([...new Set(refused)]).toEqual(REFUSED_SEEDS);
  });

  it(`${RUNS} mutated inputs (seed ${SEED}): only DecodeErrors, mutations within the input, bounded time`, { timeout: timeoutFor(RUNS) }, () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.array(op, { minLength: 1, maxLength: 4 }), fc.nat(2), (seed, ops, settings) => {
        const input = mutate(SEEDS[seed], ops);
        if (checkInput(input, settings)) refused++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Most mutations break something, but not all: the fuzzer must reach the planners too.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(RUNS);
  });
});

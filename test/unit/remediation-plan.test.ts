// The world-open remediation planner and its notification.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup, SecurityGroupRule } from '../../lambda-src/core/model.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import type { ConfigComplianceEvent, ConfigItemEvent, ConfigRemediationEvent } from '../../lambda-src/events/guard-event.js';
import { type NotifyAction, markReplacementFailures } from '../../lambda-src/notify/remediation.js';
import { planRemediation, planRemediationIntent, planSweep } from '../../lambda-src/plan/remediation.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const RULE_NAME = 'sg-guardian-sg-open-only-to-authorized-ports';
const GROUP = 'sg-0123456789abcdef0';

function settings(worldOpen: Record<string, unknown> = {}, dryRun = false) {
  return parseSettings(JSON.stringify({ dryRun: { worldOpen: dryRun }, worldOpen }));
}
const REPLACING = { replacementCidrsIpv4: ['10.0.0.0/8', '192.168.0.0/16'], replacementCidrsIpv6: ['2001:db8::/32'] };

function rule(ruleId: string, partial: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { ruleId, groupId: GROUP, direction: 'ingress', protocol: 'tcp', ...partial };
}

const SSH_WORLD = rule('sgr-ssh', { fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'ssh from anywhere' });
const HTTPS_WORLD = rule('sgr-https', { fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
const SSH_WORLD_V6 = rule('sgr-ssh6', { fromPort: 22, toPort: 22, cidrIpv6: '::/0', description: 'ssh v6' });

function group(rules: SecurityGroupRule[], extra: Partial<ObservedGroup> = {}): ObservedGroup {
  return { groupId: GROUP, groupName: 'web', vpcId: 'vpc-1', ownerId: '111122223333', tags: {}, rules, ...extra };
}

const nonCompliant: ConfigComplianceEvent = {
  kind: 'config-compliance',
  resourceType: 'AWS::EC2::SecurityGroup',
  resourceId: GROUP,
  complianceType: 'NON_COMPLIANT',
  configRuleName: RULE_NAME,
  accountId: '111122223333',
  region: 'eu-central-1',
};

const types = (actions: Action[]) => actions.map((a) => a.type);
// Distributes over the union: the Action member whose `type` admits T.
type MemberWith<A, T> = A extends { type: infer U } ? (T extends U ? A : never) : never;
const only = <T extends Action['type']>(actions: Action[], type: T) => actions.filter((a): a is MemberWith<Action, T> => a.type === type);
const notifyOf = (actions: Action[]): NotifyAction => {
  const notifies = only(actions, 'notify');
  expect(notifies).toHaveLength(1);
  return notifies[0]!;
};

describe('planRemediation: exact replacement', () => {
  it('authorizes the same ports from each replacement CIDR first (keeping the description), then revokes by rule ID', () => {
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING), group: group([SSH_WORLD, HTTPS_WORLD]) });
    expect(types(actions)).toEqual(['authorize-ingress', 'revoke-ingress', 'notify']);
    expect(actions[0]).toMatchObject({
      groupId: GROUP,
      permissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [
            { CidrIp: '10.0.0.0/8', Description: 'ssh from anywhere' },
            { CidrIp: '192.168.0.0/16', Description: 'ssh from anywhere' },
          ],
        },
      ],
    });
    // The authorized https rule stays; only ssh goes, by its ID.
    expect(actions[1]).toMatchObject({ type: 'revoke-ingress', groupId: GROUP, ruleIds: ['sgr-ssh'] });
    expect(actions[1]).not.toHaveProperty('permissions');
  });

  it('IPv4 and IPv6 world-open on the same ports share one permission, each family with its replacements', () => {
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING), group: group([SSH_WORLD, SSH_WORLD_V6]) });
    const [authorize] = only(actions, 'authorize-ingress');
    expect(authorize!.permissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [
          { CidrIp: '10.0.0.0/8', Description: 'ssh from anywhere' },
          { CidrIp: '192.168.0.0/16', Description: 'ssh from anywhere' },
        ],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'ssh v6' }],
      },
    ]);
    expect(only(actions, 'revoke-ingress')[0]!.ruleIds).toEqual(['sgr-ssh', 'sgr-ssh6']);
  });

  it('protocol -1 is replaced without ports; icmp keeps its type/code', () => {
    const all = rule('sgr-all', { protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' });
    const ping = rule('sgr-ping', { protocol: 'icmp', fromPort: 8, toPort: -1, cidrIpv4: '0.0.0.0/0' });
    const actions = planRemediation(nonCompliant, { settings: settings({ replacementCidrsIpv4: ['10.0.0.0/8'] }), group: group([all, ping]) });
    expect(only(actions, 'authorize-ingress')[0]!.permissions).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    ]);
  });

  it('does not re-authorize a replacement the group already has (it would fail as Duplicate)', () => {
    const existing = rule('sgr-lan', { fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' });
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING), group: group([SSH_WORLD, existing]) });
    expect(only(actions, 'authorize-ingress')[0]!.permissions![0]!.IpRanges).toEqual([{ CidrIp: '192.168.0.0/16', Description: 'ssh from anywhere' }]);
    expect(only(actions, 'revoke-ingress')[0]!.ruleIds).toEqual(['sgr-ssh']);
  });

  it('without replacement CIDRs of the family: revoke only, and notify with high severity', () => {
    const actions = planRemediation(nonCompliant, { settings: settings({ replacementCidrsIpv4: ['10.0.0.0/8'] }), group: group([SSH_WORLD_V6]) });
    expect(types(actions)).toEqual(['revoke-ingress', 'notify']);
    const notify = notifyOf(actions);
    expect(notify.severity).toBe('high');
    expect(notify.attributes).toMatchObject({ action: 'revoked', severity: 'high' });
    expect(notify.message).toContain('replacementCidrsIpv6');
  });

  it('dry run: no mutation, the notification says what would be replaced', () => {
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING, true), group: group([SSH_WORLD]) });
    expect(types(actions)).toEqual(['notify']);
    const notify = notifyOf(actions);
    expect(notify.attributes.action).toBe('would-replace');
    expect(notify.subject).toContain('would replace');
    expect(notify.message).toContain('DRY RUN');
    expect(notify.message).toContain('10.0.0.0/8, 192.168.0.0/16');
  });

  it('is deterministic', () => {
    const ctx = { settings: settings(REPLACING), group: group([SSH_WORLD, SSH_WORLD_V6, HTTPS_WORLD]) };
    expect(planRemediation(nonCompliant, ctx)).toEqual(planRemediation(nonCompliant, ctx));
  });
});

describe('planRemediation: nothing to do', () => {
  const ignoreReason = (actions: Action[]) => {
    expect(types(actions)).toEqual(['ignore']);
    return only(actions, 'ignore')[0]!.reason;
  };

  it.each<[string, ConfigComplianceEvent | ConfigItemEvent | ConfigRemediationEvent, Record<string, unknown>, RegExp]>([
    ['COMPLIANT', { ...nonCompliant, complianceType: 'COMPLIANT' }, {}, /COMPLIANT/],
    ['NOT_APPLICABLE', { ...nonCompliant, complianceType: 'NOT_APPLICABLE' }, {}, /NOT_APPLICABLE/],
    ['another resource type', { ...nonCompliant, resourceType: 'AWS::S3::Bucket', resourceId: 'my-bucket' }, {}, /AWS::S3::Bucket is not a security group/],
    ['another Config rule', { ...nonCompliant, configRuleName: 'cloudtrail-enabled' }, {}, /cloudtrail-enabled is not the world-open rule/],
    ['a deleted group (item DELETE)', { kind: 'config-item', resourceType: 'AWS::EC2::SecurityGroup', resourceId: GROUP, changeType: 'DELETE' }, {}, /deleted/],
    ['remediation disabled', nonCompliant, { enabled: false }, /disabled/],
    ['an excluded group', { kind: 'config-remediation', groupId: GROUP }, { excludedGroupIds: [GROUP] }, /excludedGroupIds/],
  ])('%s -> ignore, with or without a described group', (_label, event, worldOpen, reason) => {
    const s = settings(worldOpen);
    expect(ignoreReason(planRemediation(event, { settings: s, group: group([SSH_WORLD]) }))).toMatch(reason);
    expect(ignoreReason(planRemediationIntent(event, s))).toMatch(reason);
  });

  it('group gone -> ignore "not found"', () => {
    expect(ignoreReason(planRemediation(nonCompliant, { settings: settings(REPLACING) }))).toMatch(/not found/);
  });

  it('already fixed -> ignore "no world-open rule outside the authorized ports"', () => {
    const fixed = group([HTTPS_WORLD, rule('sgr-lan', { fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' })]);
    expect(ignoreReason(planRemediation(nonCompliant, { settings: settings(REPLACING), group: fixed }))).toBe(`${GROUP}: no world-open rule outside the authorized ports`);
  });

  it('a group without the scope tag -> ignore', () => {
    const s = settings({ scopeTag: { key: 'sg-guardian', value: 'world-open' } });
    expect(ignoreReason(planRemediation(nonCompliant, { settings: s, group: group([SSH_WORLD]) }))).toMatch(/scope tag/);
    expect(types(planRemediation(nonCompliant, { settings: s, group: group([SSH_WORLD], { tags: { 'sg-guardian': 'world-open' } }) }))).toEqual(['revoke-ingress', 'notify']);
  });
});

describe('planRemediationIntent (no observed group)', () => {
  it.each<[string, ConfigComplianceEvent | ConfigItemEvent | ConfigRemediationEvent]>([
    ['a NON_COMPLIANT compliance change', nonCompliant],
    ['a bare remediation message', { kind: 'config-remediation', groupId: GROUP }],
    ['a configuration item change', { kind: 'config-item', resourceType: 'AWS::EC2::SecurityGroup', resourceId: GROUP, changeType: 'UPDATE' }],
  ])('%s -> remediate-group with the group ID', (_label, event) => {
    const actions = planRemediationIntent(event, settings());
    expect(types(actions)).toEqual(['remediate-group']);
    expect(only(actions, 'remediate-group')[0]!.groupId).toBe(GROUP);
  });
});

describe('notification', () => {
  it('says what was open, what replaced it, which rule, where; attributes for filtering', () => {
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING), group: group([SSH_WORLD]) });
    const notify = notifyOf(actions);
    expect(notify.severity).toBe('medium');
    expect(notify.attributes).toEqual({ kind: 'world-open', action: 'replaced', severity: 'medium', group_id: GROUP, config_rule: RULE_NAME });
    expect(notify.subject.length).toBeLessThan(100);
    expect(notify.subject).toContain(GROUP);
    for (const text of ['tcp 22 from 0.0.0.0/0', 'sgr-ssh', 'ssh from anywhere', '10.0.0.0/8, 192.168.0.0/16', RULE_NAME, '111122223333', 'eu-central-1'])
      expect(notify.message).toContain(text);
  });

  it('the subject stays under 100 characters with a long rule name', () => {
    const longRule = 'r'.repeat(128);
    const actions = planRemediation({ ...nonCompliant, configRuleName: longRule }, { settings: settings({ configRuleName: longRule }), group: group([SSH_WORLD]) });
    expect(notifyOf(actions).subject.length).toBeLessThan(100);
  });

  it('markReplacementFailures: raises to high, says the revoke still happened; other groups untouched', () => {
    const actions = planRemediation(nonCompliant, { settings: settings(REPLACING), group: group([SSH_WORLD]) });
    const notify = notifyOf(actions);
    const authorize = only(actions, 'authorize-ingress')[0]!;
    const marked = markReplacementFailures(notify, [{ groupId: GROUP, permissions: authorize.permissions!, error: 'RulesPerSecurityGroupLimitExceeded' }]);
    expect(marked.severity).toBe('high');
    expect(marked.attributes).toMatchObject({ severity: 'high', action: 'revoked', group_id: GROUP });
    expect(marked.subject).toMatch(/FAILED/);
    expect(marked.message).toContain('tcp 22 from 10.0.0.0/8, 192.168.0.0/16: RulesPerSecurityGroupLimitExceeded');
    expect(marked.message).toContain('still revoked');
    expect(markReplacementFailures(notify, [{ groupId: 'sg-0fedcba9876543210', permissions: [], error: 'x' }])).toBe(notify);
    expect(markReplacementFailures(notify, [])).toBe(notify);
  });
});

describe('planSweep', () => {
  const other = 'sg-0fedcba9876543210';
  const otherSsh = { ...SSH_WORLD, ruleId: 'sgr-other', groupId: other };

  it('every authorize precedes every revoke; one notification per remediated group', () => {
    const groups = [
      group([SSH_WORLD]),
      group([otherSsh], { groupId: other }),
      group([HTTPS_WORLD], { groupId: 'sg-0aaaaaaaaaaaaaaaa' }),
    ];
    const actions = planSweep(groups, settings(REPLACING));
    expect(types(actions)).toEqual(['authorize-ingress', 'authorize-ingress', 'revoke-ingress', 'revoke-ingress', 'notify', 'notify']);
    expect(only(actions, 'revoke-ingress').map((a) => a.ruleIds)).toEqual([['sgr-ssh'], ['sgr-other']]);
    expect(only(actions, 'notify').map((n) => n.attributes.group_id)).toEqual([GROUP, other]);
    expect(only(actions, 'notify')[0]!.message).toContain('sweep');
  });

  it('honours the scope tag and the exclusions', () => {
    const s = settings({ ...REPLACING, scopeTag: { key: 'env', value: 'prod' }, excludedGroupIds: [other] });
    const groups = [group([SSH_WORLD], { tags: { env: 'prod' } }), group([otherSsh], { groupId: other, tags: { env: 'prod' } }), group([SSH_WORLD], { groupId: 'sg-0aaaaaaaaaaaaaaaa' })];
    expect(only(planSweep(groups, s), 'notify').map((n) => n.attributes.group_id)).toEqual([GROUP]);
  });

  it('nothing world-open -> a single ignore', () => {
    expect(types(planSweep([group([HTTPS_WORLD])], settings()))).toEqual(['ignore']);
    expect(types(planSweep([group([SSH_WORLD])], settings({ enabled: false })))).toEqual(['ignore']);
  });
});

describe('end to end from a sample', () => {
  it('config-rule-lambda-invocation-sg-ResourceDiscovered_custodian.json: the decoded event plans the revoke of its ssh rule', () => {
    const raw = JSON.parse(readFileSync(new URL('../fixtures/samples/config-rule-lambda-invocation-sg-ResourceDiscovered_custodian.json', import.meta.url), 'utf8')) as unknown;
    const event = decodeEvent(raw);
    if (event.kind !== 'config-item') throw new Error(`decoded as ${event.kind}`);
    // The group as Describe would show the sample's configuration (tcp 22 from 0.0.0.0/0).
    const described: ObservedGroup = {
      groupId: 'sg-e2fb6999',
      groupName: 'sg_open_ssh',
      vpcId: 'vpc-f16e4296',
      ownerId: '123456789012',
      tags: {},
      rules: [{ ruleId: 'sgr-0a', groupId: 'sg-e2fb6999', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
    };
    // The sample's rule is not ours by default...
    expect(types(planRemediation(event, { settings: settings(), group: described }))).toEqual(['ignore']);
    // ...and is acted on when configured as the world-open rule.
    const actions = planRemediation(event, { settings: settings({ configRuleName: 'custodian-sg-exposed-port7' }), group: described });
    expect(types(actions)).toEqual(['revoke-ingress', 'notify']);
    expect(notifyOf(actions).message).toContain('eu-west-1');
  });
});

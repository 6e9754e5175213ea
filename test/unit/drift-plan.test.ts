// The drift planner over every real CloudTrail sample, then hand-made edge cases.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action, ObservedGroup } from '../../lambda-src/core/model.js';
import { decodeCloudTrail, type DecodedCloudTrailEvent } from '../../lambda-src/events/cloudtrail.js';
import { planDrift } from '../../lambda-src/plan/drift.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const sample = (name: string): DecodedCloudTrailEvent => decodeCloudTrail({ body: JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8')) })!;
const settings = (doc: object = {}) => parseSettings(JSON.stringify(doc));
const types = (actions: Action[]) => actions.map((a) => a.type);
const notifyOf = (actions: Action[]) => {
  const last = actions.at(-1);
  if (last?.type !== 'notify') throw new Error(`expected a final notify, got ${last?.type}`);
  return last;
};

/** The plan each sample must produce under default settings (every group guarded, nobody allowed). */
const EXPECTED: Record<string, { actions: object[]; outcome?: string } | { ignore: RegExp }> = {
  'cloudtrail-raw-AuthorizeSecurityGroupEgress-proto-minus1-terraform_panther.json': {
    actions: [
      {
        type: 'revoke-egress',
        groupId: 'sg-03eee825d6bb78f54',
        permissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'Allow egress to the internet. Required for now until we land ECS/ECR endpoints in the VPC' }] }],
      },
    ],
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-cli-securityGroupRuleArn-eventVersion1.10_elastic-integrations.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-0f63fecfa17ef4fee', ruleIds: ['sgr-027eb7c59241731e0'] }],
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-console-fromPort-string_panther-normalized.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-04f0b44316f7d2471', permissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/16' }] }] }],
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-errorCode-RequestExpired_panther-edited.json': { ignore: /the call failed \(RequestExpired\)/ },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-errorCode-UnauthorizedOperation_panther-edited.json': { ignore: /the call failed \(UnauthorizedOperation\)/ },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-flat-cidrIp-form-with-securityGroupRuleSet_stratus-red-team.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-003dc7f1f1c686164', ruleIds: ['sgr-09b3e3d2ca1edf2a2'] }],
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-0d921df5d84f7270a', permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }],
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-32-description_panther-sanitized.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-1', permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '127.0.0.1/32', Description: 'SSH for me' }] }] }],
  },
  'cloudtrail-raw-CreateSecurityGroup-terraform_panther.json': { ignore: /CreateSecurityGroup .*not a security-group rule change/ },
  'cloudtrail-raw-ec2-RunInstances-errorCode-Client.UnauthorizedOperation_stratus-red-team.json': { ignore: /RunInstances .*not a security-group rule change/ },
  'eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json': {
    actions: [{ type: 'revoke-ingress', groupId: 'sg-b0673be3', ruleIds: ['sgr-0c609e6f9cdaf10ea'] }],
  },
};

describe('planDrift: real samples, default settings', () => {
  const names = readdirSync(SAMPLES).filter((n) => n.startsWith('cloudtrail-') || n.startsWith('eventbridge-AuthorizeSecurityGroup'));

  it('has an expectation for every CloudTrail sample', () => {
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(names)('%s', (name) => {
    const expected = EXPECTED[name]!;
    const actions = planDrift(sample(name), { settings: settings() });
    if ('ignore' in expected) {
      expect(actions).toEqual([{ type: 'ignore', reason: expect.stringMatching(expected.ignore) as string }]);
      return;
    }
    expect(actions.slice(0, -1)).toMatchObject(expected.actions);
    expect(actions).toHaveLength(expected.actions.length + 1);
    expect(notifyOf(actions)).toMatchObject({ severity: 'medium', attributes: { kind: 'drift', action: 'reverted', group_id: (expected.actions[0] as { groupId: string }).groupId } });
  });

  it('revokes by rule ID only, not also by permissions, when the response lists the created rules', () => {
    const [revoke] = planDrift(sample('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json'), { settings: settings() });
    expect(revoke).not.toHaveProperty('permissions');
  });
});

/** A hand-made successful event to vary (already decoded). */
function event(over: Partial<DecodedCloudTrailEvent> = {}): DecodedCloudTrailEvent {
  return {
    kind: 'cloudtrail',
    eventSource: 'ec2.amazonaws.com',
    eventId: 'e-1',
    eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: '2024-05-01T10:00:00Z',
    accountId: '111122223333',
    region: 'eu-west-1',
    actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    groupId: 'sg-0123456789abcdef0',
    direction: 'ingress',
    permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    createdRules: [],
    requestRuleIds: [],
    modifiedRules: [],
    ...over,
  };
}

// As described after the event's change: the rule it added is there (observed state is the truth).
const SSH_WORLD = { ruleId: 'sgr-0new', groupId: 'sg-0123456789abcdef0', direction: 'ingress' as const, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' };
const observed = (over: Partial<ObservedGroup> = {}): ObservedGroup => ({ groupId: 'sg-0123456789abcdef0', tags: {}, rules: [SSH_WORLD], ...over });

describe('planDrift: Authorize', () => {
  it('revokes every source of a mixed IPv4 + IPv6 + prefix-list + group item', () => {
    const mixed = {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }],
      Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
      PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
      UserIdGroupPairs: [{ GroupId: 'sg-0fedcba9876543210' }],
    };
    const actions = planDrift(event({ permissions: [mixed] }), { settings: settings() });
    expect(actions[0]).toEqual({ type: 'revoke-ingress', groupId: 'sg-0123456789abcdef0', permissions: [mixed], reason: expect.stringContaining('e-1') as string });
    const body = notifyOf(actions).message;
    for (const source of ['203.0.113.0/24 "office"', '2001:db8::/32', 'prefix list pl-0123456789abcdef0', 'group sg-0fedcba9876543210']) {
      expect(body).toContain(`ingress tcp 443 from ${source}`);
    }
  });

  it('reverts an egress authorize with revoke-egress', () => {
    const actions = planDrift(event({ eventName: 'AuthorizeSecurityGroupEgress', direction: 'egress' }), { settings: settings() });
    expect(types(actions)).toEqual(['revoke-egress', 'notify']);
  });

  it('cannot act on a call that named its group only by name, and says so', () => {
    const actions = planDrift(event({ groupId: undefined, groupName: 'default' }), { settings: settings() });
    expect(types(actions)).toEqual(['notify']);
    expect(notifyOf(actions)).toMatchObject({ severity: 'high', attributes: { action: 'revert-incomplete' } });
    expect(notifyOf(actions).attributes).not.toHaveProperty('group_id');
    expect(notifyOf(actions).message).toContain('no group ID (group name default)');
  });

  it('resolves a group named by name from the observed group', () => {
    const actions = planDrift(event({ groupId: undefined, groupName: 'default' }), { settings: settings(), observedGroup: observed({ groupName: 'default' }) });
    expect(actions[0]).toMatchObject({ type: 'revoke-ingress', groupId: 'sg-0123456789abcdef0' });
  });

  it('reports an authorize that records neither request nor created rules as incomplete', () => {
    const actions = planDrift(event({ permissions: [] }), { settings: settings() });
    expect(types(actions)).toEqual(['notify']);
    expect(notifyOf(actions)).toMatchObject({ severity: 'high', attributes: { action: 'revert-incomplete' } });
  });
});

describe('planDrift: Revoke', () => {
  const revoke = (over: Partial<DecodedCloudTrailEvent>) => event({ eventName: 'RevokeSecurityGroupIngress', ...over });

  it('re-adds exactly what a revoke by permissions removed, with descriptions', () => {
    const permissions = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'db' }] }];
    const actions = planDrift(revoke({ permissions }), { settings: settings() });
    expect(actions.slice(0, -1)).toEqual([{ type: 'authorize-ingress', groupId: 'sg-0123456789abcdef0', permissions, reason: expect.any(String) as string }]);
    expect(notifyOf(actions)).toMatchObject({ severity: 'medium', attributes: { action: 'reverted' } });
    expect(notifyOf(actions).message).not.toContain('descriptions are not restored');
  });

  it('warns that descriptions the revoke request left out are not restored', () => {
    const actions = planDrift(revoke({}), { settings: settings() });
    expect(types(actions)).toEqual(['authorize-ingress', 'notify']);
    expect(notifyOf(actions).message).toContain('descriptions are not restored');
  });

  it('re-adds from revokedSecurityGroupRuleSet when the response has it (exact content, descriptions included)', () => {
    const actions = planDrift(
      revoke({
        eventName: 'RevokeSecurityGroupEgress',
        direction: 'egress',
        permissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        revokedRules: [{ ruleId: 'sgr-0aa', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0', description: 'all out' }],
      }),
      { settings: settings() },
    );
    expect(actions[0]).toMatchObject({ type: 'authorize-egress', permissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'all out' }] }] });
    expect(actions[0]).not.toHaveProperty('permissions.0.FromPort');
  });

  it('does not re-add requested rules that matched nothing (unknownIpPermissionSet)', () => {
    const actions = planDrift(
      revoke({
        permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.9.9.9/32' }] }],
        unknownPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.9.9.9/32' }] }],
      }),
      { settings: settings() },
    );
    expect(actions[0]).toMatchObject({ type: 'authorize-ingress', permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] });
    expect(notifyOf(actions).message).toContain('10.9.9.9/32: matched no rule');
  });

  it('cannot restore a revoke by rule ID that records no rule content: high-severity notice naming the IDs', () => {
    const actions = planDrift(revoke({ permissions: [], requestRuleIds: ['sgr-0aa', 'sgr-0bb'] }), { settings: settings() });
    expect(types(actions)).toEqual(['notify']);
    const notice = notifyOf(actions);
    expect(notice).toMatchObject({ severity: 'high', attributes: { action: 'revert-incomplete', severity: 'high' } });
    expect(notice.subject).toMatch(/^Could not fully revert RevokeSecurityGroupIngress on sg-0123456789abcdef0/);
    expect(notice.message).toContain('cannot restore sgr-0aa, sgr-0bb: they were revoked by rule ID');
  });

  it('restores the rule IDs the response describes and reports the rest', () => {
    const actions = planDrift(
      revoke({
        permissions: [],
        requestRuleIds: ['sgr-0aa', 'sgr-0bb'],
        revokedRules: [{ ruleId: 'sgr-0aa', groupId: 'sg-0123456789abcdef0', direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1' }],
      }),
      { settings: settings() },
    );
    expect(actions[0]).toMatchObject({ type: 'authorize-ingress', permissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-1' }] }] });
    expect(notifyOf(actions)).toMatchObject({ severity: 'high', attributes: { action: 'revert-incomplete' } });
    expect(notifyOf(actions).message).toContain('cannot restore sgr-0bb:');
  });
});

describe('planDrift: ModifySecurityGroupRules', () => {
  const modify = (over: Partial<DecodedCloudTrailEvent> = {}) =>
    event({
      eventName: 'ModifySecurityGroupRules',
      direction: undefined,
      permissions: [],
      requestRuleIds: ['sgr-0aa'],
      modifiedRules: [{ ruleId: 'sgr-0aa', request: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } }],
      ...over,
    });

  it('revokes the modified rule (fail closed) and says the old value could not be restored', () => {
    const actions = planDrift(modify(), { settings: settings() });
    expect(actions[0]).toMatchObject({ type: 'revoke-ingress', groupId: 'sg-0123456789abcdef0', ruleIds: ['sgr-0aa'] });
    const notice = notifyOf(actions);
    expect(notice).toMatchObject({ severity: 'high', attributes: { action: 'revert-incomplete', event_name: 'ModifySecurityGroupRules' } });
    expect(notice.message).toContain('remove ingress tcp 22 from 0.0.0.0/0 [sgr-0aa]');
    expect(notice.message).toContain('removed instead of restored (fail closed)');
    expect(notice.message).toContain('assumed to be an ingress rule');
  });

  it('uses the observed rule direction: an egress rule is revoked with revoke-egress', () => {
    const group = observed({ rules: [{ ruleId: 'sgr-0aa', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] });
    const actions = planDrift(modify(), { settings: settings(), observedGroup: group });
    expect(types(actions)).toEqual(['revoke-egress', 'notify']);
    expect(notifyOf(actions).message).not.toContain('assumed');
  });

  it('leaves an observed egress rule alone when guardEgress is false', () => {
    const group = observed({ rules: [{ ruleId: 'sgr-0aa', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: '-1' }] });
    const actions = planDrift(modify(), { settings: settings({ drift: { guardEgress: false } }), observedGroup: group });
    expect(actions).toEqual([{ type: 'ignore', reason: expect.stringContaining('sgr-0aa is an egress rule and drift.guardEgress is false') as string }]);
  });
});

describe('planDrift: who and what is guarded', () => {
  const ci = event({
    actor: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ci-deploy/build-42', roleArn: 'arn:aws:iam::111122223333:role/pipelines/ci-deploy' },
  });

  it.each([
    ['a role pattern, for a session of the role', 'arn:aws:iam::111122223333:role/pipelines/ci-*'],
    ['a role pattern without the path', 'arn:aws:iam::111122223333:role/ci-*'],
    ['a session pattern', 'arn:aws:sts::111122223333:assumed-role/ci-deploy/build-??'],
  ])('lets an allowed principal change things: %s', (_label, pattern) => {
    const actions = planDrift(ci, { settings: settings({ drift: { allowedPrincipalArns: ['arn:aws:iam::111122223333:user/bob', pattern] } }) });
    expect(actions).toEqual([{ type: 'ignore', reason: expect.stringContaining(`allowed by drift.allowedPrincipalArns pattern "${pattern}"`) as string }]);
  });

  it('reverts a principal no pattern matches', () => {
    const actions = planDrift(ci, { settings: settings({ drift: { allowedPrincipalArns: ['arn:aws:iam::111122223333:role/ci-deploy-prod', 'arn:aws:iam::999999999999:role/*'] } }) });
    expect(types(actions)).toEqual(['revoke-ingress', 'notify']);
  });

  it("never reverts sg-guardian's own changes (its role, matched through the session)", () => {
    const self = event({
      actor: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/sg-guardian/sg-guardian-fn', roleArn: 'arn:aws:iam::111122223333:role/sg-guardian' },
    });
    const actions = planDrift(self, { settings: settings({ selfRoleArn: 'arn:aws:iam::111122223333:role/sg-guardian' }) });
    expect(actions).toEqual([{ type: 'ignore', reason: expect.stringContaining("sg-guardian's own role") as string }]);
  });

  it('dry run: no mutation, one notice saying it would revert', () => {
    const actions = planDrift(event(), { settings: settings({ dryRun: { drift: true } }) });
    expect(types(actions)).toEqual(['notify']);
    expect(notifyOf(actions)).toMatchObject({ attributes: { action: 'would-revert' }, subject: expect.stringMatching(/^Would revert AuthorizeSecurityGroupIngress/) as string });
    expect(notifyOf(actions).message).toMatch(/would revert .* No change was made/);
  });

  it('dry run of an incomplete revert keeps the high severity', () => {
    const actions = planDrift(event({ eventName: 'RevokeSecurityGroupIngress', permissions: [], requestRuleIds: ['sgr-0aa'] }), { settings: settings({ dryRun: { drift: true } }) });
    expect(notifyOf(actions)).toMatchObject({ severity: 'high', attributes: { action: 'would-revert' } });
  });

  it('ignores egress changes when guardEgress is false (real sample)', () => {
    const egress = sample('cloudtrail-raw-AuthorizeSecurityGroupEgress-proto-minus1-terraform_panther.json');
    expect(planDrift(egress, { settings: settings({ drift: { guardEgress: false } }) })).toEqual([
      { type: 'ignore', reason: expect.stringContaining('egress change, and drift.guardEgress is false') as string },
    ]);
  });

  it('ignores everything when the drift guard is off', () => {
    expect(planDrift(event(), { settings: settings({ drift: { enabled: false } }) })).toEqual([{ type: 'ignore', reason: expect.stringContaining('drift.enabled is false') as string }]);
  });

  it('ignores a call to another service', () => {
    expect(planDrift(event({ eventSource: 'rds.amazonaws.com' }), { settings: settings() })).toEqual([{ type: 'ignore', reason: expect.stringContaining('eventSource rds.amazonaws.com') as string }]);
  });

  it.each([
    ['listed', { guardedGroupIds: ['sg-0123456789abcdef0'] }, undefined, 'reverted'],
    ['not listed', { guardedGroupIds: ['sg-0fedcba9876543210'] }, undefined, /not in drift.guardedGroupIds/],
    ['tagged (observed)', { guardTag: { key: 'guard', value: 'yes' } }, observed({ tags: { guard: 'yes' } }), 'reverted'],
    ['tag with another value (observed)', { guardTag: { key: 'guard', value: 'yes' } }, observed({ tags: { guard: 'no' } }), /not tagged guard=yes/],
    ['tag set, group not observed', { guardTag: { key: 'guard', value: 'yes' } }, undefined, 'reverted'],
    ['tag set, another group observed', { guardTag: { key: 'guard', value: 'yes' } }, observed({ groupId: 'sg-0fedcba9876543210', tags: { guard: 'yes' } }), 'reverted'],
    ['not listed but tagged', { guardedGroupIds: ['sg-0fedcba9876543210'], guardTag: { key: 'guard', value: 'yes' } }, observed({ tags: { guard: 'yes' } }), 'reverted'],
  ])('scope: %s', (_label, drift, group, expected) => {
    const actions = planDrift(event(), { settings: settings({ drift }), ...(group ? { observedGroup: group } : {}) });
    if (typeof expected === 'string') expect(notifyOf(actions).attributes.action).toBe(expected);
    else expect(actions).toEqual([{ type: 'ignore', reason: expect.stringMatching(expected) as string }]);
  });

  it('says when a group was treated as guarded because its tags were not observed', () => {
    const actions = planDrift(event(), { settings: settings({ drift: { guardTag: { key: 'guard', value: 'yes' } } }) });
    expect(notifyOf(actions).message).toContain("sg-0123456789abcdef0's tags were not observed, so it was treated as guarded");
  });

  it('plans the same actions for the same inputs', () => {
    const ctx = { settings: settings(), observedGroup: observed() };
    expect(planDrift(event(), ctx)).toEqual(planDrift(event(), ctx));
  });
});

// examples/organization, applied once with a real terraform against moto: the hub (this account,
// us-east-1) and two spokes, member account 111111111111 in us-east-1 and 222222222222 in eu-west-1,
// each deployed through a provider that assumes a role in its account (moto keeps accounts apart by
// the assumed role's credentials). Asserted from the emulator (EventBridge, Lambda, EC2, through
// the member accounts' own credentials) and the state (IAM documents: the tests have no IAM
// client): the hub bus policy, the forwarding rules in each account and region, the member roles'
// trust and permissions, the function's sts:AssumeRole scope and settings. The RAM share is
// planned, not applied: moto 5.2.5 has no AssociateResourceShare; that one re-plan also shows the
// rest converged. Then destroy leaves nothing, in the member accounts too.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { emulator, uniqueName } from '../support/aws.js';
import { type StateResource, type Statement, statements, stateResources, values } from '../support/hardening.js';
import { opts } from '../support/feed-example.js';
import { withoutEmulatorGaps, workspace } from '../support/terraform.js';

const HUB_REGION = 'us-east-1';
const ORG_ID = 'o-exampleorg1';
const EXTERNAL_ID = 'sg-guardian-example';
const SPOKES = [
  { account: '111111111111', region: 'us-east-1', module: 'module.spoke_member_a_us_east_1' },
  { account: '222222222222', region: 'eu-west-1', module: 'module.spoke_member_b_eu_west_1' },
] as const;
const ROLE = 'sg-guardian-member';
const BUS = 'sg-guardian';

const ws = workspace('organization', emulator().endpoint);
const name = uniqueName('sgg-org');
const hubAccount = emulator().accountId;
// moto 5.2.5 has no AssociateResourceShare: the apply shares nothing, a separate plan shares.
const vars = { name, share_prefix_lists_with: [] as string[] };
const hubEvents = new EventBridgeClient(opts(HUB_REGION));
let applied = false;
let outputs: Record<string, unknown> = {};
let resources: StateResource[] = [];

/** An EventBridge client acting in a member account: credentials of a role assumed there (moto's account switch). */
async function memberEvents(account: string, region: string): Promise<EventBridgeClient> {
  const sts = new STSClient(opts(region));
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'sg-guardian-test' }));
  return new EventBridgeClient({ ...opts(region), credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
}

const byAddress = (address: string) => {
  const found = resources.find((r) => r.address === address);
  if (!found) throw new Error(`${address} is not in the state: ${resources.map((r) => r.address).join(', ')}`);
  return found.values;
};
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? [...(v as string[])].sort() : [v as string]);
type PolicyStatement = Statement & { Resource?: string | string[] };
const policyStatements = (doc: unknown) => statements(doc) as PolicyStatement[];

beforeAll(async () => {
  await ws.tf(['init', '-input=false', '-no-color']);
});
afterAll(async () => {
  if (applied) await ws.destroy(vars).catch((err: unknown) => console.error(err));
  ws.cleanup();
});

describe('examples/organization: bad organization input fails at plan, naming the path', () => {
  it('no organization id and no external id (member roles would trust the hub role unconditioned), a malformed account ID and RAM principal: one plan, every message', async () => {
    // null is only expressible in a variables file (-var organization_id=null would be the string "null").
    const file = path.join(ws.dir, 'bad-organization.tfvars.json');
    fs.writeFileSync(file, JSON.stringify({ name, organization_id: null, external_id: null, member_a: '11111111111', share_prefix_lists_with: ['arn:aws:organizations::123456789012:organization/o-x'] }));
    const res = await ws.tf(['plan', '-input=false', '-no-color', `-var-file=${path.basename(file)}`], { allowFail: true });
    fs.rmSync(file);
    expect(res.code, res.stdout).toBe(1);
    const text = res.stderr.replace(/[│\s]+/g, ' '); // terraform wraps messages in boxed lines
    for (const m of [
      'organization: give organization_id (aws:PrincipalOrgID) or external_id (sts:ExternalId): the member roles trust the function\'s role only with one of them.',
      'organization.member_accounts keys must be 12-digit AWS account IDs.',
      'organization.share_prefix_lists_with: each must be an organization ARN',
    ]) expect(text).toContain(m);
  });
});

describe('examples/organization applied on the emulator: a hub and two spokes (two accounts, two regions)', () => {
  beforeAll(async () => {
    applied = true;
    outputs = await ws.apply(vars);
    resources = await stateResources(ws);
  });

  it('the hub bus admits the organization only (aws:PrincipalOrgID), for events:PutEvents on itself', async () => {
    const busArn = `arn:aws:events:${HUB_REGION}:${hubAccount}:event-bus/${BUS}`;
    expect(outputs.event_bus_arn).toBe(busArn);
    const bus = await hubEvents.send(new DescribeEventBusCommand({ Name: BUS }));
    const [statement, ...rest] = policyStatements(bus.Policy);
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({ Sid: 'OrganizationPutEvents', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: busArn });
    expect(values(statement!.Condition!.StringEquals!['aws:PrincipalOrgID'])).toEqual([ORG_ID]);
  });

  it('the hub bus rule has the pattern of the default-bus drift rule and invokes the function, permission scoped to that rule', async () => {
    const fnArn = `arn:aws:lambda:${HUB_REGION}:${hubAccount}:function:${name}`;
    const defaultRule = await hubEvents.send(new DescribeRuleCommand({ Name: `${name}-drift` }));
    const rules = (await hubEvents.send(new ListRulesCommand({ EventBusName: BUS }))).Rules ?? [];
    // World-open is off in the example: no compliance rule on the bus either.
    expect(rules.map((r) => r.Name)).toEqual([`${name}-org-drift`]);
    expect(JSON.parse(rules[0]!.EventPattern!)).toEqual(JSON.parse(defaultRule.EventPattern!));
    const targets = (await hubEvents.send(new ListTargetsByRuleCommand({ Rule: `${name}-org-drift`, EventBusName: BUS }))).Targets ?? [];
    expect(targets).toEqual([expect.objectContaining({ Arn: fnArn, DeadLetterConfig: { Arn: `arn:aws:sqs:${HUB_REGION}:${hubAccount}:${name}-dlq` } })]);

    const lambda = new LambdaClient(opts(HUB_REGION));
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy!) as { Statement: Record<string, unknown>[] };
    const permission = policy.Statement.find((s) => s.Sid === `AllowEventBridge-${name}-org-drift`);
    expect(permission).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction' });
    expect(JSON.stringify(permission!.Condition)).toContain(rules[0]!.Arn!);
    // The dead-letter queue admits the bus rule too (one queue policy for every rule of the module).
    const dlqPolicy = byAddress('module.hub.aws_sqs_queue_policy.dead_letters[0]').policy;
    expect(JSON.stringify(policyStatements(dlqPolicy)[0]!.Condition)).toContain(rules[0]!.Arn!);
  });

  for (const spoke of SPOKES) {
    it(`account ${spoke.account}, ${spoke.region}: its default bus forwards the hub's pattern to the hub bus with a role that may only put events there`, async () => {
      const events = await memberEvents(spoke.account, spoke.region);
      const rules = (await events.send(new ListRulesCommand({}))).Rules ?? [];
      expect(rules.map((r) => r.Arn)).toEqual([`arn:aws:events:${spoke.region}:${spoke.account}:rule/sg-guardian-forward-drift`]);
      const hubPattern = (await hubEvents.send(new ListRulesCommand({ EventBusName: BUS }))).Rules![0]!.EventPattern!;
      expect(JSON.parse(rules[0]!.EventPattern!)).toEqual(JSON.parse(hubPattern));
      const roleArn = `arn:aws:iam::${spoke.account}:role/sg-guardian-forward-${spoke.region}`;
      const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: 'sg-guardian-forward-drift' }))).Targets ?? [];
      expect(targets).toEqual([expect.objectContaining({ Arn: outputs.event_bus_arn, RoleArn: roleArn })]);

      const role = byAddress(`${spoke.module}.aws_iam_role.forward[0]`);
      expect(role.arn).toBe(roleArn);
      const [trust, ...more] = policyStatements(role.assume_role_policy);
      expect(more).toEqual([]);
      expect(trust).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' });
      expect(values(trust!.Condition!.StringEquals!['aws:SourceAccount'])).toEqual([spoke.account]);
      expect(values(trust!.Condition!.ArnEquals!['aws:SourceArn'])).toEqual([rules[0]!.Arn!]);
      const [put, ...others] = policyStatements(byAddress(`${spoke.module}.aws_iam_role_policy.forward[0]`).policy);
      expect(others).toEqual([]);
      expect(put).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Resource: outputs.event_bus_arn });
    });

    it(`account ${spoke.account}: the member role trusts only the hub function's role, in the organization and with the external ID`, () => {
      const role = byAddress(`${spoke.module}.aws_iam_role.member[0]`);
      expect(role.arn).toBe(`arn:aws:iam::${spoke.account}:role/${ROLE}`);
      const [trust, ...more] = policyStatements(role.assume_role_policy);
      expect(more).toEqual([]);
      expect(trust).toMatchObject({ Effect: 'Allow', Principal: { AWS: outputs.function_role_arn }, Action: 'sts:AssumeRole' });
      expect(Object.keys(trust!.Condition!)).toEqual(['StringEquals']);
      expect(trust!.Condition!.StringEquals).toEqual({ 'aws:PrincipalOrgID': ORG_ID, 'sts:ExternalId': EXTERNAL_ID });
    });

    it(`account ${spoke.account}: the member role grants the hub's EC2 scope in ${spoke.region} only (describe, revert on guard-tagged groups), nothing else`, () => {
      const doc = policyStatements(byAddress(`${spoke.module}.aws_iam_role_policy.member[0]`).policy);
      expect(doc.map((s) => s.Sid)).toEqual(['ReadSecurityGroups', 'DriftRevertTaggedGroups']);
      const [read, revert] = doc as [PolicyStatement, PolicyStatement];
      expect(list(read.Action).every((a) => /^ec2:(Describe|Get)/.test(a))).toBe(true);
      expect(list(revert.Action)).toEqual(['ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress']);
      expect(list(revert.Resource)).toEqual([`arn:aws:ec2:${spoke.region}:${spoke.account}:security-group/*`]);
      expect(revert.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/sg-guardian:guard': 'true' } });
      // No wildcard action, no mutation on "*", nothing outside EC2 (no SNS, DynamoDB, KMS, STS, IAM).
      for (const s of doc) {
        expect(list(s.Action).every((a) => a.startsWith('ec2:') && !a.includes('*')), s.Sid).toBe(true);
        if (s !== read) expect(list(s.Resource), s.Sid).not.toContain('*');
      }
      // The same statements, scoped to the hub's own account and region, are the function's at home.
      const hub = new Map(policyStatements(byAddress('module.hub.module.function.aws_iam_role_policy.this').policy).map((s) => [s.Sid, s]));
      expect(hub.get('DriftRevertTaggedGroups')).toMatchObject({ Action: revert.Action, Condition: revert.Condition, Resource: `arn:aws:ec2:${HUB_REGION}:${hubAccount}:security-group/*` });
      expect(hub.get('ReadSecurityGroups')).toMatchObject({ Action: read.Action, Resource: '*' });
    });
  }

  it('each spoke lives in its own account: the member accounts hold their rules, the hub account none of them', async () => {
    const hubDefault = (await hubEvents.send(new ListRulesCommand({}))).Rules ?? [];
    expect(hubDefault.filter((r) => r.Name!.includes('forward'))).toEqual([]);
    // Account 111111111111 in eu-west-1 has no spoke: nothing there.
    const elsewhere = await memberEvents(SPOKES[0].account, SPOKES[1].region);
    expect((await elsewhere.send(new ListRulesCommand({}))).Rules ?? []).toEqual([]);
  });

  it('the function may assume exactly the two member roles, and its settings name them (organization section)', async () => {
    const hub = new Map(policyStatements(byAddress('module.hub.module.function.aws_iam_role_policy.this').policy).map((s) => [s.Sid, s]));
    expect(hub.get('AssumeMemberRoles')).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(list(hub.get('AssumeMemberRoles')!.Resource)).toEqual(SPOKES.map((s) => `arn:aws:iam::${s.account}:role/${ROLE}`));
    expect([...hub.values()].filter((s) => list(s.Action).some((a) => a.startsWith('sts:'))).map((s) => s.Sid)).toEqual(['AssumeMemberRoles']);
    expect(outputs.member_role_arns).toEqual(Object.fromEntries(SPOKES.map((s) => [s.account, `arn:aws:iam::${s.account}:role/${ROLE}`])));

    const lambda = new LambdaClient(opts(HUB_REGION));
    const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const settings = JSON.parse(cfg.Environment!.Variables!.SG_GUARDIAN_CONFIG!) as { organization: unknown };
    expect(settings.organization).toEqual({
      memberRoleName: ROLE,
      externalId: EXTERNAL_ID,
      targets: SPOKES.map((s) => ({ accountId: s.account, regions: [s.region] })),
    });
  });

  it('re-plan: converged, and sharing the feed prefix lists adds only the RAM share, planned only (moto 5.2.5 has no AssociateResourceShare): inside the organization, to both accounts, both lists', async () => {
    const ids = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string };
    const lists = (await new EC2Client(opts(HUB_REGION)).send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [ids.ipv4, ids.ipv6] }))).PrefixLists ?? [];
    expect(lists).toHaveLength(2);
    // The example's default: the two member accounts (given here over the apply's empty list).
    const principals = SPOKES.map((s) => s.account);
    await ws.tf(['plan', '-input=false', '-no-color', '-out=share.tfplan', '-var', `share_prefix_lists_with=${JSON.stringify(principals)}`]);
    const shown = JSON.parse((await ws.tf(['show', '-json', '-no-color', 'share.tfplan'])).stdout) as { resource_changes: { address: string; type: string; change: { actions: string[]; before: unknown; after: Record<string, unknown> } }[] };
    const ram = shown.resource_changes.filter((r) => r.type.startsWith('aws_ram_'));
    expect(ram.every((r) => r.change.actions.join() === 'create')).toBe(true);
    const share = ram.filter((r) => r.type === 'aws_ram_resource_share');
    expect(share).toHaveLength(1);
    expect(share[0]!.change.after).toMatchObject({ name: `${name}-feed-prefix-lists`, allow_external_principals: false });
    expect(ram.filter((r) => r.type === 'aws_ram_principal_association').map((r) => r.change.after.principal).sort()).toEqual(principals);
    expect(ram.filter((r) => r.type === 'aws_ram_resource_association').map((r) => r.change.after.resource_arn).sort()).toEqual(lists.map((l) => l.PrefixListArn).sort());
    expect(ram).toHaveLength(1 + principals.length + lists.length);

    // Everything else is converged: no change but the emulator's known Lambda attributes.
    const rest = shown.resource_changes
      .filter((r) => !r.type.startsWith('aws_ram_') && !['no-op', 'read'].includes(r.change.actions.join()))
      .map((r) => {
        const before = (r.change.before ?? {}) as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(before), ...Object.keys(r.change.after)])];
        return { address: r.address, actions: r.change.actions, changedKeys: keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(r.change.after[k])) };
      });
    expect(withoutEmulatorGaps(rest, emulator().kind)).toEqual([]);
  });

  it('destroy leaves nothing, in the member accounts either', async () => {
    await ws.destroy(vars);
    applied = false;
    expect((await ws.tf(['state', 'list'])).stdout.trim()).toBe('');
    for (const spoke of SPOKES) {
      const events = await memberEvents(spoke.account, spoke.region);
      expect((await events.send(new ListRulesCommand({}))).Rules ?? [], spoke.account).toEqual([]);
    }
    expect(((await hubEvents.send(new ListRulesCommand({}))).Rules ?? []).filter((r) => r.Name!.startsWith(name))).toEqual([]);
  });
});

// Drift guard end to end on the emulator: tofu/terraform applies examples/drift-guard, an
// unauthorized change is made, the real CloudTrail event (nuvibit sample, adapted to the emulator's
// IDs) goes through an EventBridge rule with the module's own pattern, then to the bundled handler
// running with the deployed function's environment. The rule is gone, the CI role's change stays,
// the notification reaches an SQS subscriber with its attributes, and a replay changes nothing.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteTagsCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
} from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { drain, ec2, emulator, notification, queue, sns, sqs, uniqueName } from '../support/aws.js';
import { workspace, repoRoot } from '../support/terraform.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';
import { type StateResource, bySid, one, overrideModule, stateResources, statements, values } from '../support/hardening.js';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';

const SAMPLE = 'eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json';
const SCHEDULE = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/samples/eventbridge-scheduled-event_custodian.json'), 'utf8')) as unknown;
const client = ec2();
const queues = sqs();
const ws = workspace('drift-guard', emulator().endpoint);
const name = uniqueName('sgg-drift');
let applied = false;
let outputs: Record<string, unknown> = {};
let env: Record<string, string> = {};
let inboxUrl = '';
let groupId = '';
let resources: StateResource[] = [];
// Issue #10's hardening inputs, on top of the example (which creates the trail).
const HARDENING = {
  trail_cloudwatch_logs_enabled: 'true',
  lambda_log_retention_days: '7',
  audit_log_retention_days: '400',
  audit_object_lock_days: '30',
  alarm_feed_stale_days: '2',
};

async function ingressOf(id: string) {
  const res = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }));
  return (res.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}

interface ConsoleEvent {
  source: string;
  'detail-type': string;
  account: string;
  detail: {
    eventName?: string;
    eventID: string;
    userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string } } };
    requestParameters: { groupId: string };
    responseElements: { securityGroupRuleSet: { items: Record<string, unknown>[] } };
  };
}

/** The real console event, pointed at the emulator's group and rule; actor, IP and agent as recorded. */
function consoleEvent(ruleId: string, actorArn?: string): ConsoleEvent {
  const event = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/samples', SAMPLE), 'utf8')) as ConsoleEvent;
  event.account = emulator().accountId;
  // Recorded in the emulator's account and region: the function acts only on its own (provenance).
  Object.assign(event.detail, { recipientAccountId: emulator().accountId, awsRegion: emulator().region, eventID: randomUUID() });
  event.detail.requestParameters.groupId = groupId;
  Object.assign(event.detail.responseElements.securityGroupRuleSet.items[0]!, { groupId, securityGroupRuleId: ruleId, groupOwnerId: emulator().accountId });
  if (actorArn) {
    event.detail.userIdentity.arn = actorArn;
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = actorArn.replace(':sts:', ':iam:').replace('assumed-role/', 'role/').replace(/\/[^/]+$/, '');
  }
  return event;
}

/** Delivers the event through a twin of the module's rule (same pattern, SQS target) and returns what EventBridge delivered. */
async function throughEventBridge(event: { source: string; 'detail-type': string; detail: unknown }) {
  // Another region: the module's own rule targets a Lambda, which the emulator cannot invoke.
  const region = 'us-west-2';
  const opts = { endpoint: emulator().endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const bridge = new EventBridgeClient(opts);
  const west = new SQSClient(opts);
  const q = await queue(west, uniqueName('sgg-twin'));
  const rule = uniqueName('sgg-twin');
  await bridge.send(new PutRuleCommand({ Name: rule, EventPattern: String(outputs.drift_event_pattern), State: 'ENABLED' }));
  await bridge.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'sqs', Arn: q.arn }] }));
  const put = await bridge.send(new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }));
  expect(put.FailedEntryCount).toBe(0);
  const [msg] = await drain(west, q.url);
  expect(msg, 'the module event pattern did not match the CloudTrail event').toBeDefined();
  return JSON.parse(msg!.Body!) as Record<string, unknown>;
}

beforeAll(async () => {
  const inbox = await queue(queues, uniqueName('sgg-inbox'));
  inboxUrl = inbox.url;
  overrideModule(ws, HARDENING);
  await ws.tf(['init', '-input=false', '-no-color']);
  applied = true; // from here on a failure may leave resources: afterAll destroys
  outputs = await ws.apply({ name, notifications_subscriptions: [{ protocol: 'sqs', endpoint: inbox.arn }] });
  resources = await stateResources(ws);
  env = await deployedEnvironment(String(outputs.function_name));

  const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
  groupId = (
    await client.send(
      new CreateSecurityGroupCommand({
        GroupName: uniqueName('prod-web'),
        Description: 'guarded',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'sg-guardian:guard', Value: 'true' }] }],
      }),
    )
  ).GroupId!;
});

afterAll(async () => {
  if (applied) await ws.destroy({ name, notifications_subscriptions: [] });
  ws.cleanup();
});

describe('drift guard on the emulator', () => {
  it('deploys the function with a settings document the bundle accepts', () => {
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { drift: { guardTag: unknown }; selfRoleArn: string; notifications: { topicArn: string } };
    expect(config.drift.guardTag).toEqual({ key: 'sg-guardian:guard', value: 'true' });
    expect(config.selfRoleArn).toBe(outputs.function_role_arn);
    expect(config.notifications.topicArn).toBe(outputs.notifications_topic_arn);
    expect(String(outputs.trail_arn)).toMatch(/:trail\//);
  });

  it('reverts an unauthorized rule, notifies once, and a replay is a no-op', async () => {
    const keep = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal' }] }] }));
    const bad = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const badId = bad.SecurityGroupRules![0]!.SecurityGroupRuleId!;

    const delivered = await throughEventBridge(consoleEvent(badId));
    const run = await invokeBundle(delivered, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.kind).toBe('cloudtrail');
    expect(run.result!.results.map((r) => [r.action.type, r.status])).toEqual([
      ['revoke-ingress', 'done'],
      ['notify', 'done'],
    ]);
    expect((await ingressOf(groupId)).map((r) => r.SecurityGroupRuleId)).toEqual([keep.SecurityGroupRules![0]!.SecurityGroupRuleId]);

    const [note, ...extra] = await drain(queues, inboxUrl);
    expect(extra).toEqual([]);
    const body = JSON.parse(note!.Body!) as { Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> };
    expect(body.Subject).toContain(groupId);
    expect(body.Subject.length).toBeLessThanOrEqual(100);
    expect(body.Message).toContain('arn:aws:sts::626708301729:assumed-role/AWSReservedSSO_AdministratorAccess_1f51a532758ff888/michael.ullrich@nuvibit.com');
    expect(body.Message).toContain('194.230.147.5');
    expect(body.Message).toContain(badId);
    expect(Object.fromEntries(Object.entries(body.MessageAttributes).map(([k, v]) => [k, v.Value]))).toMatchObject({
      kind: 'drift',
      action: 'reverted',
      group_id: groupId,
    });
    expect(['medium', 'high']).toContain(body.MessageAttributes.severity?.Value);

    // The ledger knows this event ID: a redelivery acts on nothing and sends nothing.
    const replay = await invokeBundle(delivered, env);
    expect(replay.ok, replay.error).toBe(true);
    expect(replay.result!.actions).toEqual([{ type: 'ignore', reason: expect.stringContaining('already handled') as string }]);
    expect(await drain(queues, inboxUrl, 0)).toEqual([]);
  });

  it("leaves an allowed principal's change in place and says why", async () => {
    const ci = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }] }));
    const ciId = ci.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const event = consoleEvent(ciId, `arn:aws:sts::${emulator().accountId}:assumed-role/ci-deployer/pipeline-42`);
    const run = await invokeBundle(await throughEventBridge(event), env);
    expect(run.ok, run.error).toBe(true);
    expect(run.result!.actions.map((a) => a.type)).toEqual(['ignore']);
    expect(String(run.result!.actions[0]!.reason)).toContain('ci-deployer');
    expect((await ingressOf(groupId)).some((r) => r.SecurityGroupRuleId === ciId)).toBe(true);
  });

  it("ignores the function's own changes (no self-trigger)", async () => {
    const own = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9443, ToPort: 9443, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] }));
    const ownId = own.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const roleName = String(outputs.function_role_arn).split('/').pop();
    const run = await invokeBundle(consoleEvent(ownId, `arn:aws:sts::${emulator().accountId}:assumed-role/${roleName}/${name}`), env);
    expect(run.result!.actions.map((a) => a.type)).toEqual(['ignore']);
    expect((await ingressOf(groupId)).some((r) => r.SecurityGroupRuleId === ownId)).toBe(true);
  });

  it('rejects a malformed event with the field path and calls nothing', async () => {
    const broken = consoleEvent('sgr-0000000000000000a');
    delete broken.detail.eventName;
    const run = await invokeBundle(broken, env);
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(/detail\.eventName/);
  });
});


// ---- attacks ------------------------------------------------------------------------------------
// Each attack of issue #9 against the deployed settings (the table Terraform applied, the bundle
// with the function's environment): the group ends at its desired state, the attacker is
// reported, nothing legitimate is removed.

const INTRUDER = () => `arn:aws:sts::${emulator().accountId}:assumed-role/contractor/mallory`;

interface TrailDetail {
  eventName: string;
  requestParameters: Record<string, unknown>;
  responseElements?: Record<string, unknown> | null;
}

/** A CloudTrail record as EventBridge delivers it, by `actor`, in the emulator's account and region. */
function trail(detail: TrailDetail, actor = INTRUDER()) {
  const session = actor.split('/').pop()!;
  const role = actor.replace(':sts:', ':iam:').replace('assumed-role/', 'role/').replace(/\/[^/]+$/, '');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: emulator().accountId,
    time: new Date().toISOString(),
    region: emulator().region,
    resources: [],
    detail: {
      eventVersion: '1.10',
      userIdentity: { type: 'AssumedRole', arn: actor, accountId: emulator().accountId, principalId: `AROA:${session}`, sessionContext: { sessionIssuer: { type: 'Role', arn: role } } },
      eventTime: new Date().toISOString(),
      eventSource: 'ec2.amazonaws.com',
      awsRegion: emulator().region,
      sourceIPAddress: '203.0.113.66',
      userAgent: 'aws-cli/2.15.0',
      eventID: randomUUID(),
      eventType: 'AwsApiCall',
      recipientAccountId: emulator().accountId,
      responseElements: null,
      ...detail,
    },
  };
}

const perm = (port: number, cidr: string, description?: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr, ...(description ? { Description: description } : {}) }] });
const ctPerm = (port: number, cidr: string) => ({ items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: cidr }] } }] });

function authorizeEvent(gid: string, ruleId: string, port: number, cidr: string, actor?: string) {
  return trail(
    {
      eventName: 'AuthorizeSecurityGroupIngress',
      requestParameters: { groupId: gid, ipPermissions: ctPerm(port, cidr) },
      responseElements: { _return: true, securityGroupRuleSet: { items: [{ groupOwnerId: emulator().accountId, groupId: gid, securityGroupRuleId: ruleId, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr }] } },
    },
    actor,
  );
}

function revokeEvent(gid: string, port: number, cidr: string, actor?: string) {
  return trail({ eventName: 'RevokeSecurityGroupIngress', requestParameters: { groupId: gid, ipPermissions: ctPerm(port, cidr) }, responseElements: { _return: true } }, actor);
}

/** Ingress as sorted "port cidr [description] id" lines. */
async function ingressLines(id: string) {
  return (await ingressOf(id)).map((r) => `${r.FromPort} ${r.CidrIpv4 ?? r.CidrIpv6} ${r.Description ?? ''}`.trim()).sort();
}

describe('attacks on a guarded, enrolled group (issue #9), through the deployed settings', () => {
  let gid = '';
  let legitId = '';
  const BASELINE = ['443 10.0.0.0/8 internal'];
  // This group's notifications (the sweep also reports on the other test group of this file).
  const notes = async (want: number) => (await drain(queues, inboxUrl, want)).map(notification).filter((n) => n.attributes.group_id === gid);
  const intruderTold = (n: { message: string }) => expect(n.message).toContain(INTRUDER());
  // The first notification of this group that says `text` (an unacknowledged earlier one may come back first).
  const toldWith = async (text: string) => {
    for (let i = 0; i < 4; i++) {
      const hit = (await notes(1)).find((n) => n.message.includes(text));
      if (hit) return hit;
    }
    return undefined;
  };

  beforeAll(async () => {
    await drain(queues, inboxUrl, 0); // earlier tests' leftovers
    gid = (
      await client.send(
        new CreateSecurityGroupCommand({ GroupName: uniqueName('payments'), Description: 'guarded', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'sg-guardian:guard', Value: 'true' }] }] }),
      )
    ).GroupId!;
    await client.send(new RevokeSecurityGroupEgressCommand({ GroupId: gid, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })).catch(() => undefined);
    legitId = (await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(443, '10.0.0.0/8', 'internal')] }))).SecurityGroupRules![0]!.SecurityGroupRuleId!;
    // Enrolment at deploy time: the schedule's sweep takes each guarded group's rules as its baseline.
    const sweep = await invokeBundle(SCHEDULE, env);
    expect(sweep.ok, sweep.error ?? sweep.logs).toBe(true);
    const enrolled = (await drain(queues, inboxUrl, 1)).map(notification).find((n) => n.attributes.action === 'enrolled');
    expect(enrolled?.message).toContain(`${gid}: 1 rule(s)`);
  });

  it('authorize-then-revoke, delivered in reverse order: port 22 is never re-opened, the intruder is reported twice', async () => {
    const opened = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(22, '0.0.0.0/0')] }));
    const openedId = opened.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(22, '0.0.0.0/0')] }));

    const revoke = await invokeBundle(revokeEvent(gid, 22, '0.0.0.0/0'), env);
    expect(revoke.ok, revoke.error ?? revoke.logs).toBe(true);
    expect(revoke.result!.actions.map((a) => a.type)).toEqual(['notify']);
    const authorize = await invokeBundle(authorizeEvent(gid, openedId, 22, '0.0.0.0/0'), env);
    expect(authorize.ok, authorize.error).toBe(true);
    expect(authorize.result!.actions.map((a) => a.type)).toEqual(['notify']);

    expect(await ingressLines(gid)).toEqual(BASELINE);
    const told = await notes(2);
    expect(told).toHaveLength(2);
    told.forEach(intruderTold);
    expect(told.find((n) => n.subject.includes('RevokeSecurityGroupIngress'))!.message).toContain('not restored: ingress tcp 22 from 0.0.0.0/0 is not in the approved baseline');
  });

  it('a forged Revoke naming 0.0.0.0/0:22 authorizes nothing', async () => {
    const run = await invokeBundle(revokeEvent(gid, 22, '0.0.0.0/0', 'arn:aws:iam::123456789012:user/nobody'), env);
    expect(run.ok, run.error).toBe(true);
    expect(run.result!.actions.filter((a) => a.type.startsWith('authorize'))).toEqual([]);
    expect(await ingressLines(gid)).toEqual(BASELINE);
    expect((await notes(1))[0]!.attributes.action).toBe('nothing-to-undo');
  });

  it('a forged Authorize naming the legitimate rule ID (tcp/443 from 10.0.0.0/8) revokes nothing', async () => {
    const run = await invokeBundle(authorizeEvent(gid, legitId, 443, '0.0.0.0/0'), env);
    expect(run.ok, run.error).toBe(true);
    expect(run.result!.actions.filter((a) => a.type.startsWith('revoke'))).toEqual([]);
    expect((await ingressOf(gid)).map((r) => r.SecurityGroupRuleId)).toEqual([legitId]);
    const [n] = await notes(1);
    expect(n!.message).toContain('kept ingress tcp 443 from 10.0.0.0/8 "internal": it is part of the approved baseline');
  });

  it('a description-only ModifySecurityGroupRules restores the description in place, never deletes the rule', async () => {
    await client.send(
      new ModifySecurityGroupRulesCommand({ GroupId: gid, SecurityGroupRules: [{ SecurityGroupRuleId: legitId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8', Description: 'pwned' } }] }),
    );
    const event = trail({
      eventName: 'ModifySecurityGroupRules',
      requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: gid, SecurityGroupRule: { SecurityGroupRuleId: legitId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8', Description: 'pwned' } } } },
      responseElements: { ModifySecurityGroupRulesResponse: { _return: true } },
    });
    const run = await invokeBundle(event, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['modify-rules:done', 'notify:done']);
    expect((await ingressOf(gid)).map((r) => [r.SecurityGroupRuleId, r.Description])).toEqual([[legitId, 'internal']]);
    intruderTold((await notes(1))[0]!);
  });

  it('a publish that fails fails the run; the retry publishes; a true replay does not', async () => {
    const bad = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(3389, '0.0.0.0/0')] }));
    const event = authorizeEvent(gid, bad.SecurityGroupRules![0]!.SecurityGroupRuleId!, 3389, '0.0.0.0/0');
    // The topic is gone for the first attempt (a real failure of the emulator's SNS, not a mock).
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { notifications: { topicArn: string } };
    const broken = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify({ ...config, notifications: { topicArn: `${config.notifications.topicArn}-missing` } }) };
    const first = await invokeBundle(event, broken);
    expect(first.ok).toBe(false);
    expect(await ingressLines(gid)).toEqual(BASELINE); // the revert itself went through

    const retry = await invokeBundle(event, env);
    expect(retry.ok, retry.error).toBe(true);
    // The rule is already gone, so the reconcile has nothing to revoke; the notification still goes out.
    expect(retry.result!.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['notify:done']);
    const [told, ...more] = await notes(1);
    expect(more).toEqual([]);
    intruderTold(told!);

    const replay = await invokeBundle(event, env);
    expect(replay.result!.actions).toEqual([{ type: 'ignore', reason: expect.stringContaining('already handled') as string }]);
    expect(await notes(0)).toEqual([]);
  });

  it('world-open remediation first, CloudTrail event second (world-open switched on in the deployed settings): no replacement rule, the intruder still reported', async () => {
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as Record<string, unknown>;
    const both = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify({ ...config, worldOpen: { enabled: true, authorizedTcpPorts: ['443'], replacementCidrsIpv4: ['198.51.100.0/24'] } }) };
    const opened = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(22, '0.0.0.0/0')] }));
    const compliance = {
      version: '0', id: randomUUID(), 'detail-type': 'Config Rules Compliance Change', source: 'aws.config', account: emulator().accountId, time: new Date().toISOString(), region: emulator().region, resources: [],
      detail: { resourceId: gid, resourceType: 'AWS::EC2::SecurityGroup', awsRegion: emulator().region, awsAccountId: emulator().accountId, configRuleName: 'sg-guardian-sg-open-only-to-authorized-ports', messageType: 'ComplianceChangeNotification', newEvaluationResult: { complianceType: 'NON_COMPLIANT' } },
    };
    const fix = await invokeBundle(compliance, both);
    expect(fix.ok, fix.error ?? fix.logs).toBe(true);
    expect(fix.result!.actions.filter((a) => a.type === 'authorize-ingress')).toEqual([]);
    expect(await ingressLines(gid)).toEqual(BASELINE);

    const run = await invokeBundle(authorizeEvent(gid, opened.SecurityGroupRules![0]!.SecurityGroupRuleId!, 22, '0.0.0.0/0'), both);
    expect(run.ok, run.error).toBe(true);
    const told = await notes(2);
    expect(told.map((n) => n.attributes.kind).sort()).toEqual(['drift', 'world-open']);
    intruderTold(told.find((n) => n.attributes.kind === 'drift')!);
    expect(await ingressLines(gid)).toEqual(BASELINE);
  });

  it('removing the guard tag does not unguard an enrolled group', async () => {
    await client.send(new DeleteTagsCommand({ Resources: [gid], Tags: [{ Key: 'sg-guardian:guard' }] }));
    const bad = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(5432, '0.0.0.0/0')] }));
    const run = await invokeBundle(authorizeEvent(gid, bad.SecurityGroupRules![0]!.SecurityGroupRuleId!, 5432, '0.0.0.0/0'), env);
    expect(run.result!.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['revoke-ingress:done', 'notify:done']);
    expect(await ingressLines(gid)).toEqual(BASELINE);
    const n = await toldWith('no longer tagged sg-guardian:guard=true');
    expect(n, 'a notification saying the group stays guarded').toBeDefined();
    intruderTold(n!);
  });

  it('the sweep reconciles a change no event explained (missed event), after the grace period', async () => {
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { state: Record<string, unknown> };
    const noGrace = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify({ ...config, state: { ...config.state, graceSeconds: 0 } }) };
    await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [perm(6379, '0.0.0.0/0')] }));
    // With the deployed grace period (15 min) the first sweep only remembers the difference.
    const early = await invokeBundle(SCHEDULE, env);
    expect(early.ok, early.error ?? early.logs).toBe(true);
    expect(await ingressLines(gid)).toContain('6379 0.0.0.0/0');
    const late = await invokeBundle(SCHEDULE, noGrace);
    expect(late.ok, late.error ?? late.logs).toBe(true);
    expect(await ingressLines(gid)).toEqual(BASELINE);
    const [n] = (await notes(1)).filter((x) => x.attributes.action === 'missed-event');
    expect(n!.message).toContain('remove ingress tcp 6379 from 0.0.0.0/0');
  });
});

// Issue #10, hardening and operations, asserted on this file's one apply of examples/drift-guard
// (plus a trail with CloudWatch Logs, separate audit retention and Object Lock, through an override
// file): everything from the state and the emulator's own answers. (Until #13 these had an apply of
// examples/minimal of their own.)
describe('examples/drift-guard hardened: alarms, dashboard, topic policy, trail trust, audit buckets', () => {
  const account = emulator().accountId;

  it('plans no world-open or remediation resource when world-open remediation is off', () => {
    expect(resources.filter((r) => /world_open|remediation|config_rule|aws_config_/.test(r.address)).map((r) => r.address)).toEqual([]);
  });

  it('alarms on the dead-letter queue, errors, throttles and failed actions, to the notification topic', () => {
    const topic = String(outputs.notifications_topic_arn);
    const alarm = (suffix: string) => one(resources, `module.alarms[0].aws_cloudwatch_metric_alarm.${suffix}`).values;
    expect(alarm('dead_letters')).toMatchObject({
      alarm_name: `${name}-dead-letters`,
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: `${name}-dlq` },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    for (const [suffix, metric] of [['errors', 'Errors'], ['throttles', 'Throttles']] as const) {
      expect(alarm(suffix)).toMatchObject({ namespace: 'AWS/Lambda', metric_name: metric, dimensions: { FunctionName: name }, statistic: 'Sum', threshold: 0, alarm_actions: [topic] });
    }
    // `failed` as lambda-src/handler.ts emits it: namespace sg-guardian, service = the function's name, one query per kind.
    const failed = alarm('failed_actions');
    expect(failed).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 0, alarm_actions: [topic] });
    const queries = failed.metric_query as { id: string; expression: string; metric: { namespace: string; metric_name: string; dimensions: Record<string, string> }[] }[];
    const sum = queries.find((q) => q.id === 'failed')!;
    const perKind = queries.filter((q) => q.id !== 'failed');
    expect(perKind.map((q) => q.metric[0]!.dimensions.kind).sort()).toEqual(['cloudtrail', 'config-compliance', 'config-item', 'config-remediation', 'invoke', 'ip-space-changed', 'schedule']);
    expect(perKind.every((q) => q.metric[0]!.namespace === 'sg-guardian' && q.metric[0]!.metric_name === 'failed' && q.metric[0]!.dimensions.service === name)).toBe(true);
    expect(sum.expression).toBe(`SUM([${perKind.map((q) => q.id).join(', ')}])`);
    // No feed enabled: no staleness alarm.
    expect(resources.filter((r) => r.address.includes('feed_stale'))).toEqual([]);
    expect(resources.filter((r) => r.type === 'aws_cloudwatch_metric_alarm').map((r) => r.values.alarm_name).sort()).toEqual(
      ['dead-letters', 'errors', 'failed-actions', 'throttles'].map((a) => `${name}-${a}`),
    );
  });

  it('a dashboard with applied / ignored / failed by kind, duration and dead-letter depth', () => {
    const dashboard = one(resources, 'aws_cloudwatch_dashboard.this[0]').values;
    expect(dashboard.dashboard_name).toBe(name);
    const widgets = (JSON.parse(String(dashboard.dashboard_body)) as { widgets: { properties: { title: string; metrics?: unknown[][] } }[] }).widgets;
    expect(widgets.map((w) => w.properties.title)).toEqual(['applied by kind', 'ignored by kind', 'failed by kind', 'duration (ms)', 'dead-letter queue depth', 'invocations, errors, throttles', 'sg-guardian alarms']);
    expect(widgets[2]!.properties.metrics).toContainEqual(['sg-guardian', 'failed', 'service', name, 'kind', 'cloudtrail']);
    expect(widgets[4]!.properties.metrics).toEqual([['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `${name}-dlq`]]);
  });

  it('the notification topic denies every publisher but the function role, and admits only this module’s alarms', async () => {
    const role = `arn:aws:iam::${account}:role/${name}`;
    const policy = (await sns().send(new GetTopicAttributesCommand({ TopicArn: String(outputs.notifications_topic_arn) }))).Attributes!.Policy!;
    const deny = bySid(policy, 'DenyOtherPublishers')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish' });
    expect(values(deny.Condition!.ArnNotEquals!['aws:PrincipalArn'])).toEqual([role]);
    expect(values(deny.Condition!.StringNotEquals!['aws:PrincipalServiceName'])).toEqual(['cloudwatch.amazonaws.com']);
    expect(bySid(policy, 'PublishersOfThisAccount')).toMatchObject({ Effect: 'Allow', Principal: { AWS: role } });
    const alarms = bySid(policy, 'ModuleAlarmsPublish')!;
    expect(alarms).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } });
    expect(values(alarms.Condition!.StringEquals!['aws:SourceAccount'])).toEqual([account]);
    expect(values(alarms.Condition!.ArnLike!['aws:SourceArn'])).toEqual([`arn:aws:cloudwatch:us-east-1:${account}:alarm:${name}-*`]);
    expect(bySid(policy, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny' });
  });

  it('the trail’s log-delivery role trusts CloudTrail only for this trail of this account', () => {
    const trust = one(resources, 'module.trail[0].aws_iam_role.logs[0]').values.assume_role_policy;
    const [statement, ...rest] = statements(trust);
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' });
    expect(values(statement!.Condition!.StringEquals!['aws:SourceAccount'])).toEqual([account]);
    expect(values(statement!.Condition!.ArnEquals!['aws:SourceArn'])).toEqual([`arn:aws:cloudtrail:us-east-1:${account}:trail/${name}-trail`]);
  });

  it('audit logs keep their own retention (400 days) and a governance Object Lock (30 days), whatever the Lambda logs keep (7)', () => {
    expect(one(resources, 'module.function.aws_cloudwatch_log_group.this').values.retention_in_days).toBe(7);
    expect(one(resources, 'module.trail[0].aws_cloudwatch_log_group.this[0]').values.retention_in_days).toBe(400);
    const lifecycle = one(resources, 'module.trail[0].module.bucket.aws_s3_bucket_lifecycle_configuration.this').values.rule as { expiration: { days: number }[] }[];
    expect(lifecycle[0]!.expiration[0]!.days).toBe(400);
    expect(one(resources, 'module.trail[0].module.bucket.aws_s3_bucket.this').values.object_lock_enabled).toBe(true);
    const lock = one(resources, 'module.trail[0].module.bucket.aws_s3_bucket_object_lock_configuration.this[0]').values.rule as { default_retention: { mode: string; days: number }[] }[];
    expect(lock[0]!.default_retention[0]).toMatchObject({ mode: 'GOVERNANCE', days: 30 });
  });
});

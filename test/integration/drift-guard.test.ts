// Drift guard end to end on the emulator: tofu/terraform applies examples/drift-guard, an
// unauthorized change is made, the real CloudTrail event (nuvibit sample, adapted to the emulator's
// IDs) goes through an EventBridge rule with the module's own pattern, then to the bundled handler
// running with the deployed function's environment. The rule is gone, the CI role's change stays,
// the notification reaches an SQS subscriber with its attributes, and a replay changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
} from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { drain, ec2, emulator, queue, sqs, uniqueName } from '../support/aws.js';
import { workspace, repoRoot } from '../support/terraform.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';

const SAMPLE = 'eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json';
const client = ec2();
const queues = sqs();
const ws = workspace('drift-guard', emulator().endpoint);
const name = uniqueName('sgg-drift');
let outputs: Record<string, unknown> = {};
let env: Record<string, string> = {};
let inboxUrl = '';
let groupId = '';

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
    userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string } } };
    requestParameters: { groupId: string };
    responseElements: { securityGroupRuleSet: { items: Record<string, unknown>[] } };
  };
}

/** The real console event, pointed at the emulator's group and rule; actor, IP and agent as recorded. */
function consoleEvent(ruleId: string, actorArn?: string): ConsoleEvent {
  const event = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/samples', SAMPLE), 'utf8')) as ConsoleEvent;
  event.account = emulator().accountId;
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
  await ws.tf(['init', '-input=false', '-no-color']);
  outputs = await ws.apply({ name, notifications_subscriptions: [{ protocol: 'sqs', endpoint: inbox.arn }] });
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
  await ws.destroy({ name, notifications_subscriptions: [] });
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

    const replay = await invokeBundle(delivered, env);
    expect(replay.ok, replay.error).toBe(true);
    expect(replay.result!.results.map((r) => r.status)).toEqual(['already', 'skipped']);
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


// World-open remediation end to end on the emulator: tofu/terraform applies examples/config-remediation,
// groups get world-open rules (in a non-default VPC and in the default one), and the three paths reach
// the bundled handler running with the deployed function's environment: the remediation's SNS message
// (published to the deployed topic, taken from a subscriber as SNS delivered it), the compliance-change
// event (through a twin of the module's EventBridge rule), and the scheduled sweep. Final rules are
// asserted exactly; a repeated delivery is a no-op; a replacement the emulator refuses still revokes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import { PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { DescribeRuleCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { drain, ec2, emulator, events, notification, queue, sns, sqs, uniqueName } from '../support/aws.js';
import { repoRoot, workspace } from '../support/terraform.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';

const client = ec2();
const queues = sqs();
const ws = workspace('config-remediation', emulator().endpoint);
const name = uniqueName('sgg-wo');
const scope = { key: 'sg-guardian:test-run', value: name };
let outputs: Record<string, unknown> = {};
let env: Record<string, string> = {};
let inboxUrl = '';
let remediationQueueUrl = '';
let vpcId = '';

const OFFICE_V4 = ['198.51.100.0/24', '203.0.113.0/24'];
const OFFICE_V6 = ['2001:db8::/32'];

async function group(label: string, permissions: IpPermission[], inVpc = vpcId): Promise<string> {
  const id = (
    await client.send(
      new CreateSecurityGroupCommand({
        GroupName: uniqueName(label),
        Description: label,
        ...(inVpc ? { VpcId: inVpc } : {}),
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: scope.key, Value: scope.value }] }],
      }),
    )
  ).GroupId!;
  for (const p of permissions) await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [p] }));
  return id;
}

/** Ingress as sorted "proto from-to source [description]" lines: exact, order-free. */
async function ingress(id: string): Promise<string[]> {
  const res = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }));
  return (res.SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress)
    .map((r) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6}${r.Description ? ` ${r.Description}` : ''}`)
    .sort();
}

/** The remediation's message, published as AWS-PublishSNSNotification does, as Lambda receives it. */
async function remediationDelivery(message: string) {
  await sns().send(new PublishCommand({ TopicArn: String(outputs.remediation_topic_arn), Message: message }));
  const [m] = await drain(queues, remediationQueueUrl);
  expect(m, 'nothing arrived on the remediation topic').toBeDefined();
  const n = JSON.parse(m!.Body!) as Record<string, string>;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${n.TopicArn}:lambda`,
        Sns: { Type: n.Type, MessageId: n.MessageId, TopicArn: n.TopicArn, Subject: n.Subject ?? null, Message: n.Message, Timestamp: n.Timestamp, SignatureVersion: '1', Signature: 'x', SigningCertUrl: 'x', UnsubscribeUrl: 'x', MessageAttributes: {} },
      },
    ],
  };
}

/** Config's compliance change for a group, through a twin of the module's rule (same pattern, SQS target). */
async function throughComplianceRule(groupId: string, complianceType: string) {
  const ruleName = String(outputs.compliance_rule_arn).split('/').pop()!;
  const pattern = (await events().send(new DescribeRuleCommand({ Name: ruleName }))).EventPattern!;
  // Another region: the module's own rule targets a Lambda, which the emulator cannot invoke.
  const opts = { endpoint: emulator().endpoint, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const bridge = new EventBridgeClient(opts);
  const west = new SQSClient(opts);
  const q = await queue(west, uniqueName('sgg-wo-twin'));
  const twin = uniqueName('sgg-wo-twin');
  await bridge.send(new PutRuleCommand({ Name: twin, EventPattern: pattern, State: 'ENABLED' }));
  await bridge.send(new PutTargetsCommand({ Rule: twin, Targets: [{ Id: 'sqs', Arn: q.arn }] }));
  const sample = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/samples/sns-config-ComplianceChangeNotification-example_awsdocs.json'), 'utf8')) as {
    Message: Record<string, unknown> & { newEvaluationResult: Record<string, unknown> };
  };
  const detail = {
    ...sample.Message,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: groupId,
    awsAccountId: emulator().accountId,
    awsRegion: emulator().region,
    configRuleName: outputs.config_rule_name,
    newEvaluationResult: { ...sample.Message.newEvaluationResult, complianceType },
  };
  const put = await bridge.send(new PutEventsCommand({ Entries: [{ Source: 'aws.config', DetailType: 'Config Rules Compliance Change', Detail: JSON.stringify(detail) }] }));
  expect(put.FailedEntryCount).toBe(0);
  const got = await drain(west, q.url);
  return got.length ? (JSON.parse(got[0]!.Body!) as Record<string, unknown>) : undefined;
}

function inbox(want = 1): Promise<Message[]> {
  return drain(queues, inboxUrl, want);
}

const statuses = (run: Awaited<ReturnType<typeof invokeBundle>>) => run.result?.results.map((r) => `${r.action.type}:${r.status}`);

beforeAll(async () => {
  const box = await queue(queues, uniqueName('sgg-wo-inbox'));
  inboxUrl = box.url;
  await ws.tf(['init', '-input=false', '-no-color']);
  outputs = await ws.apply({ name, remediation_configuration_managed: false, notifications_subscriptions: [{ protocol: 'sqs', endpoint: box.arn }] });
  env = await deployedEnvironment(String(outputs.function_name));
  const rq = await queue(queues, uniqueName('sgg-wo-remediation'));
  remediationQueueUrl = rq.url;
  await sns().send(new SubscribeCommand({ TopicArn: String(outputs.remediation_topic_arn), Protocol: 'sqs', Endpoint: rq.arn }));
  vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
});

afterAll(async () => {
  await ws.destroy({ name, remediation_configuration_managed: false, notifications_subscriptions: [] });
  ws.cleanup();
});

describe('world-open remediation on the emulator', () => {
  it('deploys the settings the example asks for', () => {
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { worldOpen: Record<string, unknown> };
    expect(config.worldOpen).toMatchObject({ enabled: true, authorizedTcpPorts: ['443'], replacementCidrsIpv4: OFFICE_V4, replacementCidrsIpv6: OFFICE_V6, configRuleName: outputs.config_rule_name });
  });

  it('the remediation message replaces 0.0.0.0/0 and ::/0 in a non-default VPC, keeps the rest, notifies once; a repeat is a no-op', async () => {
    const id = await group('db', [
      { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'mysql' }], Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'mysql' }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'bastion' }] },
    ]);

    const delivery = await remediationDelivery(id);
    const run = await invokeBundle(delivery, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.kind).toBe('config-remediation');
    expect(statuses(run)).toEqual(['authorize-ingress:done', 'revoke-ingress:done', 'notify:done']);
    expect(await ingress(id)).toEqual(
      [
        'tcp 22-22 10.0.0.0/8 bastion',
        'tcp 443-443 0.0.0.0/0',
        'tcp 3306-3306 198.51.100.0/24 mysql',
        'tcp 3306-3306 203.0.113.0/24 mysql',
        'tcp 3306-3306 2001:db8::/32 mysql',
      ].sort(),
    );

    const [note, ...more] = await inbox();
    expect(more).toEqual([]);
    const n = notification(note!);
    expect(n.attributes).toMatchObject({ kind: 'world-open', group_id: id });
    expect(n.subject).toContain(id);
    expect(n.subject.length).toBeLessThanOrEqual(100);
    expect(n.message).toContain('0.0.0.0/0');
    expect(n.message).toContain('::/0');
    expect(n.message).toContain('198.51.100.0/24');
    expect(n.message).toContain(String(outputs.config_rule_name));

    const repeat = await invokeBundle(delivery, env);
    expect(repeat.ok, repeat.error).toBe(true);
    expect(repeat.result!.actions.map((a) => a.type)).toEqual(['ignore']);
    expect(String(repeat.result!.actions[0]!.reason)).toMatch(/no world-open rule/);
    expect(await inbox(0)).toEqual([]);
  });

  it("the compliance-change event goes through the module's pattern and fixes udp too; COMPLIANT is not delivered", async () => {
    const id = await group('dns', [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    const compliant = await throughComplianceRule(id, 'COMPLIANT');
    expect(compliant, 'the module pattern must only pass NON_COMPLIANT').toBeUndefined();

    const delivered = await throughComplianceRule(id, 'NON_COMPLIANT');
    expect(delivered, 'the module pattern did not match the compliance event').toBeDefined();
    const run = await invokeBundle(delivered, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.kind).toBe('config-compliance');
    expect(await ingress(id)).toEqual(['udp 53-53 198.51.100.0/24', 'udp 53-53 203.0.113.0/24']);
    expect(notification((await inbox())[0]!).attributes).toMatchObject({ kind: 'world-open', group_id: id });
  });

  it('the scheduled sweep catches a group no notification named, in the default VPC, protocol -1', async () => {
    const defaultVpc = (await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
    const id = await group('legacy', [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'everything' }] }], defaultVpc);
    const clean = await group('clean', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    const schedule = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/samples/eventbridge-scheduled-event_custodian.json'), 'utf8')) as Record<string, unknown>;
    // Scoped to this test's groups: the emulator is shared with other test files.
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { worldOpen: Record<string, unknown> };
    config.worldOpen.scopeTag = scope;
    const run = await invokeBundle(schedule, { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) });
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.kind).toBe('schedule');
    expect(await ingress(id)).toEqual(['-1 -1--1 198.51.100.0/24 everything', '-1 -1--1 203.0.113.0/24 everything']);
    expect(await ingress(clean)).toEqual(['tcp 443-443 0.0.0.0/0']);
    const notes = (await inbox()).map(notification);
    expect(notes.map((n) => n.attributes.group_id)).toEqual([id]);
  });

  it('when the emulator refuses a replacement (rules-per-group limit), the world-open rule is still revoked and the notice is high', async () => {
    // 59 rules + the world-open one = 60, the emulator's (and AWS's default) limit: no room for a replacement.
    const filler: IpPermission[] = Array.from({ length: 59 }, (_, i) => ({ IpProtocol: 'tcp', FromPort: 1000 + i, ToPort: 1000 + i, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }));
    const id = await group('full', [...filler, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    const run = await invokeBundle(await remediationDelivery(id), env);
    expect(run.ok, 'a failed replacement must fail the invocation (retry / dead letters)').toBe(false);
    expect(run.error).toMatch(/RulesPerSecurityGroupLimitExceeded|limit/i);
    const rules = await ingress(id);
    expect(rules).toHaveLength(59);
    expect(rules.some((r) => r.includes('0.0.0.0/0'))).toBe(false);
    const n = notification((await inbox())[0]!);
    expect(n.attributes).toMatchObject({ kind: 'world-open', group_id: id, severity: 'high', replacement: 'failed' });
    expect(n.message).toMatch(/REPLACEMENT FAILED/);
  });

  it('a group deleted since Config flagged it is a no-op with the reason', async () => {
    const id = await group('gone', [{ IpProtocol: 'tcp', FromPort: 25, ToPort: 25, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    await client.send(new DeleteSecurityGroupCommand({ GroupId: id }));
    const run = await invokeBundle(await remediationDelivery(id), env);
    expect(run.ok, run.error).toBe(true);
    expect(run.result!.actions.map((a) => a.type)).toEqual(['ignore']);
    expect(String(run.result!.actions[0]!.reason)).toMatch(/not found/);
  });
});

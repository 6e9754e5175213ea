// examples/config-remediation, applied once with a real tofu/terraform against the emulator, then
// exercised. Terraform: bad input fails at plan naming the variable; the plan with remediation shows
// the Config remediation configuration (moto does not emulate Put/DescribeRemediationConfigurations,
// so the apply turns it off); the applied rule, recorder, topic subscription, compliance rule, IAM and
// the function's settings are read back through the SDK and the state. Behaviour: groups get
// world-open rules (in a non-default VPC and in the default one), and the three paths reach the
// bundled handler running with the deployed function's environment: the remediation's SNS message
// (published to the deployed topic, taken from a subscriber as SNS delivered it), the
// compliance-change event (through a twin of the module's EventBridge rule), and the scheduled sweep.
// Final rules are asserted exactly; a repeated delivery is a no-op; a replacement the emulator refuses
// still revokes. Then a re-plan is empty and destroy leaves nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { configService, drain, ec2, emulator, events, notification, queue, sns, sqs, uniqueName } from '../support/aws.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';
import { plannedAddresses } from '../support/hardening.js';
import { repoRoot, withoutEmulatorGaps, workspace } from '../support/terraform.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const SG = 'AWS::EC2::SecurityGroup';
const IPV4 = ['198.51.100.0/24', '203.0.113.0/24'];
const IPV6 = ['2001:db8::/32'];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const statements = (policy: string) => (JSON.parse(policy) as { Statement: Statement[] }).Statement;
const bySid = (policy: string, sid: string) => statements(policy).find((s) => s.Sid === sid);
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface StateResource {
  address: string;
  values: Record<string, unknown>;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}
function flatten(m: StateModule | undefined): StateResource[] {
  return m ? [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(flatten)] : [];
}

const ws = workspace('config-remediation', emulator().endpoint);
const name = uniqueName('sgg-cfg');
const account = emulator().accountId;
const region = emulator().region;
const ruleName = `${name}-sg-open-only-to-authorized-ports`;
// moto answers PutRemediationConfigurations with a 501: the apply runs without it. The SQS inbox
// subscribed to the notifications topic is where the behaviour tests read the function's notices.
let vars: Record<string, unknown> = {};
let inboxUrl = '';
let applied = false;
let outputs: Record<string, unknown> = {};
const t0 = Date.now();
const lap = (what: string) => console.log(`[config-remediation] ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

beforeAll(async () => {
  const box = await queue(sqs(), uniqueName('sgg-wo-inbox'));
  inboxUrl = box.url;
  vars = { name, remediation_configuration_managed: false, notifications_subscriptions: [{ protocol: 'sqs', endpoint: box.arn }] };
  // No separate validate: every plan validates first (minimal.test.ts runs `validate` on the module).
  await ws.tf(['init', '-input=false', '-no-color']);
  lap('init');
});

afterAll(async () => {
  // A failed step must not leave the recorder behind: the emulator allows one per region.
  if (applied) await ws.destroy(vars).catch((err: unknown) => console.error(err));
  ws.cleanup();
});

const client = ec2();
const queues = sqs();
const scope = { key: 'sg-guardian:test-run', value: name };
let env: Record<string, string> = {};
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

describe('examples/config-remediation with terraform against the emulator', () => {

  it('rejects bad input at plan with a message naming the variable', async () => {
    // Bad input fails at plan, and each message names the variable (Terraform reports every invalid
    // variable of a run). More cases, planned without providers: test/integration/variable-validation.test.ts.
    const bad: { vars: string[]; errors: RegExp[] }[] = [
      {
        vars: ['replacement_cidrs_ipv4=["0.0.0.0/0"]', 'replacement_cidrs_ipv6=["10.0.0.0/8"]', 'authorized_tcp_ports=["70000"]'],
        errors: [
          /world_open_replacement_cidrs_ipv4 must not contain a \/0/,
          /world_open_replacement_cidrs_ipv6 must hold IPv6 network CIDRs/,
          /world_open_authorized_tcp_ports must hold ports "N" or ranges "N-M" \(N <= M\) within 0-65535/,
        ],
      },
    ];
    for (const { vars: badVars, errors } of bad) {
      const res = await ws.tf(['plan', '-input=false', '-no-color', '-var', `name=${name}`, ...badVars.flatMap((v) => ['-var', v])], { allowFail: true });
      expect(res.code, `${badVars.join(' ')} was accepted`).toBe(1);
      const text = res.stderr.replace(/\s+/g, ' ');
      expect(text.match(/Invalid value for variable/g), text).toHaveLength(errors.length);
      for (const message of errors) expect(text, badVars.join(' ')).toMatch(message);
    }
    lap('bad-input plans');
  });

  it('plans the automatic remediation when it is enabled', async () => {
    // With remediation (the example's default): the remediation configuration is planned as specified.
    const plan = await ws.tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-var', `name=${name}`, '-out=remediation.tfplan'], { allowFail: true });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('module.sg_guardian.module.world_open[0].aws_config_remediation_configuration.this[0] will be created');
    const shown = JSON.parse((await ws.tf(['show', '-json', '-no-color', 'remediation.tfplan'])).stdout) as {
      resource_changes: { address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
    };
    const remediation = shown.resource_changes.find((r) => r.address.endsWith('aws_config_remediation_configuration.this[0]'))!;
    expect(remediation.change.actions).toEqual(['create']);
    expect(remediation.change.after).toMatchObject({
      config_rule_name: ruleName,
      resource_type: SG,
      target_type: 'SSM_DOCUMENT',
      target_id: 'AWS-PublishSNSNotification',
      automatic: true,
      maximum_automatic_attempts: 5,
      retry_attempt_seconds: 60,
    });
    const params = remediation.change.after.parameter as { name: string; resource_value: string | null; static_value: string | null }[];
    // The role and topic ARNs are unknown until apply; the message is the group ID.
    expect(params.map((p) => p.name).sort()).toEqual(['AutomationAssumeRole', 'Message', 'TopicArn']);
    expect(params.find((p) => p.name === 'Message')).toMatchObject({ resource_value: 'RESOURCE_ID' });
    lap('plan with remediation');
  });

  it('plans no remediation topic, role or subscription with world_open_remediation_enabled = false', async () => {
    const planned = await plannedAddresses(ws, ['-var', `name=${name}`, '-var', 'remediation_enabled=false']);
    expect(planned.filter((a) => /remediation/.test(a))).toEqual([]);
    // The rest of world-open stays: the rule, the compliance events and the function.
    expect(planned).toContain('module.sg_guardian.module.world_open[0].aws_config_config_rule.this');
    expect(planned).toContain('module.sg_guardian.module.world_open[0].aws_cloudwatch_event_rule.compliance[0]');
  });

  it('applies (without the remediation configuration)', async () => {
    applied = true;
    outputs = await ws.apply(vars);
    lap('apply');
    expect(outputs.config_rule_name).toBe(ruleName);
    expect(outputs.config_recorder_name).toBe(`${name}-world-open`);
    expect(String(outputs.remediation_topic_arn)).toBe(`arn:aws:sns:${region}:${account}:${name}-world-open`);
    expect(outputs.schedule_rule_arn, 'the daily sweep needs the schedule').toMatch(/:rule\//);
  });

  it('creates the Config rule and a recorder of security groups only', async () => {
    // The Config rule: managed, with the authorized ports (UDP omitted: empty), scoped to security groups.
    const config = configService();
    const [rule] = (await config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: [ruleName] }))).ConfigRules ?? [];
    expect(rule?.ConfigRuleArn).toBe(outputs.config_rule_arn);
    expect(rule?.Source).toMatchObject({ Owner: 'AWS', SourceIdentifier: 'VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS' });
    expect(JSON.parse(rule!.InputParameters!)).toEqual({ authorizedTcpPorts: '443' });
    expect(rule?.Scope?.ComplianceResourceTypes).toEqual([SG]);

    // The recorder records security groups only, delivers to the KMS-encrypted bucket, and is on.
    const [recorder] = (await config.send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: [`${name}-world-open`] }))).ConfigurationRecorders ?? [];
    expect(recorder?.recordingGroup).toMatchObject({ allSupported: false, includeGlobalResourceTypes: false, resourceTypes: [SG], recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' } });
    expect(recorder?.roleARN).toBe(`arn:aws:iam::${account}:role/${name}-world-open-recorder`);
    const [status] = (await config.send(new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [`${name}-world-open`] }))).ConfigurationRecordersStatus ?? [];
    expect(status?.recording).toBe(true);
    const [channel] = (await config.send(new DescribeDeliveryChannelsCommand({ DeliveryChannelNames: [`${name}-world-open`] }))).DeliveryChannels ?? [];
    expect(channel?.s3BucketName).toMatch(/-config-/);
    expect(channel?.s3KmsKeyArn).toBe(outputs.kms_key_arn);
  });

  it('subscribes the function to the KMS-encrypted remediation topic only the remediation role may publish to', async () => {
    // The remediation topic: KMS-encrypted, TLS-only, only the remediation role publishes; the function subscribes.
    const topicArn = String(outputs.remediation_topic_arn);
    const topic = (await sns().send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
    expect(topic.KmsMasterKeyId).toBe(outputs.kms_key_arn);
    const remediationRole = `arn:aws:iam::${account}:role/${name}-world-open-remediation`;
    expect(bySid(topic.Policy!, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(bySid(topic.Policy!, 'DenyOtherPublishers')).toMatchObject({ Effect: 'Deny', Condition: { ArnNotEquals: { 'aws:PrincipalArn': remediationRole } } });
    expect(bySid(topic.Policy!, 'RemediationPublishes')).toMatchObject({ Effect: 'Allow', Principal: { AWS: remediationRole } });
    const subs = (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    expect(subs.map((s) => [s.Protocol, s.Endpoint])).toEqual([['lambda', outputs.function_arn]]);
  });

  it("sends exactly this rule's NON_COMPLIANT security groups to the function through EventBridge", async () => {
    // The compliance-change rule: exactly this rule's NON_COMPLIANT security groups, to the function, with retries and the DLQ.
    const bridge = events();
    const complianceRule = String(outputs.compliance_rule_arn).split('/').pop()!;
    const described = await bridge.send(new DescribeRuleCommand({ Name: complianceRule }));
    const pattern = {
      source: ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      detail: { configRuleName: [ruleName], resourceType: [SG], newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
    };
    expect(JSON.parse(described.EventPattern!)).toEqual(pattern);
    expect(described.State).toBe('ENABLED');
    const [target, ...moreTargets] = (await bridge.send(new ListTargetsByRuleCommand({ Rule: complianceRule }))).Targets ?? [];
    expect(moreTargets).toEqual([]);
    expect(target?.Arn).toBe(outputs.function_arn);
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 });
    const dlqUrl = (await sqs().send(new GetQueueUrlCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
    const dlq = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn', 'Policy'] }))).Attributes!;
    expect(target?.DeadLetterConfig?.Arn).toBe(dlq.QueueArn);
    // ... whose undeliverable events the dead-letter queue admits.
    expect(list(bySid(dlq.Policy!, 'EventBridgeDeadLetters')?.Condition?.ArnEquals?.['aws:SourceArn'] as string | string[])).toContain(outputs.compliance_rule_arn);

    // The deployed pattern matches a real-shaped compliance change (the AWS docs sample, as EventBridge
    // delivers it) and nothing else: a twin rule with an SQS target in another region (the emulator
    // cannot invoke the Lambda target).
    const west = { endpoint: emulator().endpoint, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const twinBridge = new EventBridgeClient(west);
    const twinSqs = new SQSClient(west);
    const twinQueue = await queue(twinSqs, uniqueName('sgg-cfg-twin'));
    const twin = uniqueName('sgg-cfg-twin');
    await twinBridge.send(new PutRuleCommand({ Name: twin, EventPattern: described.EventPattern!, State: 'ENABLED' }));
    await twinBridge.send(new PutTargetsCommand({ Rule: twin, Targets: [{ Id: 'sqs', Arn: twinQueue.arn }] }));
    const change = (configRuleName: string, complianceType: string, resourceType = SG) => ({
      Source: 'aws.config',
      DetailType: 'Config Rules Compliance Change',
      Detail: JSON.stringify({
        resourceId: 'sg-0123456789abcdef0',
        awsRegion: region,
        awsAccountId: account,
        configRuleName,
        recordVersion: '1.0',
        configRuleARN: outputs.config_rule_arn,
        messageType: 'ComplianceChangeNotification',
        newEvaluationResult: { complianceType, evaluationResultIdentifier: { evaluationResultQualifier: { configRuleName, resourceType, resourceId: 'sg-0123456789abcdef0' } } },
        oldEvaluationResult: { complianceType: 'COMPLIANT' },
        resourceType,
      }),
    });
    const put = await twinBridge.send(
      new PutEventsCommand({ Entries: [change(ruleName, 'NON_COMPLIANT'), change(ruleName, 'COMPLIANT'), change('another-rule', 'NON_COMPLIANT'), change(ruleName, 'NON_COMPLIANT', 'AWS::EC2::Instance')] }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const delivered = await drain(twinSqs, twinQueue.url, 2);
    // Only the NON_COMPLIANT security group of this rule gets through (asked for 2 to catch a second).
    const details = delivered.map((m) => (JSON.parse(m.Body!) as { detail: { configRuleName: string; newEvaluationResult: { complianceType: string }; resourceType: string } }).detail);
    expect(details.map((d) => [d.configRuleName, d.resourceType, d.newEvaluationResult.complianceType])).toEqual([[ruleName, SG, 'NON_COMPLIANT']]);
  });

  it('deploys the worldOpen settings exactly as configured, accepted by the Lambda', async () => {
    const env = await deployedEnvironment(String(outputs.function_name));
    const settings = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { worldOpen: unknown; drift: { enabled: boolean } };
    expect(settings.worldOpen).toEqual({
      enabled: true,
      sweep: true,
      configRuleName: ruleName,
      authorizedTcpPorts: ['443'],
      authorizedUdpPorts: [],
      replacementCidrsIpv4: IPV4,
      replacementCidrsIpv6: IPV6,
      excludedGroupIds: [],
    });
    expect(settings.drift.enabled).toBe(false);
    expect(parseSettings(env.SG_GUARDIAN_CONFIG).worldOpen).toMatchObject({ enabled: true, replacementCidrsIpv4: IPV4 });
  });

  it('grants least privilege: ingress replace on security groups; the remediation role only publishes', async () => {
    // Read from the state: the function may only authorize/revoke ingress on security groups of this
    // account and region; the remediation role may only publish to its topic.
    const topicArn = String(outputs.remediation_topic_arn);
    const state = JSON.parse((await ws.tf(['show', '-json', '-no-color'])).stdout) as { values?: { root_module?: StateModule } };
    const resources = flatten(state.values?.root_module);
    const policyOf = (address: string) => String(resources.find((r) => r.address === address)?.values.policy);
    const fnPolicy = policyOf('module.sg_guardian.module.function.aws_iam_role_policy.this');
    const replace = bySid(fnPolicy, 'WorldOpenReplaceIngress')!;
    expect({ ...replace, Action: list(replace.Action).sort() }).toEqual({
      Sid: 'WorldOpenReplaceIngress',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: `arn:aws:ec2:${region}:${account}:security-group/*`,
    });
    // No egress rights: the drift guard is off and the remediation only touches ingress.
    expect(statements(fnPolicy).flatMap((s) => list(s.Action)).filter((a) => a.includes('Egress'))).toEqual([]);
    const remediationPolicy = statements(policyOf('module.sg_guardian.module.world_open[0].aws_iam_role_policy.remediation[0]'));
    expect(remediationPolicy.map((s) => [list(s.Action).sort(), list(s.Resource)])).toEqual([
      [['sns:Publish'], [topicArn]],
      [['kms:Decrypt', 'kms:GenerateDataKey'], [outputs.kms_key_arn]],
    ]);
    expect(remediationPolicy[1]?.Condition).toEqual({ StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } });
    const trust = statements(String(resources.find((r) => r.address === 'module.sg_guardian.module.world_open[0].aws_iam_role.remediation[0]')?.values.assume_role_policy));
    expect(trust).toEqual([expect.objectContaining({ Principal: { Service: 'ssm.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': account } } })]);
  });
});

describe('world-open remediation on the emulator', () => {
  // After the Terraform checks above: the SQS subscriber added here is not the example's.
  beforeAll(async () => {
    env = await deployedEnvironment(String(outputs.function_name));
    const rq = await queue(queues, uniqueName('sgg-wo-remediation'));
    remediationQueueUrl = rq.url;
    await sns().send(new SubscribeCommand({ TopicArn: String(outputs.remediation_topic_arn), Protocol: 'sqs', Endpoint: rq.arn }));
    vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
  });

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

// Last: after the function changed groups (none of them Terraform's), the example is still converged.
describe('examples/config-remediation with terraform against the emulator: converge and destroy', () => {
  it('converges: a second plan after apply is empty', async () => {
    const replan = withoutEmulatorGaps(await ws.planChanges(), emulator().kind);
    expect(replan).toEqual([]);
    lap('checks + re-plan');
  });

  it('destroys everything', async () => {
    await ws.destroy(vars);
    applied = false;
    const after = await ws.tf(['state', 'list']);
    expect(after.stdout.trim()).toBe('');
    // moto answers an empty list for an unknown name; AWS raises NoSuchConfigRuleException.
    const left = await configService().send(new DescribeConfigRulesCommand({ ConfigRuleNames: [ruleName] })).then(
      (r) => r.ConfigRules ?? [],
      (err: Error) => (err.name === 'NoSuchConfigRuleException' ? [] : Promise.reject(err)),
    );
    expect(left).toEqual([]);
    expect((await configService().send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? []).toEqual([]);
    lap('destroy');
  });
});

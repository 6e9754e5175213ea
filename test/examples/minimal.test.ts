// The pattern every example test reuses: a real tofu/terraform binary runs init, validate, plan,
// apply and destroy of an example against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { ec2, emulator, sns, uniqueName } from '../support/aws.js';
import { type StateResource, bySid, one, overrideModule, stateResources, statements, values } from '../support/hardening.js';
import { tfBinary, withoutEmulatorGaps, workspace } from '../support/terraform.js';

describe('examples/minimal with terraform against the emulator', () => {
  const ws = workspace('minimal', emulator().endpoint);
  const name = uniqueName('sgg-min');
  afterAll(() => ws.cleanup());

  it('init, validate, plan, apply, destroy', async () => {
    const version = await ws.tf(['version']);
    console.log(`[terraform] ${tfBinary()}: ${version.stdout.split('\n')[0]}`);

    await ws.tf(['init', '-input=false', '-no-color']);
    const validate = await ws.tf(['validate', '-no-color', '-json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });

    const plan = await ws.tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-var', `name=${name}`], { allowFail: true });
    expect(plan.code, plan.stderr).toBe(2); // 2 = succeeded with changes
    expect(plan.stdout).toContain('module.sg_guardian.module.function.aws_lambda_function.this will be created');

    const outputs = await ws.apply({ name });
    expect(outputs.function_name).toBe(name);
    expect(String(outputs.notifications_topic_arn)).toMatch(new RegExp(`^arn:aws:sns:us-east-1:\\d{12}:${name}$`));

    // A second plan after apply is empty: the module converges (no perpetual diff).
    const replan = withoutEmulatorGaps(await ws.planChanges(), emulator().kind);
    expect(replan).toEqual([]);

    await ws.destroy({ name });
    const state = await ws.tf(['state', 'list']);
    expect(state.stdout.trim()).toBe('');
    // The emulator is still healthy after the destroy.
    await expect(ec2().send(new DescribeSecurityGroupsCommand({}))).resolves.toBeDefined();
  });
});

// Issue #10, hardening and operations: examples/minimal plus a created trail (CloudWatch Logs on),
// separate audit retention and Object Lock, applied on the emulator; everything asserted from the
// state and the emulator's own answers.
describe('examples/minimal hardened: alarms, dashboard, topic policy, trail trust, audit buckets', () => {
  const ws = workspace('minimal', emulator().endpoint);
  const name = uniqueName('sgg-hard');
  const account = emulator().accountId;
  let resources: StateResource[] = [];
  let outputs: Record<string, unknown> = {};

  beforeAll(async () => {
    overrideModule(ws, {
      create_trail: 'true',
      trail_cloudwatch_logs_enabled: 'true',
      lambda_log_retention_days: '7',
      audit_log_retention_days: '400',
      audit_object_lock_days: '30',
      alarm_feed_stale_days: '2',
    });
    await ws.tf(['init', '-input=false', '-no-color']);
    outputs = await ws.apply({ name });
    resources = await stateResources(ws);
  });
  afterAll(async () => {
    await ws.destroy({ name }).catch((err: unknown) => console.error(err));
    ws.cleanup();
  });

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

// The CDN feed examples with terraform against the emulator (the pattern of minimal-example.test.ts):
// bad input fails at plan naming the variable; apply creates what the function needs (prefix lists,
// the cross-region AmazonIpSpaceChanged subscription and permission, the schedule, least-privilege
// IAM) and settings the Lambda's own schema accepts; a re-plan is empty, and stays empty after the
// function has done its part (entries, rules and its two tags), so Terraform never fights it.
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, DeleteTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { emulator, uniqueName } from '../support/aws.js';
import { one, stateResources } from '../support/hardening.js';
import { withoutEmulatorGaps, workspace, type Workspace } from '../support/terraform.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const FEED_TAGS = ['sg-guardian:feed-hash', 'sg-guardian:feed-sync-token'];

const opts = (region: string) => ({ endpoint: emulator().endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? [...v].sort() : [v]);

/** The function role's inline policy, from the state (the SDK clients here have no IAM). */
async function rolePolicy(ws: Workspace): Promise<Map<string, Statement>> {
  interface Mod { resources?: { address: string; values: Record<string, unknown> }[]; child_modules?: Mod[] }
  const state = JSON.parse((await ws.tf(['show', '-json', '-no-color'])).stdout) as { values: { root_module: Mod } };
  const walk = (m: Mod): { address: string; values: Record<string, unknown> }[] => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
  const policy = walk(state.values.root_module).find((r) => r.address === 'module.sg_guardian.module.function.aws_iam_role_policy.this');
  expect(policy, 'the function role policy is in the state').toBeDefined();
  const doc = JSON.parse(policy!.values.policy as string) as { Statement: Statement[] };
  return new Map(doc.Statement.map((s) => [s.Sid, s]));
}

/** Mutating feed statements grant nothing on '*' and tag only the two feed tags. */
function expectFeedLeastPrivilege(statements: Map<string, Statement>) {
  for (const [sid, s] of statements) {
    if (!sid.startsWith('Feed')) continue;
    expect(list(s.Resource), sid).not.toContain('*');
    if (list(s.Action).includes('ec2:CreateTags')) {
      expect(list(s.Action), sid).toEqual(['ec2:CreateTags']);
      expect(s.Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys'], sid).toEqual(FEED_TAGS);
    }
  }
}

async function deployedConfig(lambda: LambdaClient, functionName: string) {
  const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const text = cfg.Environment?.Variables?.SG_GUARDIAN_CONFIG ?? '';
  return { raw: JSON.parse(text) as { feeds: unknown }, parsed: parseSettings(text) };
}

/**
 * Changes a re-plan would make, minus the emulator's known gaps (test/support/terraform.ts) and one
 * more of moto's: a rule referencing a prefix list reads back without its description.
 */
async function replan(ws: Workspace) {
  const changes = withoutEmulatorGaps(await ws.planChanges(), emulator().kind);
  if (emulator().kind !== 'moto') return changes;
  return changes.filter((c) => !(c.address === 'aws_vpc_security_group_ingress_rule.cloudfront_https' && c.actions.join() === 'update' && c.changedKeys.join() === 'description'));
}

/** A plan that must fail at validation, with every message given. */
async function expectPlanError(ws: Workspace, vars: string[], messages: string[]) {
  const res = await ws.tf(['plan', '-input=false', '-no-color', ...vars.flatMap((v) => ['-var', v])], { allowFail: true });
  expect(res.code, res.stdout).toBe(1);
  const text = res.stderr.replace(/[│\s]+/g, ' '); // terraform wraps messages in boxed lines
  for (const m of messages) expect(text).toContain(m);
}

describe('examples/cloudfront-prefix-list with terraform against the emulator', () => {
  // The function in another region than the topic: the subscription is cross-region, as in AWS.
  const region = 'eu-west-1';
  const ws = workspace('cloudfront-prefix-list', emulator().endpoint);
  const name = uniqueName('sgg-cf');
  const ec2 = new EC2Client(opts(region));
  const lambda = new LambdaClient(opts(region));
  const snsUsEast1 = new SNSClient(opts('us-east-1'));
  const feedUrl = 'http://127.0.0.1:8080/ip-ranges.json';
  let topicArn = '';
  let vars: Record<string, unknown> = {};
  let outputs: Record<string, unknown> = {};
  afterAll(async () => {
    if (topicArn) await snsUsEast1.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    ws.cleanup();
  });

  it('init, validate; bad input fails at plan naming the variable', async () => {
    // AmazonIpSpaceChanged stand-in: same name and region, in the emulator's account.
    topicArn = (await snsUsEast1.send(new CreateTopicCommand({ Name: 'AmazonIpSpaceChanged' }))).TopicArn!;
    vars = { region, name, ip_space_changed_topic_arn: topicArn, cloudfront_feed_url: feedUrl };

    await ws.tf(['init', '-input=false', '-no-color']);
    const validate = await ws.tf(['validate', '-no-color', '-json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });

    // One plan reports every invalid variable.
    const badTopic = topicArn.replace('us-east-1', 'eu-west-1');
    await expectPlanError(ws, [`name=${name}`, 'cloudfront_feed_url=http://ip-ranges.example.com/ip-ranges.json', `ip_space_changed_topic_arn=${badTopic}`], [
      'cloudfront_feed_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1]).',
      'ip_space_changed_topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there).',
      'topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there).',
    ]);
  });

  it('apply: prefix lists, cross-region subscription, invoke permission, schedule, settings, IAM', async () => {
    outputs = await ws.apply(vars);
    expect(outputs.function_name).toBe(name);
    const ids = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string };
    expect(ids.ipv4).toMatch(/^pl-[0-9a-f]+$/);
    expect(ids.ipv6).toMatch(/^pl-[0-9a-f]+$/);

    // Prefix lists: right family and size, and no entries (the function owns them).
    const lists = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [ids.ipv4, ids.ipv6] }))).PrefixLists ?? [];
    const byId = new Map(lists.map((l) => [l.PrefixListId, l]));
    expect(byId.get(ids.ipv4)).toMatchObject({ PrefixListName: `${name}-aws-ipv4`, AddressFamily: 'IPv4', MaxEntries: 55 });
    expect(byId.get(ids.ipv6)).toMatchObject({ PrefixListName: `${name}-aws-ipv6`, AddressFamily: 'IPv6', MaxEntries: 20 });
    for (const id of [ids.ipv4, ids.ipv6]) {
      const entries = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }));
      expect(entries.Entries ?? [], id).toEqual([]);
    }

    // The subscription lives in us-east-1 with the topic; its endpoint is the function in eu-west-1.
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(fn.FunctionArn).toMatch(new RegExp(`^arn:aws:lambda:${region}:`));
    const subs = (await snsUsEast1.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    expect(subs.filter((s) => s.Endpoint === fn.FunctionArn)).toEqual([expect.objectContaining({ Protocol: 'lambda', SubscriptionArn: outputs.subscription_arn })]);

    // The topic may invoke the function: a permission in the function's region, scoped to the topic.
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy!) as { Statement: Record<string, unknown>[] };
    const permission = policy.Statement.find((s) => s.Sid === `AllowIpSpaceChanged-${name}`);
    expect(permission).toMatchObject({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction' });
    expect(JSON.stringify(permission!.Condition)).toContain(topicArn);

    // syncOnSchedule (default) keeps a daily safety-net sync.
    const rules = new EventBridgeClient(opts(region));
    const rule = await rules.send(new DescribeRuleCommand({ Name: `${name}-schedule` }));
    expect(rule).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    const targets = (await rules.send(new ListTargetsByRuleCommand({ Rule: `${name}-schedule` }))).Targets ?? [];
    expect(targets.map((t) => t.Arn)).toEqual([fn.FunctionArn]);

    // The settings: exactly the feeds section expected, and the Lambda's schema accepts them.
    const { raw, parsed } = await deployedConfig(lambda, name);
    expect(raw.feeds).toEqual({
      aws: { enabled: true, services: ['CLOUDFRONT_ORIGIN_FACING'], url: feedUrl, syncOnSchedule: true },
      cloudflare: { enabled: false, ipv4Url: 'https://www.cloudflare.com/ips-v4', ipv6Url: 'https://www.cloudflare.com/ips-v6' },
      targets: {
        prefixLists: { aws: { ipv4: ids.ipv4, ipv6: ids.ipv6 }, cloudflare: {} },
        securityGroups: { groupIds: { aws: [], cloudflare: [] }, tagKey: 'sg-guardian:feed', ports: [443], rulesPerGroupQuota: 60 },
      },
      maxShrinkPercent: 30,
      minPrefixLength: { ipv4: 8, ipv6: 16 },
    });
    expect(parsed.feeds.targets.prefixLists.aws).toEqual({ ipv4: ids.ipv4, ipv6: ids.ipv6 });

    // IAM: prefix-list writes on the two lists only; groups only when tagged for an enabled feed.
    const statements = await rolePolicy(ws);
    const arns = lists.map((l) => l.PrefixListArn!).sort();
    expect(statements.get('FeedPrefixListEntries')).toMatchObject({ Action: 'ec2:ModifyManagedPrefixList' });
    expect(list(statements.get('FeedPrefixListEntries')!.Resource)).toEqual(arns);
    expect(list(statements.get('FeedPrefixListTags')!.Resource)).toEqual(arns);
    expect(statements.get('FeedTaggedGroupRules')!.Condition).toEqual({ StringEqualsIgnoreCase: { 'aws:ResourceTag/sg-guardian:feed': 'aws' } });
    expect(statements.has('FeedListedGroupRules')).toBe(false);
    expectFeedLeastPrivilege(statements);
  });

  it('alarms when the aws feed has not reached its targets for 3 days (feedInSync, missing data breaching)', async () => {
    const resources = await stateResources(ws);
    const stale = one(resources, 'module.alarms[0].aws_cloudwatch_metric_alarm.feed_stale["aws"]').values;
    expect(stale).toMatchObject({
      alarm_name: `${name}-feed-aws-stale`,
      namespace: 'sg-guardian',
      metric_name: 'feedInSync',
      dimensions: { service: name, feed: 'aws' },
      statistic: 'Maximum',
      period: 86400,
      evaluation_periods: 3,
      threshold: 1,
      comparison_operator: 'LessThanThreshold',
      treat_missing_data: 'breaching',
    });
    expect(resources.filter((r) => r.address.includes('feed_stale')).map((r) => r.address)).toEqual(['module.sg_guardian.module.alarms[0].aws_cloudwatch_metric_alarm.feed_stale["aws"]']);
  });

  it('converges, and stays converged after the function filled and tagged the lists; destroy', async () => {
    expect(await replan(ws)).toEqual([]);

    // What the function does on a notice: entries in (version-checked) and its two tags.
    const ids = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string };
    for (const [id, cidr] of [[ids.ipv4, '13.32.0.0/15'], [ids.ipv6, '2600:9000::/28']] as const) {
      const [pl] = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists ?? [];
      // The name is repeated only for moto, which wipes an omitted PrefixListName (EC2 keeps it).
      const modify = { PrefixListId: id, CurrentVersion: pl!.Version, AddEntries: [{ Cidr: cidr, Description: 'sg-guardian aws' }] };
      await ec2.send(new ModifyManagedPrefixListCommand(emulator().kind === 'moto' ? { ...modify, PrefixListName: pl!.PrefixListName } : modify));
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: FEED_TAGS[0], Value: 'sha256:0123abcd' }, { Key: FEED_TAGS[1], Value: '1720490589' }] }));
      const entries = (await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }))).Entries ?? [];
      expect(entries.map((e) => e.Cidr)).toEqual([cidr]);
      const [after] = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists ?? [];
      expect((after!.Tags ?? []).map((t) => t.Key)).toEqual(expect.arrayContaining(FEED_TAGS));
    }
    expect(await replan(ws)).toEqual([]);

    await ws.destroy(vars);
    expect((await ws.tf(['state', 'list'])).stdout.trim()).toBe('');
    const subs = (await snsUsEast1.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    expect(subs).toEqual([]);
  });
});

describe('examples/cloudflare-security-groups with terraform against the emulator', () => {
  const region = emulator().region;
  const ws = workspace('cloudflare-security-groups', emulator().endpoint);
  const name = uniqueName('sgg-cfl');
  const ec2 = new EC2Client(opts(region));
  const lambda = new LambdaClient(opts(region));
  const v4Url = 'http://127.0.0.1:8081/ips-v4';
  const v6Url = 'http://[::1]:8081/ips-v6';
  const vars = { name, cloudflare_ipv4_url: v4Url, cloudflare_ipv6_url: v6Url };
  let groups: string[] = [];
  afterAll(() => ws.cleanup());

  it('init, validate; bad input fails at plan naming the variable', async () => {
    await ws.tf(['init', '-input=false', '-no-color']);
    const validate = await ws.tf(['validate', '-no-color', '-json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });

    await expectPlanError(ws, [`name=${name}`, 'ports=[443,443]', 'cloudflare_ipv6_url=ftp://www.cloudflare.com/ips-v6'], [
      'feed_ports must be a non-empty list of distinct ports from 1 to 65535.',
      'cloudflare_ipv6_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1]).',
    ]);
  });

  it('apply: tagged shard groups, schedule, settings, IAM scoped by tag, no prefix lists', async () => {
    const outputs = await ws.apply(vars);
    expect(outputs.function_name).toBe(name);
    groups = outputs.security_group_ids as string[];
    expect(groups).toHaveLength(2);

    const described = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }))).SecurityGroups ?? [];
    for (const [shard, id] of groups.entries()) {
      const g = described.find((d) => d.GroupId === id)!;
      expect(Object.fromEntries((g.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({ 'sg-guardian:feed': 'cloudflare', 'sg-guardian:shard': String(shard) });
      expect(g.IpPermissions ?? []).toEqual([]);
    }
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [described[0]!.VpcId!] }))).Vpcs?.[0];
    expect(vpc?.Ipv6CidrBlockAssociationSet?.length ?? 0).toBeGreaterThan(0);

    // Cloudflare has no notice: the schedule drives it.
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(outputs.schedule_rule_arn).toMatch(new RegExp(`:rule/${name}-schedule$`));
    const rules = new EventBridgeClient(opts(region));
    expect(await rules.send(new DescribeRuleCommand({ Name: `${name}-schedule` }))).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    const targets = (await rules.send(new ListTargetsByRuleCommand({ Rule: `${name}-schedule` }))).Targets ?? [];
    expect(targets.map((t) => t.Arn)).toEqual([fn.FunctionArn]);

    // No AmazonIpSpaceChanged permission without the CloudFront feed.
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy!) as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid).filter((s) => s.startsWith('AllowIpSpaceChanged'))).toEqual([]);

    // Security-group mode: no prefix lists created, none in the settings.
    const all = (await ec2.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? [];
    expect(all.filter((l) => l.PrefixListName?.startsWith(name))).toEqual([]);
    const { raw, parsed } = await deployedConfig(lambda, name);
    expect(raw.feeds).toEqual({
      aws: { enabled: false, services: ['CLOUDFRONT_ORIGIN_FACING'], url: 'https://ip-ranges.amazonaws.com/ip-ranges.json', syncOnSchedule: true },
      cloudflare: { enabled: true, ipv4Url: v4Url, ipv6Url: v6Url },
      targets: {
        prefixLists: { aws: {}, cloudflare: {} },
        securityGroups: { groupIds: { aws: [], cloudflare: [] }, tagKey: 'sg-guardian:feed', ports: [443], rulesPerGroupQuota: 60 },
      },
      maxShrinkPercent: 30,
      minPrefixLength: { ipv4: 8, ipv6: 16 },
    });
    expect(parsed.feeds.cloudflare.enabled).toBe(true);

    const statements = await rolePolicy(ws);
    expect([...statements.keys()].filter((s) => s.startsWith('Feed')).sort()).toEqual(['FeedTaggedGroupRules', 'FeedTaggedGroupTags']);
    const tagged = { StringEqualsIgnoreCase: { 'aws:ResourceTag/sg-guardian:feed': 'cloudflare' } };
    expect(statements.get('FeedTaggedGroupRules')).toMatchObject({ Condition: tagged, Resource: `arn:aws:ec2:${region}:${emulator().accountId}:security-group/*` });
    expect(list(statements.get('FeedTaggedGroupRules')!.Action)).toEqual(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    expect(statements.get('FeedTaggedGroupTags')!.Condition).toMatchObject(tagged);
    expectFeedLeastPrivilege(statements);
  });

  it('converges, and stays converged after the function added rules and tagged the groups; destroy', async () => {
    expect(await replan(ws)).toEqual([]);

    // What the function does on a sync: feed rules in, then its two tags.
    for (const id of groups) {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '173.245.48.0/20', Description: 'sg-guardian cloudflare' }] }] }));
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2400:cb00::/32', Description: 'sg-guardian cloudflare' }] }] }));
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: FEED_TAGS[0], Value: 'sha256:0123abcd' }, { Key: FEED_TAGS[1], Value: 'etag-1' }] }));
    }
    // Terraform will see them: the groups now carry the rules and tags it does not declare.
    for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }))).SecurityGroups ?? []) {
      const cidrs = (g.IpPermissions ?? []).flatMap((p) => [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)]);
      expect(cidrs.sort()).toEqual(['173.245.48.0/20', '2400:cb00::/32']);
      expect((g.Tags ?? []).map((t) => t.Key)).toEqual(expect.arrayContaining(FEED_TAGS));
    }
    expect(await replan(ws)).toEqual([]);

    await ws.destroy(vars);
    expect((await ws.tf(['state', 'list'])).stdout.trim()).toBe('');
  });
});

// examples/cloudfront-prefix-list, applied once with a real tofu/terraform against the emulator, the
// function in eu-west-1 and the AmazonIpSpaceChanged topic in us-east-1 (cross-region, as in AWS).
// Terraform: bad input fails at plan naming the variable; apply creates what the function needs
// (prefix lists, the cross-region subscription and permission, the schedule, least-privilege IAM) and
// settings the Lambda's own schema accepts; a re-plan is empty, and stays empty after the function's
// part (entries) is done by hand. Attack 8: 0.0.0.0/0 added out of band to a list tagged with the
// feed's (public, computable) hash is removed by the next sync. Behaviour: a loopback server publishes the feed
// (the real 2024 ip-ranges.json, then edited versions), and the bundled handler runs with the deployed
// function's environment on the real notice and on the schedule: entries asserted exactly, a second
// run makes no mutating call, a shrinking, broken or unverifiable feed changes nothing and notifies.
// Then destroy leaves nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateManagedPrefixListCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeManagedPrefixListsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, DeleteTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { one, stateResources } from '../support/hardening.js';
import { drain, emulator, notification, queue, uniqueName } from '../support/aws.js';
import { workspace } from '../support/terraform.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import {
  deployedConfig,
  expectFeedLeastPrivilege,
  expectPlanError,
  FEED_TAGS,
  IP_RANGES,
  kinds,
  list,
  mutating,
  NOTICE,
  opts,
  replan,
  rolePolicy,
  SCHEDULE,
  sorted,
} from '../support/feed-example.js';
import { rangesFromAwsFile } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { makeFeedSet } from '../../lambda-src/feeds/feed-set.js';

// The function in another region than the topic: the subscription is cross-region, as in AWS.
const region = 'eu-west-1';
const ws = workspace('cloudfront-prefix-list', emulator().endpoint);
const name = uniqueName('sgg-cf');
const ec2 = new EC2Client(opts(region));
const client = ec2;
const lambda = new LambdaClient(opts(region));
const snsUsEast1 = new SNSClient(opts('us-east-1'));
// The inbox lives with the function's notifications topic.
const queues = new SQSClient(opts(region));
let server: FeedServer;
let feedUrl = '';
let topicArn = '';
let inboxUrl = '';
let vars: Record<string, unknown> = {};
let outputs: Record<string, unknown> = {};
let applied = false;
const inbox = (want = 1) => drain(queues, inboxUrl, want);

beforeAll(async () => {
  server = await startFeedServer();
  server.set('/ip-ranges.json', IP_RANGES);
  feedUrl = server.url('/ip-ranges.json');
  // AmazonIpSpaceChanged stand-in: same name and region, in the emulator's account.
  topicArn = (await snsUsEast1.send(new CreateTopicCommand({ Name: 'AmazonIpSpaceChanged' }))).TopicArn!;
  const box = await queue(queues, uniqueName('sgg-cf-inbox'));
  inboxUrl = box.url;
  vars = { region, name, ip_space_changed_topic_arn: topicArn, cloudfront_feed_url: feedUrl, notifications_subscriptions: [{ protocol: 'sqs', endpoint: box.arn }] };
});
afterAll(async () => {
  if (applied) await ws.destroy(vars).catch((err: unknown) => console.error(err));
  if (topicArn) await snsUsEast1.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  await server?.close();
  ws.cleanup();
});

/** ip-ranges.json with `edit` applied, and the notice that announces it (md5 of the exact bytes). */
function publishAws(edit: (doc: { syncToken: string; prefixes: { ip_prefix: string; service: string; region: string }[] }) => void) {
  const doc = JSON.parse(IP_RANGES.toString('utf8')) as Parameters<typeof edit>[0];
  edit(doc);
  const bytes = Buffer.from(JSON.stringify(doc, null, 2));
  server.set('/ip-ranges.json', bytes);
  return noticeFor(doc.syncToken, createHash('md5').update(bytes).digest('hex'));
}

function noticeFor(syncToken: string, md5: string) {
  const n = structuredClone(NOTICE);
  n.Records[0]!.Sns.Message = JSON.stringify({ ...(JSON.parse(n.Records[0]!.Sns.Message) as object), synctoken: syncToken, md5 });
  return n;
}

async function entries(prefixListId: string): Promise<string[]> {
  const res = await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: prefixListId, MaxResults: 1000 }));
  return (res.Entries ?? []).map((e) => e.Cidr!).sort();
}

async function version(prefixListId: string): Promise<number> {
  return (await client.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] }))).PrefixLists![0]!.Version!;
}

/** Takes out what the converge check wrote by hand (entries and the two tags), so the feed starts from the lists Terraform made. */
async function emptyList(id: string) {
  const [pl] = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists ?? [];
  const cidrs = await entries(id);
  // The name is repeated only for moto, which wipes an omitted PrefixListName (EC2 keeps it).
  const modify = { PrefixListId: id, CurrentVersion: pl!.Version, RemoveEntries: cidrs.map((Cidr) => ({ Cidr })) };
  if (cidrs.length) await ec2.send(new ModifyManagedPrefixListCommand(emulator().kind === 'moto' ? { ...modify, PrefixListName: pl!.PrefixListName } : modify));
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: FEED_TAGS.map((Key) => ({ Key })) }));
  expect(await entries(id), id).toEqual([]);
}

describe('examples/cloudfront-prefix-list with terraform against the emulator', () => {
  it('init; bad input fails at plan naming the variable', async () => {
    await ws.tf(['init', '-input=false', '-no-color']);
    // No separate validate: every plan validates first (minimal.test.ts runs `validate` on the module).

    // One plan reports every invalid variable.
    const badTopic = topicArn.replace('us-east-1', 'eu-west-1');
    await expectPlanError(ws, [`name=${name}`, 'cloudfront_feed_url=http://ip-ranges.example.com/ip-ranges.json', `ip_space_changed_topic_arn=${badTopic}`], [
      'cloudfront_feed_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1]).',
      'ip_space_changed_topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there).',
      'topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there).',
    ]);
  });

  it('apply: prefix lists, cross-region subscription, invoke permission, schedule, settings, IAM', async () => {
    applied = true;
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
        securityGroups: { groupIds: { aws: [], cloudflare: [] }, tagEnrolment: false, tagKey: 'sg-guardian:feed', ports: [443], rulesPerGroupQuota: 60 },
      },
      maxShrinkPercent: 30,
      minPrefixLength: { ipv4: 8, ipv6: 16 },
    });
    expect(parsed.feeds.targets.prefixLists.aws).toEqual({ ipv4: ids.ipv4, ipv6: ids.ipv6 });

    // IAM: prefix-list writes on the two lists only, no tagging; no group (none listed, tag enrolment off).
    const statements = await rolePolicy(ws);
    const arns = lists.map((l) => l.PrefixListArn!).sort();
    expect(statements.get('FeedPrefixListEntries')).toMatchObject({ Action: 'ec2:ModifyManagedPrefixList' });
    expect(list(statements.get('FeedPrefixListEntries')!.Resource)).toEqual(arns);
    expect([...statements.keys()].filter((s) => s.startsWith('Feed'))).toEqual(['FeedPrefixListEntries']);
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

  // One re-plan, after the function's kind of write (each costs ~25 s of CPU): a diff right after
  // the apply would still show in it.
  it('converges, and stays converged after the function filled the lists', async () => {
    // What the function does on a notice: entries in (version-checked); it writes no tags.
    const ids = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string };
    for (const [id, cidr] of [[ids.ipv4, '13.32.0.0/15'], [ids.ipv6, '2600:9000::/28']] as const) {
      const [pl] = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists ?? [];
      // The name is repeated only for moto, which wipes an omitted PrefixListName (EC2 keeps it).
      const modify = { PrefixListId: id, CurrentVersion: pl!.Version, AddEntries: [{ Cidr: cidr, Description: 'sg-guardian aws' }] };
      await ec2.send(new ModifyManagedPrefixListCommand(emulator().kind === 'moto' ? { ...modify, PrefixListName: pl!.PrefixListName } : modify));
      const entries = (await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }))).Entries ?? [];
      expect(entries.map((e) => e.Cidr)).toEqual([cidr]);
    }
    expect(await replan(ws)).toEqual([]);
  });
});

describe('CloudFront feed into prefix lists (examples/cloudfront-prefix-list)', () => {
  let env: Record<string, string> = {};
  let v4 = '';
  let v6 = '';

  beforeAll(async () => {
    ({ ipv4: v4, ipv6: v6 } = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string });
    await emptyList(v4);
    await emptyList(v6);
    env = await deployedEnvironment(String(outputs.function_name), region);
  });

  it('the real notice fills the lists with exactly CLOUDFRONT_ORIGIN_FACING (47 IPv4, 0 IPv6) and notifies', async () => {
    const want = rangesFromAwsFile(IP_RANGES, { services: ['CLOUDFRONT_ORIGIN_FACING'] });
    expect([want.ipv4.length, want.ipv6.length]).toEqual([47, 0]);
    const run = await invokeBundle(noticeFor('1720490589', '7d512815cbb10c21eb790c7f2f02e0b7'), env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(run.result!.kind).toBe('ip-space-changed');
    expect(await entries(v4)).toEqual(sorted(want.ipv4));
    expect(await entries(v6)).toEqual([]);
    const n = notification((await inbox())[0]!);
    expect(n.attributes).toMatchObject({ kind: 'feed', feed: 'aws', action: 'applied', prefix_list_id: v4, sync_token: '1720490589' });
    expect(n.subject).toContain('+47 -0');
  });

  it('the same notice again reads only: no mutating call, version unchanged, no notification', async () => {
    const before = await version(v4);
    const run = await invokeBundle(noticeFor('1720490589', '7d512815cbb10c21eb790c7f2f02e0b7'), env);
    expect(run.ok, run.error).toBe(true);
    expect(mutating(run)).toEqual([]);
    expect(run.result!.actions.every((a) => a.type === 'ignore' && String(a.reason).startsWith('unchanged'))).toBe(true);
    expect(await version(v4)).toBe(before);
    expect(await inbox(0)).toEqual([]);
  });

  it('a new file with one range withdrawn and two added: exactly that change, one modify', async () => {
    let withdrawn = '';
    const notice = publishAws((doc) => {
      const i = doc.prefixes.findIndex((p) => p.service === 'CLOUDFRONT_ORIGIN_FACING');
      withdrawn = doc.prefixes[i]!.ip_prefix;
      doc.prefixes.splice(i, 1);
      doc.prefixes.push({ ip_prefix: '44.200.0.0/24', service: 'CLOUDFRONT_ORIGIN_FACING', region: 'GLOBAL' }, { ip_prefix: '44.201.0.0/24', service: 'CLOUDFRONT', region: 'GLOBAL' });
      doc.syncToken = '1720494189';
    });
    const before = await entries(v4);
    const run = await invokeBundle(notice, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(kinds(run).filter((k) => k.startsWith('modify'))).toEqual(['modify-prefix-list:done']);
    expect(await entries(v4)).toEqual(sorted([...before.filter((c) => c !== withdrawn), '44.200.0.0/24']));
    const n = notification((await inbox())[0]!);
    expect(n.subject).toContain('+1 -1');
    expect(n.message).toContain(`- ${withdrawn}`);
  });

  it('attack 8: 0.0.0.0/0 added out of band, the list tagged with the feed hash and syncToken, is removed by the next sync', async () => {
    const before = await entries(v4);
    // The hash is computable from the public feed: anyone who can tag can write the matching one.
    const hash = makeFeedSet('aws', before).hash;
    const [pl] = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [v4] }))).PrefixLists ?? [];
    const modify = { PrefixListId: v4, CurrentVersion: pl!.Version, AddEntries: [{ Cidr: '0.0.0.0/0', Description: 'sg-guardian:aws' }] };
    await ec2.send(new ModifyManagedPrefixListCommand(emulator().kind === 'moto' ? { ...modify, PrefixListName: pl!.PrefixListName } : modify));
    await ec2.send(new CreateTagsCommand({ Resources: [v4], Tags: [{ Key: FEED_TAGS[0]!, Value: hash }, { Key: FEED_TAGS[1]!, Value: '1720494189' }] }));
    expect(await entries(v4)).toContain('0.0.0.0/0');

    // The daily re-check, with the file unchanged since it was applied.
    const run = await invokeBundle(SCHEDULE, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    expect(kinds(run).filter((k) => k.startsWith('modify'))).toEqual(['modify-prefix-list:done']);
    expect(await entries(v4)).toEqual(before);
    const n = notification((await inbox())[0]!);
    expect(n.subject).toContain('+0 -1');
    expect(n.message).toContain('- 0.0.0.0/0');
    // A second run finds the list at the feed: nothing to do.
    const again = await invokeBundle(SCHEDULE, env);
    expect(mutating(again)).toEqual([]);
    await ec2.send(new DeleteTagsCommand({ Resources: [v4], Tags: FEED_TAGS.map((Key) => ({ Key })) }));
  });

  it('an md5 mismatch applies nothing and sends a high-severity notification', async () => {
    const before = await entries(v4);
    publishAws((doc) => {
      doc.prefixes = doc.prefixes.filter((p) => !p.ip_prefix.startsWith('130.176.'));
      doc.syncToken = '1720500000';
    });
    const run = await invokeBundle(noticeFor('1720500000', '00000000000000000000000000000000'), env);
    expect(run.ok, run.error).toBe(true);
    expect(mutating(run)).toEqual([]);
    expect(await entries(v4)).toEqual(before);
    const n = notification((await inbox())[0]!);
    expect(n.attributes).toMatchObject({ kind: 'feed', feed: 'aws', severity: 'high' });
    expect(n.message).toMatch(/md5/);
  });

  it('a verified file holding 0.0.0.0/0 (implausible) changes nothing and notifies once, high', async () => {
    const before = await entries(v4);
    const listVersion = await version(v4);
    await inbox(0); // whatever earlier tests left: this test counts its own notifications
    const notice = publishAws((doc) => {
      doc.prefixes.push({ ip_prefix: '0.0.0.0/0', service: 'CLOUDFRONT_ORIGIN_FACING', region: 'GLOBAL' });
      doc.syncToken = '1720550000';
    });
    const run = await invokeBundle(notice, env);
    expect(run.ok, run.error).toBe(true);
    expect(mutating(run)).toEqual([]);
    expect(kinds(run)).toEqual(['notify:done']);
    expect(await entries(v4)).toEqual(before);
    expect(await version(v4)).toBe(listVersion);
    const got = await inbox(0);
    expect(got).toHaveLength(1);
    const n = notification(got[0]!);
    expect(n.attributes).toMatchObject({ kind: 'feed', feed: 'aws', action: 'rejected', severity: 'high' });
    expect(n.subject).toContain('implausible range 0.0.0.0/0');
    expect(n.message).toContain('0.0.0.0/0 is a default route');
  });

  it('a verified file that shrinks the set by more than 30% applies nothing and notifies', async () => {
    const before = await entries(v4);
    const notice = publishAws((doc) => {
      let kept = 0;
      doc.prefixes = doc.prefixes.filter((p) => p.service !== 'CLOUDFRONT_ORIGIN_FACING' || kept++ < 10);
      doc.syncToken = '1720600000';
    });
    const run = await invokeBundle(notice, env);
    expect(run.ok, run.error).toBe(true);
    expect(mutating(run)).toEqual([]);
    expect(await entries(v4)).toEqual(before);
    const n = notification((await inbox())[0]!);
    expect(n.attributes.severity).toBe('high');
    expect(n.subject).toMatch(/shrink/);
  });

  it('an unreachable or truncated feed applies nothing and notifies', async () => {
    const before = await entries(v4);
    server.set('/ip-ranges.json', IP_RANGES.subarray(0, 5000));
    const truncated = await invokeBundle(noticeFor('1720700000', createHash('md5').update(IP_RANGES.subarray(0, 5000)).digest('hex')), env);
    expect(truncated.ok, truncated.error).toBe(true);
    expect(mutating(truncated)).toEqual([]);
    expect(notification((await inbox())[0]!).attributes.severity).toBe('high');

    server.set('/ip-ranges.json', 'Service Unavailable', 503);
    const down = await invokeBundle(noticeFor('1720700001', 'ffffffffffffffffffffffffffffffff'), env);
    expect(down.ok, down.error).toBe(true);
    expect(mutating(down)).toEqual([]);
    expect(notification((await inbox())[0]!).message).toMatch(/HTTP 503/);
    expect(await entries(v4)).toEqual(before);
  });

  it('all of CLOUDFRONT (178 IPv4) into a larger list: more than 100 entries go in batches, exactly', async () => {
    // The 2024 file again, under a syncToken newer than the one recorded (an older one is refused as stale).
    publishAws((doc) => {
      doc.syncToken = '1720800000';
    });
    const big = (await client.send(new CreateManagedPrefixListCommand({ PrefixListName: uniqueName('sgg-cf-all'), AddressFamily: 'IPv4', MaxEntries: 250 }))).PrefixList!.PrefixListId!;
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { feeds: { aws: { services: string[] }; targets: { prefixLists: { aws: Record<string, string> } } } };
    config.feeds.aws.services = ['CLOUDFRONT'];
    config.feeds.targets.prefixLists.aws = { ipv4: big };
    const run = await invokeBundle(SCHEDULE, { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) });
    expect(run.ok, run.error ?? run.logs).toBe(true);
    const modify = run.result!.results.find((r) => r.action.type === 'modify-prefix-list');
    expect(modify).toMatchObject({ status: 'done', detail: '2 ModifyManagedPrefixList calls' });
    const want = rangesFromAwsFile(IP_RANGES, { services: ['CLOUDFRONT'] }).ipv4;
    expect(want).toHaveLength(178);
    expect(await entries(big)).toEqual(sorted(want));
    await inbox();
  });
});

describe('examples/cloudfront-prefix-list with terraform against the emulator: destroy', () => {
  it('destroys everything, the cross-region subscription too', async () => {
    await ws.destroy(vars);
    applied = false;
    expect((await ws.tf(['state', 'list'])).stdout.trim()).toBe('');
    const subs = (await snsUsEast1.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    expect(subs).toEqual([]);
  });
});

// Waivers and `sg-guardian status` on the emulator, in-process (runEvent and statusCommand with real
// emulator clients; resources made with the SDK, no Terraform). The clock is injected: the waiver
// expires between two sweeps. status's reads are counted with SDK middleware on its EC2 and DynamoDB
// clients and a counting fetcher: it must make no call but Describe*/Get*/Scan and HTTP GETs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeSecurityGroupIngressCommand, CreateManagedPrefixListCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupRulesCommand, type EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { drain, ec2, emulator, notification, queue, sns, sqs, uniqueName } from '../support/aws.js';
import { repoRoot } from '../support/terraform.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { runEvent } from '../../lambda-src/runtime/run.js';
import { fetchBytes } from '../../lambda-src/aws/http.js';
import { createStateStore } from '../../lambda-src/aws/state.js';
import { parseSettings, type Settings } from '../../lambda-src/policy/settings.js';
import { statusCommand } from '../../lambda-src/cli/status.js';
import { StatusReportSchema } from '../../lambda-src/cli/status-report.js';

const samples = path.join(repoRoot, 'test/fixtures/samples');
const sample = (name: string) => JSON.parse(fs.readFileSync(path.join(samples, name), 'utf8')) as Record<string, unknown>;
const IP_RANGES = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
const NOTICE = sample('sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json');
const BEFORE = new Date();
const EXPIRES = new Date(BEFORE.getTime() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const AFTER = new Date(BEFORE.getTime() + 3600_000 + 60_000);
const VENDOR = { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '198.51.100.7/32' }] };

let server: FeedServer;
let settings: Settings;
let groupId = '';
let inboxUrl = '';
let tableName = '';
const queues = sqs();
const { accountId, region } = emulator();
const home = { accountId, region };
const dynamo = () => new DynamoDBClient({ endpoint: emulator().endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });
const store = () => createStateStore(tableName, dynamo());
const deps = (now: Date) => ({ ec2: ec2(), sns: sns(), fetch: fetchBytes, state: store(), home, now: () => now, log: () => undefined });
const ingress = async () =>
  ((await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress)
    .map((r) => `${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4}`)
    .sort();

/** Records every command name a client sends (the read-only check). */
function countEc2(client: EC2Client, calls: string[]): EC2Client {
  client.middlewareStack.add((next, context) => (args) => (calls.push(context.commandName ?? '?'), next(args)), { step: 'initialize', name: 'countCalls' });
  return client;
}
function countDynamo(client: DynamoDBClient, calls: string[]): DynamoDBClient {
  client.middlewareStack.add((next, context) => (args) => (calls.push(context.commandName ?? '?'), next(args)), { step: 'initialize', name: 'countCalls' });
  return client;
}

async function status(json: boolean, now: Date) {
  const calls: string[] = [];
  const fetched: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const code = await statusCommand(settings, json, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, {
    scopes: [{ accountId, region, ec2: countEc2(ec2(), calls) }],
    state: createStateStore(tableName, countDynamo(dynamo(), calls)),
    fetch: (url) => (fetched.push(url), fetchBytes(url)),
    now: () => now,
    progressFrom: 1,
  });
  return { code, stdout: out.join(''), stderr: err.join(''), calls, fetched };
}

/** The nuvibit console sample, pointed at this group and rule (actor, IP and agent as recorded). */
function authorizeEvent(ruleId: string) {
  const event = sample('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json') as { account: string; detail: Record<string, unknown> };
  event.account = accountId;
  Object.assign(event.detail, { recipientAccountId: accountId, awsRegion: region, eventID: uniqueName('evt') });
  event.detail.requestParameters = { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 8443, toPort: 8443, ipRanges: { items: [{ cidrIp: '198.51.100.7/32' }] } }] } };
  event.detail.responseElements = { _return: true, securityGroupRuleSet: { items: [{ groupId, groupOwnerId: accountId, securityGroupRuleId: ruleId, isEgress: false, ipProtocol: 'tcp', fromPort: 8443, toPort: 8443, cidrIpv4: '198.51.100.7/32' }] } };
  return event;
}

beforeAll(async () => {
  server = await startFeedServer();
  server.set('/ip-ranges.json', IP_RANGES);
  const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
  groupId = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: uniqueName('sgg-waived'), Description: 'waiver test', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'sgg-waiver-test', Value: 'true' }] }] }))).GroupId!;
  await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal' }] }] }));
  const v4 = (await ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: uniqueName('sgg-waiver-v4'), AddressFamily: 'IPv4', MaxEntries: 60 }))).PrefixList!.PrefixListId!;
  tableName = uniqueName('sgg-waiver-state');
  await dynamo().send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
  const topicArn = (await sns().send(new CreateTopicCommand({ Name: uniqueName('sgg-waiver-topic') }))).TopicArn!;
  const box = await queue(queues, uniqueName('sgg-waiver-inbox'));
  inboxUrl = box.url;
  await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: box.arn }));
  settings = parseSettings(
    JSON.stringify({
      notifications: { topicArn },
      state: { tableName, graceSeconds: 900 },
      drift: { guardTag: { key: 'sgg-waiver-test', value: 'true' } },
      worldOpen: { enabled: false },
      feeds: { aws: { enabled: true, url: server.url('/ip-ranges.json'), syncOnSchedule: false }, targets: { prefixLists: { aws: { ipv4: v4 } } } },
      waivers: [{ groupId, protocol: 'tcp', fromPort: 8443, toPort: 8443, source: '198.51.100.7/32', expires: EXPIRES, reason: 'vendor debugging CHG-1234', owner: 'alice@example.com' }],
    }),
  );
  // Deployed and running: the feed applied once, the group enrolled by a sweep.
  await runEvent(NOTICE, settings, deps(BEFORE));
  await runEvent({ 'sg-guardian': { action: 'sweep' } }, settings, deps(BEFORE));
  await drain(queues, inboxUrl, 2);
});
afterAll(async () => {
  await server.close();
});

describe('waivers and status (in-process, emulator clients)', () => {
  it('a waived change stands (notified as kept); status is clean (exit 0), with reads only; --json validates', async () => {
    const made = await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [VENDOR] }));
    const run = await runEvent(authorizeEvent(made.SecurityGroupRules![0]!.SecurityGroupRuleId!), settings, deps(BEFORE));
    expect(run.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['notify:done']);
    expect(await ingress()).toEqual(['tcp 443 10.0.0.0/8', 'tcp 8443 198.51.100.7/32']);
    const n = notification((await drain(queues, inboxUrl))[0]!);
    expect(n.attributes).toMatchObject({ kind: 'drift', action: 'waived', group_id: groupId });
    expect(n.message).toContain(`kept: waived until ${EXPIRES}, reason vendor debugging CHG-1234, owner alice@example.com`);
    // The baseline did not move: the approved https rule and moto's default egress, no 8443.
    expect((await store().getGroup({ accountId, region, groupId }))!.baseline.map((b) => `${b.direction} ${b.protocol} ${b.fromPort ?? ''}`.trim())).toEqual(['egress -1', 'ingress tcp 443']);

    const table = await status(false, BEFORE);
    expect(table.code, table.stdout + table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${groupId} +sgg-waived\\S* +in sync +2 +3 +kept ingress tcp 8443 from 198\\.51\\.100\\.7/32`));
    expect(table.stdout).toMatch(/aws +pl-\w+ +1720490589 \w+ +1720490589 \w+ +in sync/);
    expect(table.stdout).toMatch(/ingress tcp 8443 from 198\.51\.100\.7\/32 +\S+ \(\d+m left\) +active +yes +alice@example\.com +vendor debugging CHG-1234/);
    expect(table.stdout).toMatch(/Result: in desired state: 1 guarded group\(s\), 1 feed\(s\) in sync/);
    expect(table.stderr).toMatch(/reading the rules of 1 group/);
    expect(new Set(table.calls)).toEqual(new Set(['ScanCommand', 'DescribeSecurityGroupsCommand', 'DescribeSecurityGroupRulesCommand', 'GetItemCommand']));
    expect(table.fetched).toEqual([server.url('/ip-ranges.json')]);

    const json = await status(true, BEFORE);
    expect(json.code).toBe(0);
    const report = StatusReportSchema.parse(JSON.parse(json.stdout));
    expect(report.scopes[0]!.groups).toEqual([expect.objectContaining({ groupId, state: 'in-sync', waived: [expect.stringContaining('waived until')] })]);
    expect(json.calls.every((c) => /^(Describe|Get|Scan|List|Query)/.test(c))).toBe(true);
  });

  it('an out-of-band change makes status exit 1 and name it; nothing was changed by status', async () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] };
    await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
    const before = await ingress();
    const out = await status(false, BEFORE);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(new RegExp(`${groupId} +\\S+ +DRIFT +2 +4 +extra ingress tcp 22 from 203\\.0\\.113\\.0/24 \\[sgr-\\w+\\]`));
    expect(out.stdout).toMatch(/Result: OUT of desired state: 1 group\(s\) out of their desired state/);
    expect(out.calls.filter((c) => !/^(Describe|Get|Scan)/.test(c))).toEqual([]);
    expect(await ingress()).toEqual(before);
    await ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
  });

  it('after the waiver expired (injected clock) the next sweep reverts the waived rule within the grace period and notifies "waiver expired"', async () => {
    const run = await runEvent({ 'sg-guardian': { action: 'sweep' } }, settings, deps(AFTER));
    expect(run.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['revoke-ingress:done', 'notify:done', 'ignore:skipped']);
    expect(await ingress()).toEqual(['tcp 443 10.0.0.0/8']);
    const n = notification((await drain(queues, inboxUrl))[0]!);
    expect(n.subject).toBe(`Waiver expired on ${groupId}: reverted 1 waived rule(s)`);
    expect(n.attributes).toMatchObject({ action: 'waiver-expired', group_id: groupId });
    expect(n.message).toContain(`waiver expired: ${groupId} ingress tcp 8443 198.51.100.7/32 (owner alice@example.com, expires ${EXPIRES}), reason vendor debugging CHG-1234`);

    const out = await status(true, AFTER);
    expect(out.code).toBe(0);
    const report = StatusReportSchema.parse(JSON.parse(out.stdout));
    expect(report.scopes[0]!.waivers).toEqual([expect.objectContaining({ state: 'expired', inUse: false })]);
  });
});

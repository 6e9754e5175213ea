// Issue #12: Security Hub findings and per-protocol notification bodies, in-process (runEvent with
// real emulator clients: EC2, SNS, SQS and moto's Security Hub BatchImportFindings / GetFindings).
// moto stores findings as sent and ignores GetFindings filters, so every read here is filtered by
// ID in the test and the adapter filters again; the ASFF documents are also checked against the
// published required fields. Subscribers: an SQS queue with raw delivery, one with the SNS
// envelope, and an HTTP server on loopback (moto posts to it; plain http only because it is local).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { EnableSecurityHubCommand, GetFindingsCommand, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { drain, ec2, emulator, queue, securityHub, sns, sqs, uniqueName } from '../support/aws.js';
import { repoRoot } from '../support/terraform.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { runEvent, type RunDeps } from '../../lambda-src/runtime/run.js';
import { fetchBytes } from '../../lambda-src/aws/http.js';
import { MemoryStateStore } from '../../lambda-src/core/memory-state.js';
import { parseSettings, type Settings } from '../../lambda-src/policy/settings.js';
import { findingId } from '../../lambda-src/notify/finding.js';

// The custom-notification format of Amazon Q Developer in chat applications (version 1.0).
const ChatSchema = z
  .object({
    version: z.literal('1.0'),
    source: z.literal('custom'),
    id: z.string().optional(),
    content: z
      .object({
        textType: z.literal('client-markdown').optional(),
        title: z.string().min(1).max(250),
        description: z.string().min(1).max(8000),
        nextSteps: z.array(z.string().min(1)).max(10).optional(),
        keywords: z.array(z.string().min(1).max(75)).max(10).optional(),
      })
      .strict(),
    metadata: z
      .object({
        threadId: z.string().optional(),
        summary: z.string().optional(),
        eventType: z.string().optional(),
        relatedResources: z.array(z.string()).optional(),
        additionalContext: z.record(z.string(), z.string()).optional(),
        enableCustomActions: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

// ASFF: the attributes BatchImportFindings requires (AWS Security Hub user guide, "ASFF required attributes").
const REQUIRED_ASFF = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'] as const;

const samples = path.join(repoRoot, 'test/fixtures/samples');
const IP_RANGES = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
const NOTICE = fs.readFileSync(path.join(samples, 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json'), 'utf8');

interface Posted {
  Type: string;
  Message: string;
  Subject?: string;
  SubscribeURL?: string;
  MessageAttributes?: Record<string, { Value: string }>;
}

let topicArn = '';
let productArn = '';
let rawInbox = '';
let envelopeInbox = '';
let server: http.Server;
let feeds: FeedServer;
const posted: Posted[] = [];
const queues = sqs();
const hub = securityHub();
const account = () => emulator().accountId;
const region = () => emulator().region;
const INTRUDER = () => `arn:aws:sts::${account()}:assumed-role/contractor/mallory`;

const deps = (store: MemoryStateStore): RunDeps => ({ ec2: ec2(), sns: sns(), securityHub: hub, fetch: fetchBytes, state: store, home: { accountId: account(), region: region() }, log: () => undefined });

function settingsFor(doc: Record<string, unknown>): Settings {
  return parseSettings(JSON.stringify({ notifications: { topicArn }, securityHub: { enabled: true, productArn }, state: { graceSeconds: 0 }, ...doc }));
}

/** Every stored finding with this ID (moto ignores GetFindings filters: filtered here). */
async function findingsWithId(id: string): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const res = await hub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: id, Comparison: 'EQUALS' }] }, MaxResults: 100, NextToken: token }));
    all.push(...(res.Findings ?? []));
    token = res.NextToken || undefined;
  } while (token);
  return all.filter((f) => f.Id === id);
}

async function onlyFinding(id: string): Promise<AwsSecurityFinding> {
  const found = await findingsWithId(id);
  expect(found, `findings with Id ${id}`).toHaveLength(1);
  const f = found[0]!;
  for (const key of REQUIRED_ASFF) expect(f[key], `ASFF ${key}`).toBeDefined();
  expect(f.SchemaVersion).toBe('2018-10-08');
  expect(f.ProductArn).toBe(productArn);
  expect(f.AwsAccountId).toBe(account());
  return f;
}

async function group(name: string, rules: { port: number; cidr: string }[]): Promise<string> {
  const id = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: uniqueName(name), Description: 'sg-guardian findings test' }))).GroupId!;
  if (rules.length)
    await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: rules.map((r) => ({ IpProtocol: 'tcp', FromPort: r.port, ToPort: r.port, IpRanges: [{ CidrIp: r.cidr }] })) }));
  return id;
}

/** The intruder adds tcp `port` from 0.0.0.0/0 for real, and the CloudTrail record of it as EventBridge delivers it. */
async function intrusion(gid: string, port: number) {
  await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const rules = (await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [gid] }] }))).SecurityGroupRules ?? [];
  const ruleId = rules.find((r) => !r.IsEgress && r.FromPort === port && r.CidrIpv4 === '0.0.0.0/0')!.SecurityGroupRuleId!;
  const now = new Date().toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: account(),
    time: now,
    region: region(),
    resources: [],
    detail: {
      eventVersion: '1.10',
      userIdentity: { type: 'AssumedRole', arn: INTRUDER(), accountId: account(), principalId: 'AROA:mallory', sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account()}:role/contractor` } } },
      eventTime: now,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      awsRegion: region(),
      sourceIPAddress: '203.0.113.66',
      userAgent: 'aws-cli/2.15.0',
      eventID: randomUUID(),
      eventType: 'AwsApiCall',
      recipientAccountId: account(),
      requestParameters: { groupId: gid, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
      responseElements: { _return: true, securityGroupRuleSet: { items: [{ groupOwnerId: account(), groupId: gid, securityGroupRuleId: ruleId, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: '0.0.0.0/0' }] } },
    },
  };
}

const sweep = { 'sg-guardian': { action: 'sweep' } };

/** Raw-delivery bodies received until `want` is among them (earlier tests' messages come first). */
async function rawBodies(want: string): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < 8 && !got.includes(want); i++) got.push(...(await drain(queues, rawInbox, 1)).map((m) => m.Body!));
  return got;
}

async function waitForPosts(n: number): Promise<Posted[]> {
  for (let i = 0; i < 50 && posted.filter((p) => p.Type === 'Notification').length < n; i++) await new Promise((r) => setTimeout(r, 100));
  return posted.filter((p) => p.Type === 'Notification');
}

beforeAll(async () => {
  productArn = `arn:aws:securityhub:${region()}:${account()}:product/${account()}/default`;
  await hub.send(new EnableSecurityHubCommand({ EnableDefaultStandards: false })).catch(() => undefined);
  topicArn = (await sns().send(new CreateTopicCommand({ Name: uniqueName('sgg-chat-topic') }))).TopicArn!;
  const raw = await queue(queues, uniqueName('sgg-chat-raw'));
  const env = await queue(queues, uniqueName('sgg-chat-env'));
  [rawInbox, envelopeInbox] = [raw.url, env.url];
  await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
  await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: env.arn }));
  await queues.send(new SetQueueAttributesCommand({ QueueUrl: raw.url, Attributes: { VisibilityTimeout: '60' } }));
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const msg = JSON.parse(body) as Posted;
      posted.push(msg);
      // Real SNS asks an http(s) endpoint to confirm first; moto confirms by itself. Either way, confirm.
      if (msg.Type === 'SubscriptionConfirmation' && msg.SubscribeURL) void fetch(msg.SubscribeURL).catch(() => undefined);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/sns` }));
  feeds = await startFeedServer();
  feeds.set('/ip-ranges.json', IP_RANGES);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await feeds.close();
});

describe('Security Hub findings on the emulator (moto BatchImportFindings / GetFindings)', () => {
  it('a drift revert: imported ACTIVE in dry run, not duplicated on replay, resolved by the sweep once clean, updated in place by the next revert', async () => {
    const store = new MemoryStateStore();
    const gid = await group('sgg-find-drift', [{ port: 443, cidr: '10.0.0.0/8' }]);
    const drift = { enabled: true, guardedGroupIds: [gid] };
    const enforce = settingsFor({ drift });
    const rehearse = settingsFor({ drift, dryRun: { drift: true } });
    await runEvent(sweep, enforce, deps(store)); // enrolment: the baseline is tcp 443 from 10.0.0.0/8
    const id = findingId(productArn, 'unauthorized-change', gid);
    await drain(queues, rawInbox, 0);
    await drain(queues, envelopeInbox, 0);

    // Dry run: "would revert", ACTIVE and FAILED.
    const e1 = await intrusion(gid, 22);
    const first = await runEvent(e1, rehearse, deps(store));
    expect(first.results.filter((r) => r.status === 'failed')).toEqual([]);
    const f1 = await onlyFinding(id);
    expect(f1).toMatchObject({
      Title: expect.stringMatching(/^Would revert AuthorizeSecurityGroupIngress on sg-/) as string,
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      Severity: { Label: 'MEDIUM', Original: 'medium' },
      GeneratorId: 'sg-guardian/unauthorized-change',
      Region: region(),
    });
    expect(f1.Types).toContain('Software and Configuration Checks/Policy/Unauthorized security group change');
    expect(f1.Resources).toEqual([
      expect.objectContaining({ Type: 'AwsEc2SecurityGroup', Id: `arn:aws:ec2:${region()}:${account()}:security-group/${gid}`, Partition: 'aws', Region: region(), Details: { AwsEc2SecurityGroup: { GroupId: gid } } }),
    ]);
    expect(f1.ProductFields).toMatchObject({ 'sg-guardian/eventId': e1.detail.eventID, 'sg-guardian/actor': INTRUDER(), 'sg-guardian/action': 'would-revert' });
    expect(f1.Remediation?.Recommendation?.Text).toMatch(/allowed principal/);
    expect(f1.CreatedAt).toBe(f1.FirstObservedAt);
    expect(Date.parse(f1.CreatedAt!)).toBeLessThanOrEqual(Date.parse(f1.UpdatedAt!));

    // The same delivery again: the ledger knows it; nothing imported, still one finding, untouched.
    const replay = await runEvent(e1, rehearse, deps(store));
    expect(replay.results.map((r) => r.action.type)).toEqual(['ignore']);
    expect((await onlyFinding(id)).UpdatedAt).toBe(f1.UpdatedAt);

    // Enforced, the sweep reconciles what the rehearsal left (a missed-event finding, resolved at once)...
    const reconciled = await runEvent(sweep, enforce, deps(store));
    expect(reconciled.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(await onlyFinding(findingId(productArn, 'missed-event', gid))).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, Severity: { Label: 'HIGH' } });
    expect((await onlyFinding(id)).Compliance?.Status).toBe('FAILED');
    // ...and the next sweep sees the group clean: the open finding is resolved in place.
    const clean = await runEvent(sweep, enforce, deps(store));
    expect(clean.results.find((r) => r.action.type === 'resolve-findings')).toMatchObject({ status: 'done', detail: expect.stringContaining(id) as string });
    const resolved = await onlyFinding(id);
    expect(resolved).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, Title: f1.Title, CreatedAt: f1.CreatedAt });
    expect(resolved.ProductFields?.['sg-guardian/resolvedBy']).toMatch(/desired state/);
    // A further clean sweep finds nothing open: no import at all.
    const again = await runEvent(sweep, enforce, deps(store));
    expect(again.results.find((r) => r.action.type === 'resolve-findings')).toMatchObject({ status: 'already' });

    // Enforced revert of a new intrusion: the same finding, updated (event, RESOLVED at once).
    const e2 = await intrusion(gid, 3389);
    const reverted = await runEvent(e2, enforce, deps(store));
    expect(reverted.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['revoke-ingress:done', 'notify:done']);
    const f2 = await onlyFinding(id);
    expect(f2).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, Title: expect.stringMatching(/^Reverted AuthorizeSecurityGroupIngress/) as string });
    expect(f2.ProductFields?.['sg-guardian/eventId']).toBe(e2.detail.eventID);
    expect(Date.parse(f2.UpdatedAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.UpdatedAt!));

    // Per-protocol bodies of that revert's notification.
    const note = reverted.results.find((r) => r.action.type === 'notify')!.action as { message: string; subject: string };
    const raw = (await drain(queues, rawInbox, 1)).map((m) => m.Body!);
    expect(raw.at(-1)).toBe(note.message);
    const env = (await drain(queues, envelopeInbox, 1)).map((m) => JSON.parse(m.Body!) as Posted);
    expect(env.at(-1)).toMatchObject({ Type: 'Notification', Message: note.message, Subject: note.subject });
    expect(env.at(-1)!.MessageAttributes).toMatchObject({ kind: { Value: 'drift' }, action: { Value: 'reverted' }, group_id: { Value: gid } });
    const posts = await waitForPosts(1);
    const chat = ChatSchema.parse(JSON.parse(posts.at(-1)!.Message));
    expect(chat.content.title).toContain(note.subject);
    expect(chat.content.description).toContain(INTRUDER());
    expect(chat.content.description).toMatch(/tcp 3389 from 0\.0\.0\.0\/0/);
    expect(chat.content.nextSteps).toEqual(
      expect.arrayContaining([
        `[Open ${gid} in the EC2 console](https://${region()}.console.aws.amazon.com/ec2/home?region=${region()}#SecurityGroup:groupId=${gid})`,
        expect.stringContaining(`cloudtrailv2/home?region=${region()}#/events/${e2.detail.eventID}`) as string,
      ]),
    );
    expect(chat.metadata?.additionalContext).toMatchObject({ kind: 'drift', action: 'reverted', group_id: gid });
    // moto's HTTP envelope omits MessageAttributes (real SNS sends them); the SQS envelope above carries them.
    expect(posts.at(-1)).toMatchObject({ Type: 'Notification', Subject: note.subject });
  });

  it('a failed import (fault injected: moto accepts any finding with a resource) fails the run after the revert, still notifies, releases the event; the retry imports it once', async () => {
    const store = new MemoryStateStore();
    const gid = await group('sgg-find-fault', [{ port: 443, cidr: '10.0.0.0/8' }]);
    const s = settingsFor({ drift: { enabled: true, guardedGroupIds: [gid] } });
    await runEvent(sweep, s, deps(store));
    const calls: string[] = [];
    let failNext = true;
    const failing = securityHub();
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        if (failNext && context.commandName === 'BatchImportFindingsCommand') {
          failNext = false;
          throw Object.assign(new Error('Security Hub is unavailable'), { name: 'ServiceUnavailableException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectImportFailure' },
    );
    const publisher = sns();
    publisher.middlewareStack.add((next, context) => (args) => (calls.push(String(context.commandName)), next(args)), { step: 'initialize', name: 'recordPublish' });
    const d = { ...deps(store), securityHub: failing, sns: publisher };
    const e = await intrusion(gid, 22);
    const id = findingId(productArn, 'unauthorized-change', gid);

    const first = await runEvent(e, s, d);
    expect(first.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['revoke-ingress:done', 'notify:failed', 'notify:done']);
    expect(first.results[1]!.detail).toMatch(/^Security Hub import failed: Security Hub is unavailable/);
    expect(calls).toEqual(['BatchImportFindingsCommand', 'PublishCommand']); // the idempotent import first
    expect(await findingsWithId(id)).toEqual([]);

    // The claim was released: the retry reconciles (nothing left to undo), imports and notifies.
    const retry = await runEvent(e, s, d);
    expect(retry.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(await onlyFinding(id)).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } });
    // Then the ledger holds it: a further delivery imports nothing.
    calls.length = 0;
    expect((await runEvent(e, s, d)).results.map((r) => r.action.type)).toEqual(['ignore']);
    expect(calls).toEqual([]);
  });

  it('a world-open replacement by the sweep is a world-open finding on the group, resolved (the group is back within policy)', async () => {
    const store = new MemoryStateStore();
    const gid = await group('sgg-find-wo', [{ port: 22, cidr: '0.0.0.0/0' }]);
    const s = settingsFor({ worldOpen: { enabled: true, sweep: true, replacementCidrsIpv4: ['10.20.0.0/16'] } });
    const run = await runEvent(sweep, s, deps(store));
    expect(run.results.filter((r) => r.status === 'failed')).toEqual([]);
    const f = await onlyFinding(findingId(productArn, 'world-open', gid));
    expect(f).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, Severity: { Label: 'MEDIUM' }, ProductFields: expect.objectContaining({ 'sg-guardian/action': 'replaced' }) as object });
    expect(f.Types).toContain('Software and Configuration Checks/AWS Security Best Practices/Network Reachability');
    expect(f.Description).toMatch(/Replaced with \(same protocol and ports\):\n {2}- tcp 22 from 10\.20\.0\.0\/16/);
  });

  it('a refused feed is an ACTIVE feed-refused finding; the same refused notice again updates it in place (not ledgered, not duplicated)', async () => {
    const store = new MemoryStateStore();
    const s = settingsFor({ feeds: { aws: { enabled: true, url: feeds.url('/ip-ranges.json') }, targets: { prefixLists: { aws: {} } } } });
    const forged = JSON.parse(NOTICE) as { Records: { Sns: { Message: string } }[] };
    forged.Records[0]!.Sns.Message = JSON.stringify({ 'create-time': '2024-07-09-01-56-29', synctoken: '1720490589', md5: '0123456789abcdef0123456789abcdef', url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' });
    const first = await runEvent(forged, s, deps(store));
    expect(first.actions.find((a) => a.type === 'notify')).toMatchObject({ attributes: { action: 'rejected' } });
    const id = findingId(productArn, 'feed-refused', 'aws');
    const f1 = await onlyFinding(id);
    expect(f1).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' }, Severity: { Label: 'HIGH' }, Title: 'Feed REJECTED: aws md5 mismatch' });
    expect(f1.Resources).toEqual([expect.objectContaining({ Type: 'Other', Id: 'sg-guardian feed aws' })]);
    await new Promise((r) => setTimeout(r, 20));
    await runEvent(forged, s, deps(store));
    const f2 = await onlyFinding(id);
    expect(Date.parse(f2.UpdatedAt!)).toBeGreaterThan(Date.parse(f1.UpdatedAt!));
    expect(f2.Compliance?.Status).toBe('FAILED');
  });

  it('with Security Hub off, nothing is imported and the bodies are the same', async () => {
    const store = new MemoryStateStore();
    const gid = await group('sgg-find-off', [{ port: 443, cidr: '10.0.0.0/8' }]);
    const off = parseSettings(JSON.stringify({ notifications: { topicArn }, drift: { enabled: true, guardedGroupIds: [gid] } }));
    await runEvent(sweep, off, deps(store));
    const run = await runEvent(await intrusion(gid, 22), off, deps(store));
    expect(run.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['revoke-ingress:done', 'notify:done']);
    expect(await findingsWithId(findingId(productArn, 'unauthorized-change', gid))).toEqual([]);
    const note = run.results.find((r) => r.action.type === 'notify')!.action as { message: string };
    expect(await rawBodies(note.message)).toContain(note.message);
  });
});

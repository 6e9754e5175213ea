// Feed-sync failure paths the emulator cannot produce by itself, run in-process (runEvent with real
// emulator clients): a prefix-list version conflict is injected with SDK middleware because moto
// accepts any CurrentVersion. Also the benign md5 race: a notice older than the file it fetches.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateManagedPrefixListCommand, DescribeManagedPrefixListsCommand, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { drain, ec2, notification, queue, sns, sqs, uniqueName } from '../support/aws.js';
import { repoRoot } from '../support/terraform.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { runEvent } from '../../lambda-src/runtime/run.js';
import { fetchBytes } from '../../lambda-src/aws/http.js';
import { MemoryStateStore } from '../../lambda-src/core/memory-state.js';
import { parseSettings, type Settings } from '../../lambda-src/policy/settings.js';

const samples = path.join(repoRoot, 'test/fixtures/samples');
const IP_RANGES = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
const NOTICE = JSON.parse(fs.readFileSync(path.join(samples, 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json'), 'utf8')) as {
  Records: { Sns: { Message: string } }[];
};

let server: FeedServer;
let settings: Settings;
let v4 = '';
let v6 = '';
let inboxUrl = '';
const queues = sqs();

async function prefixList(family: 'IPv4' | 'IPv6') {
  return (await ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: uniqueName(`sgg-fault-${family}`), AddressFamily: family, MaxEntries: 60 }))).PrefixList!.PrefixListId!;
}

async function state(id: string) {
  const pl = (await ec2().send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists![0]!;
  const entries = (await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }))).Entries ?? [];
  return { version: pl.Version, entries: entries.length, tags: pl.Tags ?? [] };
}

/** An EC2 client whose ModifyManagedPrefixList fails as AWS does when another writer got there first. */
function conflictingEc2() {
  const client = ec2();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ModifyManagedPrefixListCommand')
        throw Object.assign(new Error('The prefix list has been modified: current version 7 does not match 1'), { name: 'PrefixListVersionMismatch' });
      return next(args);
    },
    { step: 'initialize', name: 'injectVersionConflict' },
  );
  return client;
}

const deps = (client = ec2(), store = new MemoryStateStore()) => ({ ec2: client, sns: sns(), fetch: fetchBytes, state: store, log: () => undefined });

beforeAll(async () => {
  server = await startFeedServer();
  server.set('/ip-ranges.json', IP_RANGES);
  [v4, v6] = [await prefixList('IPv4'), await prefixList('IPv6')];
  const topicArn = (await sns().send(new CreateTopicCommand({ Name: uniqueName('sgg-fault-topic') }))).TopicArn!;
  const box = await queue(queues, uniqueName('sgg-fault-inbox'));
  inboxUrl = box.url;
  await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: box.arn }));
  settings = parseSettings(
    JSON.stringify({ notifications: { topicArn }, feeds: { aws: { enabled: true, url: server.url('/ip-ranges.json') }, targets: { prefixLists: { aws: { ipv4: v4, ipv6: v6 } } } } }),
  );
});
afterAll(async () => {
  await server.close();
});

describe('feed sync failure paths (in-process, emulator clients)', () => {
  it('a prefix-list version conflict (fault injected: moto accepts any CurrentVersion) fails the run, records nothing, and notifies high', async () => {
    const before = await state(v4);
    const store = new MemoryStateStore();
    const run = await runEvent(NOTICE, settings, deps(conflictingEc2(), store));
    // Notifications go out after every other action (their findings first: runtime/execute.ts).
    expect(run.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['modify-prefix-list:failed', 'record-feed:skipped', 'ignore:skipped', 'notify:done']);
    expect(run.results[0]!.detail).toMatch(/PrefixListVersionMismatch/);
    expect(run.results[1]!.detail).toMatch(/earlier action failed/);
    expect(await state(v4)).toEqual(before);
    expect(await store.getFeed('aws')).toBeUndefined();
    expect((await state(v6)).tags).toEqual([]);
    const n = notification((await drain(queues, inboxUrl))[0]!);
    expect(n.subject).toMatch(/^FAILED/);
    expect(n.attributes).toMatchObject({ severity: 'high', outcome: 'partial-failure' });

    // The retry (Lambda's async retry, or the next notice) sees the real version and applies.
    const retry = await runEvent(NOTICE, settings, deps(ec2(), store));
    expect(retry.results.map((r) => `${r.action.type}:${r.status}`)).toEqual(['modify-prefix-list:done', 'record-feed:done', 'ignore:skipped', 'notify:done']);
    expect((await state(v4)).entries).toBe(47);
    // What was applied lives in the state table, not in tags.
    expect(await store.getFeed('aws')).toMatchObject({ feed: 'aws', version: 1, syncToken: '1720490589', ipv4Count: 47, ipv6Count: 0 });
    expect((await state(v4)).tags).toEqual([]);
    await drain(queues, inboxUrl);
  });

  it('a notice older than the file now published (md5 differs, file syncToken newer) is superseded: no change, no alarm', async () => {
    const older = structuredClone(NOTICE);
    older.Records[0]!.Sns.Message = JSON.stringify({ 'create-time': '2024-07-08-00-00-00', synctoken: '1720400000', md5: '0123456789abcdef0123456789abcdef', url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' });
    const before = await state(v4);
    const run = await runEvent(older, settings, deps());
    expect(run.actions.map((a) => a.type)).toEqual(['ignore']);
    expect(run.actions[0]!.type === 'ignore' && run.actions[0]!.reason).toMatch(/newer than this notice/);
    expect(await state(v4)).toEqual(before);
    expect(await drain(queues, inboxUrl, 0)).toEqual([]);
  });
});

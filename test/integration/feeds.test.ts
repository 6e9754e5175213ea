// CDN allow-lists end to end on the emulator: tofu/terraform applies the two feed examples, a
// loopback server publishes the feeds (the real 2024 ip-ranges.json and Cloudflare lists, then
// edited versions), and the bundled handler runs with each deployed function's environment on the
// real AmazonIpSpaceChanged notice and on the schedule. Prefix-list entries and group rules are
// asserted exactly; a second run makes no mutating call; a shrinking, broken or unverifiable feed
// changes nothing and notifies.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { drain, ec2, emulator, notification, queue, sqs, uniqueName } from '../support/aws.js';
import { repoRoot, workspace } from '../support/terraform.js';
import { type BundleRun, deployedEnvironment, invokeBundle } from '../support/bundle.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { rangesFromAwsFile } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { rangesFromCloudflare } from '../../lambda-src/feeds/cloudflare.js';

const samples = path.join(repoRoot, 'test/fixtures/samples');
const IP_RANGES = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
const NOTICE = JSON.parse(fs.readFileSync(path.join(samples, 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json'), 'utf8')) as {
  Records: { Sns: { Message: string; TopicArn: string } }[];
};
const CF_V4 = fs.readFileSync(path.join(samples, 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'), 'utf8');
const CF_V6 = fs.readFileSync(path.join(samples, 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'), 'utf8');
const SCHEDULE = JSON.parse(fs.readFileSync(path.join(samples, 'eventbridge-scheduled-event_custodian.json'), 'utf8')) as unknown;

const client = ec2();
const queues = sqs();
let server: FeedServer;

const mutating = (run: BundleRun) => run.result!.results.filter((r) => !['notify', 'ignore'].includes(r.action.type));
const kinds = (run: BundleRun) => run.result!.results.map((r) => `${r.action.type}:${r.status}`);

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

const sorted = (xs: string[]) => [...xs].sort();
const QUOTA = 40;

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

describe('CloudFront feed into prefix lists (examples/cloudfront-prefix-list)', () => {
  const ws = workspace('cloudfront-prefix-list', emulator().endpoint);
  const name = uniqueName('sgg-cf');
  let outputs: Record<string, unknown> = {};
  let env: Record<string, string> = {};
  let inboxUrl = '';
  let v4 = '';
  let v6 = '';
  const inbox = (want = 1) => drain(queues, inboxUrl, want);
  const vars = (subscriptions: unknown[]) => ({ name, ip_space_changed_topic_arn: topicArn, cloudfront_feed_url: server.url('/ip-ranges.json'), notifications_subscriptions: subscriptions });
  let topicArn = '';

  beforeAll(async () => {
    server.set('/ip-ranges.json', IP_RANGES);
    // moto's stand-in for AWS's topic (us-east-1, where the module subscribes cross-region).
    const east = new SNSClient({ endpoint: emulator().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    topicArn = (await east.send(new CreateTopicCommand({ Name: 'AmazonIpSpaceChanged' }))).TopicArn!;
    const box = await queue(queues, uniqueName('sgg-cf-inbox'));
    inboxUrl = box.url;
    await ws.tf(['init', '-input=false', '-no-color']);
    outputs = await ws.apply(vars([{ protocol: 'sqs', endpoint: box.arn }]));
    env = await deployedEnvironment(String(outputs.function_name));
    ({ ipv4: v4, ipv6: v6 } = outputs.cloudfront_prefix_list_ids as { ipv4: string; ipv6: string });
  });
  afterAll(async () => {
    await ws.destroy(vars([]));
    ws.cleanup();
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
    server.set('/ip-ranges.json', IP_RANGES);
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

describe('Cloudflare feed into security groups (examples/cloudflare-security-groups)', () => {
  const ws = workspace('cloudflare-security-groups', emulator().endpoint);
  const name = uniqueName('sgg-cfl');
  let outputs: Record<string, unknown> = {};
  let env: Record<string, string> = {};
  let inboxUrl = '';
  let groups: string[] = [];
  const inbox = (want = 1) => drain(queues, inboxUrl, want);
  const vars = (subscriptions: unknown[]) => ({ name, cloudflare_ipv4_url: server.url('/ips-v4'), cloudflare_ipv6_url: server.url('/ips-v6'), notifications_subscriptions: subscriptions });

  /** Managed ingress per group as "port cidr", and every other rule as is. */
  async function rules(id: string) {
    const res = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }));
    const ingress = (res.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
    const managed = ingress.filter((r) => r.Description === 'sg-guardian:cloudflare');
    return {
      v4: managed.filter((r) => r.CidrIpv4).map((r) => `${r.FromPort} ${r.CidrIpv4}`),
      v6: managed.filter((r) => r.CidrIpv6).map((r) => `${r.FromPort} ${r.CidrIpv6}`),
      other: ingress.filter((r) => !managed.includes(r)).map((r) => `${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4 ?? r.CidrIpv6} ${r.Description ?? ''}`.trim()),
    };
  }
  const everywhere = async () => {
    const all = await Promise.all(groups.map(rules));
    return { v4: sorted(all.flatMap((r) => r.v4)), v6: sorted(all.flatMap((r) => r.v6)), perGroup: all };
  };
  const expected = (v4: string[], v6: string[], ports: number[]) => ({
    v4: sorted(ports.flatMap((p) => v4.map((c) => `${p} ${c}`))),
    v6: sorted(ports.flatMap((p) => v6.map((c) => `${p} ${c}`))),
  });

  beforeAll(async () => {
    server.set('/ips-v4', CF_V4);
    server.set('/ips-v6', CF_V6);
    const box = await queue(queues, uniqueName('sgg-cfl-inbox'));
    inboxUrl = box.url;
    await ws.tf(['init', '-input=false', '-no-color']);
    outputs = await ws.apply(vars([{ protocol: 'sqs', endpoint: box.arn }]));
    env = await deployedEnvironment(String(outputs.function_name));
    groups = outputs.security_group_ids as string[];
    expect(groups).toHaveLength(2);
    await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groups[0], IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ops' }] }] }));
  });
  afterAll(async () => {
    await ws.destroy(vars([]));
    ws.cleanup();
  });

  it('the schedule brings the tagged groups to exactly the published lists on 443, leaving other rules alone', async () => {
    const run = await invokeBundle(SCHEDULE, env);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    const want = rangesFromCloudflare({ v4Text: CF_V4, v6Text: CF_V6 });
    const got = await everywhere();
    expect({ v4: got.v4, v6: got.v6 }).toEqual(expected(want.ipv4, want.ipv6, [443]));
    expect(got.perGroup[0]!.other).toEqual(['tcp 22 10.0.0.0/8 ops']);
    const n = notification((await inbox())[0]!);
    expect(n.attributes).toMatchObject({ kind: 'feed', feed: 'cloudflare', action: 'applied' });
  });

  it('a second run makes no mutating call and sends nothing', async () => {
    const run = await invokeBundle(SCHEDULE, env);
    expect(run.ok, run.error).toBe(true);
    expect(mutating(run)).toEqual([]);
    expect(await inbox(0)).toEqual([]);
  });

  it('past the rules quota the set is spread over the shard group, deterministically and within the quota', async () => {
    // 35 IPv4 ranges on ports 80 and 443 = 70 IPv4 rules: more than one group's quota. The quota is
    // 40 here because moto counts IPv4 and IPv6 rules together against its 60 (AWS: separately).
    const v4 = [...CF_V4.trim().split('\n'), ...Array.from({ length: 20 }, (_, i) => `45.${64 + i}.0.0/16`)]; // public: a feed of CGNAT ranges is refused
    server.set('/ips-v4', v4.join('\n'));
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { feeds: { targets: { securityGroups: { ports: number[]; rulesPerGroupQuota: number } } } };
    config.feeds.targets.securityGroups.ports = [80, 443];
    config.feeds.targets.securityGroups.rulesPerGroupQuota = QUOTA;
    const wide = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) };
    const run = await invokeBundle(SCHEDULE, wide);
    expect(run.ok, run.error ?? run.logs).toBe(true);
    const want = rangesFromCloudflare({ v4Text: v4.join('\n'), v6Text: CF_V6 });
    const got = await everywhere();
    expect({ v4: got.v4, v6: got.v6 }).toEqual(expected(want.ipv4, want.ipv6, [80, 443]));
    for (const g of got.perGroup) {
      expect(g.v4.length + g.other.length).toBeLessThanOrEqual(QUOTA);
      expect(g.v6.length).toBeLessThanOrEqual(QUOTA);
    }
    expect(got.perGroup.every((g) => g.v4.length > 0)).toBe(true);
    // Both ports of one range live in the same group.
    const homes = new Map<string, Set<number>>();
    got.perGroup.forEach((g, i) => g.v4.forEach((r) => homes.set(r.split(' ')[1]!, (homes.get(r.split(' ')[1]!) ?? new Set()).add(i))));
    expect([...homes.values()].every((h) => h.size === 1)).toBe(true);
    await inbox();

    const again = await invokeBundle(SCHEDULE, wide);
    expect(mutating(again)).toEqual([]);
  });

  it('a broken list (an HTML error page) or a shrink beyond 30% changes nothing and notifies', async () => {
    const before = await everywhere();
    const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { feeds: { targets: { securityGroups: { ports: number[]; rulesPerGroupQuota: number } } } };
    config.feeds.targets.securityGroups.ports = [80, 443];
    config.feeds.targets.securityGroups.rulesPerGroupQuota = QUOTA;
    const wide = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) };

    server.set('/ips-v4', '<html><body>Attention Required! | Cloudflare</body></html>');
    const broken = await invokeBundle(SCHEDULE, wide);
    expect(broken.ok, broken.error).toBe(true);
    expect(mutating(broken)).toEqual([]);
    const n = notification((await inbox())[0]!);
    expect(n.attributes).toMatchObject({ feed: 'cloudflare', severity: 'high' });
    expect(n.message).toMatch(/ips-v4 line 1/);

    server.set('/ips-v4', CF_V4.trim().split('\n').slice(0, 5).join('\n'));
    const shrink = await invokeBundle(SCHEDULE, wide);
    expect(mutating(shrink)).toEqual([]);
    expect(notification((await inbox())[0]!).subject).toMatch(/shrink/);
    expect(await everywhere()).toEqual(before);
  });
});

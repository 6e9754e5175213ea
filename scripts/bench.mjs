// make bench: what the bundle costs. Not a test: it measures and prints.
//   1. AWS calls by operation per scenario, counted for real: the bundled Lambda (dist/handler.mjs)
//      runs against the embedded moto behind a counting proxy, on the real samples; each count is
//      shown next to the minimum for that scenario, with the reason when it is above.
//   2. The bundle's size and its cold import time against `node -e 0` (interleaved runs, medians).
//   3. The feed planner on 5,000 CIDRs x 100 groups: time and memory.
// Exits 1 when a count is above its minimum without a stated reason.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { URL, URLSearchParams, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { emulatorEnv, startEmulator } from './emulator.mjs';

// The SDK warns once per process that its 2027 releases will need Node 22. This machine (and
// Lambda's nodejs20.x) runs Node 20, where the warning is true but not ours to act on: silence
// exactly that warning, for the bench's own clients and the bundle it imports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const root = path.resolve(import.meta.dirname, '..');
const samples = path.join(root, 'test/fixtures/samples');
const sample = (name) => JSON.parse(fs.readFileSync(path.join(samples, name), 'utf8'));
const BUNDLE = path.join(root, 'dist/handler.mjs');
const say = (s = '') => console.log(s);
// Issue #13's budget for the bundle.
const MAX_BUNDLE_BYTES = 1_100_000;
const MAX_IMPORT_RATIO = 7.5;

say(`sg-guardian bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
await calls();
coldImport();
await planner();

// ---------------------------------------------------------------------------------------------
// 1. AWS calls per scenario

async function calls() {
  process.env.SG_GUARDIAN_EMULATOR ??= 'moto';
  const emu = await startEmulator(() => {});
  const counted = new Map();
  const proxy = await countingProxy(emu.endpoint, (op) => counted.set(op, (counted.get(op) ?? 0) + 1));
  const feeds = await feedServer((p) => counted.set(`GET ${p}`, (counted.get(`GET ${p}`) ?? 0) + 1));
  const failures = [];
  try {
    // The bundle talks to the proxy; the bench's own setup goes straight to moto and is not counted.
    Object.assign(process.env, emulatorEnv(emu), { AWS_ENDPOINT_URL: proxy.url, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
    const cfg = { endpoint: emu.endpoint, region: emu.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const ec2 = new EC2Client(cfg);
    const sns = new SNSClient(cfg);
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-guardian-bench' }))).TopicArn;
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc.VpcId;
    const newGroup = async (name, tags) =>
      (await ec2.send(new CreateSecurityGroupCommand({
        GroupName: name, Description: name, VpcId: vpcId,
        ...(Object.keys(tags).length ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] } : {}),
      }))).GroupId;
    // The desired-state table (modules/state-table); the drift guard is on only in its own scenario.
    const tableName = 'sg-guardian-bench-state';
    await new DynamoDBClient(cfg).send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
    const base = { notifications: { topicArn }, selfRoleArn: `arn:aws:iam::${emu.accountId}:role/sg-guardian`, state: { tableName }, drift: { enabled: false } };
    let loaded = 0;
    // Each scenario is a fresh container: the handler reads SG_GUARDIAN_CONFIG once per import.
    const lambda = async (settings) => {
      process.env.SG_GUARDIAN_CONFIG = JSON.stringify({ ...base, ...settings });
      return (await import(`${pathToFileURL(BUNDLE).href}?container=${++loaded}`)).handler;
    };
    const rows = [];
    const run = async (name, handler, event, minimum, reasons = {}) => {
      counted.clear();
      const result = await handler(event);
      const failed = result.results.filter((r) => r.status === 'failed');
      if (failed.length) throw new Error(`${name}: ${failed.map((r) => r.detail).join('; ')}`);
      const ops = new Set([...counted.keys(), ...Object.keys(minimum)]);
      for (const op of [...ops].sort()) {
        const n = counted.get(op) ?? 0;
        const min = minimum[op] ?? 0;
        const why = n > min ? (reasons[op] ?? 'NO REASON') : n < min ? 'below the stated minimum: recheck it' : '';
        if (n !== min && !reasons[op]) failures.push(`${name} ${op}: ${n} vs minimum ${min}`);
        rows.push([name, op, String(n), String(min), why]);
        name = '';
      }
    };

    // Drift guard: the real console event (nuvibit, 2021-11-04) on a group guarded by tag.
    {
      const groupId = await newGroup('bench-guarded', { 'sg-guardian:guard': 'true' });
      const made = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
      const event = sample('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json');
      event.account = emu.accountId;
      Object.assign(event.detail, { recipientAccountId: emu.accountId, awsRegion: emu.region });
      event.detail.requestParameters.groupId = groupId;
      Object.assign(event.detail.responseElements.securityGroupRuleSet.items[0], { groupId, securityGroupRuleId: made.SecurityGroupRules[0].SecurityGroupRuleId, groupOwnerId: emu.accountId });
      const handler = await lambda({ drift: { enabled: true, guardTag: { key: 'sg-guardian:guard', value: 'true' } } });
      // One fresh read of the group (its rules, with IDs: the reconciler compares them with the
      // baseline), the revoke, the notification; in the table: the ledger claim (PutItem) and its
      // completion (UpdateItem), one consistent read of the group's record and one conditional write.
      await run('drift revert (guard tag)', handler, event, { DescribeSecurityGroups: 1, DescribeSecurityGroupRules: 1, RevokeSecurityGroupIngress: 1, Publish: 1, GetItem: 1, PutItem: 2, UpdateItem: 1 });
    }

    // CloudFront (AmazonIpSpaceChanged, 2024-07-09 file) into the module's two prefix lists.
    {
      const pl = async (family, max) => (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: `bench-aws-${family}`, AddressFamily: family, MaxEntries: max }))).PrefixList.PrefixListId;
      const prefixLists = { ipv4: await pl('IPv4', 55), ipv6: await pl('IPv6', 20) };
      const handler = await lambda({
        feeds: { aws: { enabled: true, url: feeds.url('/ip-ranges.json'), syncOnSchedule: false }, targets: { prefixLists: { aws: prefixLists } } },
      });
      const notice = sample('sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json');
      // What was applied is recorded in the state table (in memory here): no tag call.
      await run('CloudFront -> prefix lists (first)', handler, notice, { 'GET /ip-ranges.json': 1, DescribeManagedPrefixLists: 2, GetManagedPrefixListEntries: 2, ModifyManagedPrefixList: 1, Publish: 1, GetItem: 1, PutItem: 1 });
      // The entries are read every run: no tag stands in for comparing them (issue #9, attack 8).
      // The feed's record in the state table is read every run (a stale syncToken is refused) and
      // written only when the applied set changed.
      await run('CloudFront -> prefix lists (no-op)', handler, notice, { 'GET /ip-ranges.json': 1, DescribeManagedPrefixLists: 2, GetManagedPrefixListEntries: 2, GetItem: 1 });
    }

    // CloudFront into two shard groups on ports 80 and 443 (47 ranges x 2 ports > one group's 60 rules).
    {
      const aws = [];
      for (const shard of ['0', '1']) aws.push(await newGroup(`bench-cf-${shard}`, { 'sg-guardian:shard': shard }));
      const handler = await lambda({ feeds: { aws: { enabled: true, url: feeds.url('/ip-ranges.json'), syncOnSchedule: false }, targets: { securityGroups: { ports: [80, 443], groupIds: { aws } } } } });
      const notice = sample('sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json');
      await run('CloudFront -> 2 groups, 80+443', handler, notice, {
        // The feed's record already holds this syncToken and set (the prefix-list scenario applied it): read, not written.
        'GET /ip-ranges.json': 1, DescribeSecurityGroups: 1, DescribeSecurityGroupRules: 1, AuthorizeSecurityGroupIngress: 2, Publish: 1, GetItem: 1,
      });
    }

    // Cloudflare (the 2021 text lists) into one group, on the schedule.
    {
      const cloudflare = [await newGroup('bench-cloudflare', {})];
      const handler = await lambda({ feeds: { cloudflare: { enabled: true, ipv4Url: feeds.url('/ips-v4'), ipv6Url: feeds.url('/ips-v6') }, targets: { securityGroups: { groupIds: { cloudflare } } } }, worldOpen: { enabled: false } });
      const schedule = sample('eventbridge-scheduled-event_custodian.json');
      const twoLists = 'two text lists (the default); feeds.cloudflare.apiUrl is one request';
      await run('Cloudflare -> 1 group (first)', handler, schedule, {
        'GET /ips-v4': 1, 'GET /ips-v6': 0, DescribeSecurityGroups: 1, DescribeSecurityGroupRules: 1, AuthorizeSecurityGroupIngress: 1, Publish: 1, GetItem: 1, PutItem: 1,
      }, { 'GET /ips-v6': twoLists });
      // The rules are read every run and compared with the feed: no tag stands in for them (issue #9, attack 7/8).
      await run('Cloudflare -> 1 group (no-op)', handler, schedule, { 'GET /ips-v4': 1, 'GET /ips-v6': 0, DescribeSecurityGroups: 1, DescribeSecurityGroupRules: 1, GetItem: 1 }, { 'GET /ips-v6': twoLists });
    }

    // World-open remediation: Config's remediation message for a group with mysql open to the world.
    {
      const groupId = await newGroup('bench-world-open', {});
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'mysql' }] }] }));
      const handler = await lambda({ worldOpen: { authorizedTcpPorts: ['443'], replacementCidrsIpv4: ['198.51.100.0/24', '203.0.113.0/24'], sweep: false } });
      const message = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'bench-1', TopicArn: `arn:aws:sns:${emu.region}:${emu.accountId}:sg-guardian-remediation`, Message: groupId, Timestamp: new Date().toISOString() } }] };
      // The rules are read for their IDs: the world-open rule is revoked by ID, exactly that rule.
      await run('world-open remediation', handler, message, { DescribeSecurityGroups: 1, DescribeSecurityGroupRules: 1, AuthorizeSecurityGroupIngress: 1, RevokeSecurityGroupIngress: 1, Publish: 1 });
    }

    say('\nAWS calls by operation (counted against moto; feed GETs on the loopback feed server)\n');
    table(['scenario', 'operation', 'calls', 'minimum', 'why above the minimum'], rows);
  } finally {
    proxy.close();
    feeds.close();
    await emu.stop();
  }
  if (failures.length) {
    say(`\nabove (or below) the minimum without a reason:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/** Forwards every request to the emulator and reports its operation (query protocol: Action=...). */
async function countingProxy(target, count) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target_ = req.headers['x-amz-target'];
      const action = target_ ? String(target_).split('.').pop() : new URLSearchParams(body.toString('utf8')).get('Action') ?? new URL(req.url, 'http://x').searchParams.get('Action');
      count(action ?? `${req.method} ${req.url}`);
      const up = http.request(new URL(req.url, target), { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => res.writeHead(502).end(String(err)));
      up.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Stand-ins for ip-ranges.amazonaws.com and cloudflare.com, publishing the real samples. */
async function feedServer(count) {
  const files = {
    '/ip-ranges.json': 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json',
    '/ips-v4': 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt',
    '/ips-v6': 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt',
  };
  const server = http.createServer((req, res) => {
    count(req.url);
    const file = files[req.url];
    if (file) res.writeHead(200).end(fs.readFileSync(path.join(samples, file)));
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: (p) => `http://127.0.0.1:${server.address().port}${p}`, close: () => server.close() };
}

// ---------------------------------------------------------------------------------------------
// 2. Bundle size and cold import

function coldImport() {
  const runs = 15;
  const env = { ...process.env, AWS_REGION: 'us-east-1', SG_GUARDIAN_CONFIG: '{}' };
  const time = (args) => {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore', env });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const bare = [];
  const imported = [];
  // Interleaved, so load on the machine hits both alike.
  for (let i = 0; i < runs; i++) {
    bare.push(time(['-e', '0']));
    imported.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(BUNDLE).href)})`]));
  }
  const a = median(bare);
  const b = median(imported);
  const bytes = fs.statSync(BUNDLE).size;
  const ratio = b / a;
  say(`\nbundle: dist/handler.mjs ${bytes} bytes (budget ${MAX_BUNDLE_BYTES})`);
  say(`cold import: ${b.toFixed(0)} ms vs node -e 0 ${a.toFixed(0)} ms = ${ratio.toFixed(2)}x (budget ${MAX_IMPORT_RATIO}x; medians of ${runs} interleaved runs)`);
  if (bytes > MAX_BUNDLE_BYTES || ratio > MAX_IMPORT_RATIO) {
    say('over budget: see scripts/build.mjs --meta for what the bundle holds');
    process.exitCode = 1;
  }
}

// ---------------------------------------------------------------------------------------------
// 3. The planner at scale

async function planner() {
  // The planner is not exported by the bundle: bundle it alone (same esbuild settings) for the child.
  const out = path.join(os.tmpdir(), `sg-guardian-bench-planner-${process.pid}.mjs`);
  await esbuild.build({
    stdin: {
      contents: "export { planSecurityGroups } from './lambda-src/plan/feeds.ts'; export { makeFeedSet } from './lambda-src/feeds/feed-set.ts'; export { FeedSettingsSchema } from './lambda-src/policy/feed-settings.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', mainFields: ['module', 'main'], outfile: out, logLevel: 'warning',
  });
  try {
    const child = `
      const m = await import(${JSON.stringify(pathToFileURL(out).href)});
      const cidrs = Array.from({ length: 5000 }, (_, i) => '10.' + (i >> 8) + '.' + (i & 255) + '.0/24');
      const set = m.makeFeedSet('cloudflare', cidrs);
      const settings = m.FeedSettingsSchema.parse({ cloudflare: { enabled: true }, targets: { securityGroups: { tagEnrolment: true } } });
      // A second run: the groups hold the previous feed (every 10th range gone, shifted by one slot).
      const groups = Array.from({ length: 100 }, (_, g) => ({
        groupId: 'sg-' + g.toString(16).padStart(17, '0'), vpcId: 'vpc-1', tags: { 'sg-guardian:feed': 'cloudflare', 'sg-guardian:shard': String(g) },
        rules: cidrs.slice(g * 50 + 1, g * 50 + 51).filter((_, i) => i % 10 !== 0).map((c, i) => ({ ruleId: 'sgr-' + g + '-' + i, groupId: 'sg-' + g.toString(16).padStart(17, '0'), direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: c, description: 'sg-guardian:cloudflare' })),
      }));
      globalThis.gc();
      const before = process.memoryUsage();
      const times = [];
      let actions;
      for (let i = 0; i < 7; i++) { const t = performance.now(); actions = m.planSecurityGroups(set, groups, settings); times.push(performance.now() - t); }
      const after = process.memoryUsage();
      times.sort((a, b) => a - b);
      console.log(JSON.stringify({ ms: times[3], actions: actions.length, rssMiB: (after.rss - before.rss) / 2 ** 20, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
    `;
    const r = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child], { encoding: 'utf8' }));
    say(`\nplanner: 5,000 CIDRs x 100 groups (port 443, quota 60, second run): ${r.ms.toFixed(0)} ms (median of 7), ${r.actions} actions, RSS +${r.rssMiB.toFixed(0)} MiB (peak ${r.maxRssMiB.toFixed(0)} MiB for the whole process)`);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  say(line(head));
  say(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) say(line(r));
}

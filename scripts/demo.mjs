// make demo: the bundled Lambda (dist/handler.mjs) against an embedded emulator, on real samples.
// Each scene sets up AWS state in the emulator, replays a real event adapted to that state, and
// prints what the Lambda did, the rules before/after and the notification a subscriber received.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { execFile } from 'node:child_process';
import {
  AuthorizeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorEnv, startEmulator } from './emulator.mjs';

// The SDK warns once per process that its 2027 releases will need Node 22. This machine (and
// Lambda's nodejs20.x) runs Node 20, where the warning is true but not the demo's to act on:
// silence exactly that warning (the SDK's own switch), for the demo's clients and the bundle.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const root = path.resolve(import.meta.dirname, '..');
const samples = path.join(root, 'test/fixtures/samples');
const sample = (name) => JSON.parse(fs.readFileSync(path.join(samples, name), 'utf8'));
const say = (s = '') => console.log(s);
const rule = (r) =>
  `${r.SecurityGroupRuleId} ${r.IsEgress ? 'egress ' : 'ingress'} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId}${r.Description ? ` "${r.Description}"` : ''}`;

const emu = await startEmulator((m) => say(m));
try {
  Object.assign(process.env, emulatorEnv(emu), { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });
  const cfg = { endpoint: emu.endpoint, region: emu.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ec2 = new EC2Client(cfg);
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);

  // The notification topic, with an SQS subscriber standing in for the security team's inbox.
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-guardian-demo' }))).TopicArn;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sg-guardian-demo-inbox' }))).QueueUrl;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'false' } }));

  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc.VpcId;
  const rulesOf = async (groupId) =>
    ((await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? []).filter((r) => !r.IsEgress);

  // Stand-ins for ip-ranges.amazonaws.com and cloudflare.com: a loopback server publishing the real samples.
  const published = new Map();
  const server = http.createServer((req, res) => {
    const body = published.get(req.url);
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const feedUrl = (p) => `http://127.0.0.1:${server.address().port}${p}`;
  const ipRanges = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
  published.set('/ip-ranges.json', ipRanges);
  published.set('/ips-v4', fs.readFileSync(path.join(samples, 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt')));
  published.set('/ips-v6', fs.readFileSync(path.join(samples, 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt')));

  // The prefix lists the module creates for the CloudFront feed (empty until the first sync).
  const prefixList = async (family, maxEntries) =>
    (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: `sg-guardian-aws-${family.toLowerCase()}`, AddressFamily: family, MaxEntries: maxEntries }))).PrefixList.PrefixListId;
  const plV4 = await prefixList('IPv4', 55);
  const plV6 = await prefixList('IPv6', 20);

  // The group Terraform names as the Cloudflare feed's target (feed_security_group_ids).
  const origin443 = (
    await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'origin-behind-cloudflare',
        Description: 'origin accepting only Cloudflare',
        VpcId: vpcId,
      }),
    )
  ).GroupId;

  // The desired-state table the module creates (modules/state-table): baselines, feed records, ledger.
  const tableName = 'sg-guardian-state';
  await new DynamoDBClient(cfg).send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));

  // A guarded group with a time-boxed exception (Terraform's drift_waivers): a vendor may reach 8443.
  const partner = (
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'partner-api', Description: 'partner API', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'sg-guardian:guard', Value: 'true' }] }] }),
    )
  ).GroupId;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: partner, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal https' }] }] }));
  const waiverExpires = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  // The Lambda's settings, as Terraform would write them (SG_GUARDIAN_CONFIG).
  const settings = {
    state: { tableName },
    notifications: { topicArn },
    selfRoleArn: `arn:aws:iam::${emu.accountId}:role/sg-guardian`,
    drift: { guardTag: { key: 'sg-guardian:guard', value: 'true' }, allowedPrincipalArns: [`arn:aws:iam::${emu.accountId}:role/ci-deployer`] },
    waivers: [{ groupId: partner, protocol: 'tcp', fromPort: 8443, toPort: 8443, source: '198.51.100.7/32', expires: waiverExpires, reason: 'vendor debugging, CHG-1234', owner: 'alice@example.com' }],
    worldOpen: { authorizedTcpPorts: ['443'], replacementCidrsIpv4: ['198.51.100.0/24', '203.0.113.0/24'], replacementCidrsIpv6: ['2001:db8::/32'], sweep: false },
    feeds: {
      aws: { enabled: true, url: feedUrl('/ip-ranges.json'), syncOnSchedule: false },
      cloudflare: { enabled: true, ipv4Url: feedUrl('/ips-v4'), ipv6Url: feedUrl('/ips-v6') },
      targets: { prefixLists: { aws: { ipv4: plV4, ipv6: plV6 } }, securityGroups: { groupIds: { cloudflare: [origin443] } } },
    },
  };
  process.env.SG_GUARDIAN_CONFIG = JSON.stringify(settings);
  const { handler } = await import(path.join(root, 'dist/handler.mjs'));

  // ---- Scene 1: drift guard -----------------------------------------------------------------
  say('\n=== Drift guard: someone opens tcp 0-65535 to the world on a guarded group from the console ===');
  const groupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'prod-web',
        Description: 'production web tier',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'sg-guardian:guard', Value: 'true' }] }],
      }),
    )
  ).GroupId;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal https' }] }] }));
  // The change itself, as the console made it in the real event (nuvibit sample, 2021-11-04).
  const made = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  say(`rules on ${groupId} after the change:`);
  for (const r of await rulesOf(groupId)) say(`  ${rule(r)}`);

  const event = sample('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json');
  const ruleId = made.SecurityGroupRules[0].SecurityGroupRuleId;
  // Point the real event at the emulator's group and rule (the rest — actor, IP, agent — is as recorded).
  event.account = emu.accountId;
  Object.assign(event.detail, { recipientAccountId: emu.accountId, awsRegion: emu.region });
  event.detail.requestParameters.groupId = groupId;
  Object.assign(event.detail.responseElements.securityGroupRuleSet.items[0], { groupId, securityGroupRuleId: ruleId, groupOwnerId: emu.accountId });
  say(`\nEventBridge delivers the CloudTrail event ${event.detail.eventID} (actor ${event.detail.userIdentity.arn}) to the bundled Lambda...`);
  const result = await handler(event);
  say('\nwhat the Lambda did:');
  for (const r of result.results) say(`  [${r.status}] ${r.action.type}${r.action.groupId ? ` ${r.action.groupId}` : ''}${r.action.ruleIds ? ` rules ${r.action.ruleIds.join(',')}` : ''} — ${r.action.reason ?? r.detail ?? ''}`);
  say(`\nrules on ${groupId} now:`);
  for (const r of await rulesOf(groupId)) say(`  ${rule(r)}`);

  say('\nreplaying the same event (idempotent):');
  const again = await handler(event);
  for (const r of again.results) say(`  [${r.status}] ${r.action.type} ${r.detail ?? ''}`);

  await printInbox(sqs, queueUrl);

  // ---- Scene 1b: an attack on the guard itself ------------------------------------------------
  say('\n=== Attack: an intruder opens tcp 22 to the world and closes it a second later; the two events arrive in reverse order ===');
  say('(a guard that undoes events one by one would "undo" the revoke by re-opening port 22 under its own role)');
  const intruder = `arn:aws:sts::${emu.accountId}:assumed-role/contractor/mallory`;
  const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  const opened = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
  const trail = (eventName, requestParameters, responseElements) => ({
    ...event,
    id: `demo-${eventName}`,
    detail: {
      ...event.detail,
      eventName,
      eventID: `demo-${eventName}-${Date.now()}`,
      userIdentity: { type: 'AssumedRole', arn: intruder, accountId: emu.accountId, sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${emu.accountId}:role/contractor` } } },
      sourceIPAddress: '203.0.113.66',
      userAgent: 'aws-cli/2.15.0',
      requestParameters,
      responseElements,
    },
  });
  const ctSsh = { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] };
  say('\nthe Revoke event arrives first:');
  await report(await handler(trail('RevokeSecurityGroupIngress', { groupId, ipPermissions: ctSsh }, { _return: true })));
  say('\nthen the Authorize event:');
  const sshRule = opened.SecurityGroupRules[0];
  await report(
    await handler(
      trail('AuthorizeSecurityGroupIngress', { groupId, ipPermissions: ctSsh }, { _return: true, securityGroupRuleSet: { items: [{ groupId, groupOwnerId: emu.accountId, securityGroupRuleId: sshRule.SecurityGroupRuleId, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] } }),
    ),
  );
  say(`\nrules on ${groupId} now (port 22 stays closed: it is not in the group's approved baseline):`);
  for (const r of await rulesOf(groupId)) say(`  ${rule(r)}`);
  await printInbox(sqs, queueUrl);

  // ---- Scene 2: world-open remediation -------------------------------------------------------
  say('\n=== World-open remediation: a group has mysql (3306) open to 0.0.0.0/0 and ::/0; AWS Config flags it ===');
  const dbGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'shared-dev-db', Description: 'developer database', VpcId: vpcId }))).GroupId;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: dbGroup,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'mysql' }], Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'mysql' }] }],
    }),
  );
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: dbGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https (authorized port)' }] }] }));
  say(`rules on ${dbGroup} before:`);
  for (const r of await rulesOf(dbGroup)) say(`  ${rule(r)}`);
  say('\nthe Config remediation (AWS-PublishSNSNotification) publishes the group ID; SNS delivers it to the Lambda...');
  const remediation = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'demo-1', TopicArn: `arn:aws:sns:${emu.region}:${emu.accountId}:sg-guardian-remediation`, Message: dbGroup, Timestamp: new Date().toISOString() } }] };
  await report(await handler(remediation));
  say(`\nrules on ${dbGroup} now (office/VPN ranges instead of the world; 443 stays):`);
  for (const r of await rulesOf(dbGroup)) say(`  ${rule(r)}`);
  await printInbox(sqs, queueUrl);

  // ---- Scene 3: CloudFront feed -> prefix list ---------------------------------------------
  say('\n=== CloudFront feed: the AmazonIpSpaceChanged notice of 2024-07-09 reaches the Lambda ===');
  const notice = sample('sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json');
  await report(await handler(notice));
  const entries = async (id) => ((await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }))).Entries ?? []).map((e) => e.Cidr);
  say(`${plV4} now holds ${(await entries(plV4)).length} CLOUDFRONT_ORIGIN_FACING IPv4 ranges; ${plV6} ${(await entries(plV6)).length} IPv6`);
  await printInbox(sqs, queueUrl);

  say('\nAWS publishes a new file: one origin-facing range withdrawn, one added; the next notice carries its md5...');
  const doc = JSON.parse(ipRanges.toString('utf8'));
  const origin = doc.prefixes.filter((p) => p.service === 'CLOUDFRONT_ORIGIN_FACING');
  const withdrawn = origin[0].ip_prefix;
  doc.prefixes = doc.prefixes.filter((p) => p !== origin[0]);
  doc.prefixes.push({ ip_prefix: '44.200.0.0/24', region: 'GLOBAL', service: 'CLOUDFRONT_ORIGIN_FACING', network_border_group: 'GLOBAL' });
  doc.syncToken = String(Number(doc.syncToken) + 3600);
  const next = Buffer.from(JSON.stringify(doc, null, 2));
  published.set('/ip-ranges.json', next);
  const message = JSON.parse(notice.Records[0].Sns.Message);
  Object.assign(message, { synctoken: doc.syncToken, md5: createHash('md5').update(next).digest('hex') });
  notice.Records[0].Sns.Message = JSON.stringify(message);
  await report(await handler(notice));
  const now = await entries(plV4);
  say(`${plV4}: ${withdrawn} ${now.includes(withdrawn) ? 'still there' : 'removed'}, 44.200.0.0/24 ${now.includes('44.200.0.0/24') ? 'added' : 'missing'} (${now.length} entries)`);
  say('\nthe same notice again (most notices do not touch CloudFront): no EC2 write at all');
  await report(await handler(notice));
  await printInbox(sqs, queueUrl);

  // ---- Scene 4: Cloudflare feed -> security group --------------------------------------------
  say('\n=== Cloudflare feed: the daily schedule syncs the group Terraform names as its target ===');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: origin443, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ops (not managed by the feed)' }] }] }));
  await report(await handler(sample('eventbridge-scheduled-event_custodian.json')));
  const all = await rulesOf(origin443);
  const managed = all.filter((r) => r.Description === 'sg-guardian:cloudflare');
  say(`rules on ${origin443}: ${managed.filter((r) => r.CidrIpv4).length} IPv4 + ${managed.filter((r) => r.CidrIpv6).length} IPv6 managed by the feed, for example:`);
  for (const r of managed.slice(0, 3)) say(`  ${rule(r)}`);
  say('and the rule the feed does not own, untouched:');
  for (const r of all.filter((r) => !managed.includes(r))) say(`  ${rule(r)}`);
  await printInbox(sqs, queueUrl);

  // ---- Finally: the operator's view ----------------------------------------------------------
  say('\n=== sg-guardian status: what the module guards and whether all of it is in its desired state ===');
  const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-demo-')), 'settings.json');
  fs.writeFileSync(configFile, JSON.stringify(settings));
  const status = async (...args) => {
    say(`\n$ sg-guardian status ${args.join(' ')}--config settings.json`);
    // The built CLI, as an operator runs it: the SDK's default credentials and region (here the emulator's).
    // Asynchronously: the feed stand-in answers from this process.
    const res = await new Promise((resolve) =>
      execFile(process.execPath, [path.join(root, 'dist/cli.mjs'), 'status', ...args, '--config', configFile], (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr })),
    );
    process.stdout.write(res.stdout + res.stderr);
    say(`(exit ${res.code})`);
  };
  say(`the vendor's helper opens tcp 8443 from 198.51.100.7/32 on partner-api (${partner}), as the waiver allows:`);
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: partner, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '198.51.100.7/32' }] }] }));
  await status();
  say('\nsomeone adds tcp 8080 from 192.0.2.0/24 to prod-web; no event has reached the function yet:');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }] }));
  await status();
  server.close();
} finally {
  await emu.stop();
}

function report(result) {
  say('what the Lambda did:');
  for (const r of result.results) say(`  [${r.status}] ${r.action.type}${r.action.groupId ? ` ${r.action.groupId}` : ''}${r.action.prefixListId ? ` ${r.action.prefixListId}` : ''}${r.action.resourceIds ? ` ${r.action.resourceIds.join(', ')}` : ''} — ${r.action.reason ?? r.detail ?? ''}`);
}

async function printInbox(sqs, queueUrl) {
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  for (const m of res.Messages ?? []) {
    const env = JSON.parse(m.Body);
    const attrs = Object.fromEntries(Object.entries(env.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]));
    say('\n--- notification received by the subscriber ---');
    say(`Subject: ${env.Subject}`);
    say(`Attributes: ${JSON.stringify(attrs)}`);
    say(env.Message);
  }
}

// make demo: the bundled Lambda (dist/handler.mjs) against an embedded emulator, on real samples.
// Each scene sets up AWS state in the emulator, replays a real event adapted to that state, and
// prints what the Lambda did, the rules before/after and the notification a subscriber received.
import fs from 'node:fs';
import path from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorEnv, startEmulator } from './emulator.mjs';

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

  // The Lambda's settings, as Terraform would write them (SG_GUARDIAN_CONFIG).
  const settings = {
    notifications: { topicArn },
    selfRoleArn: `arn:aws:iam::${emu.accountId}:role/sg-guardian`,
    drift: { guardTag: { key: 'sg-guardian:guard', value: 'true' }, allowedPrincipalArns: [`arn:aws:iam::${emu.accountId}:role/ci-deployer`] },
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
} finally {
  await emu.stop();
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

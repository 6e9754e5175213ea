// examples/cloudflare-security-groups, applied once with a real tofu/terraform against the emulator.
// Terraform: bad input fails at plan naming the variable; apply creates the shard groups it lists as
// the feed's targets, the schedule, settings the Lambda's own schema accepts and IAM scoped to those
// groups; a re-plan is empty, and stays empty after the function's part (rules) is done by hand.
// Attack 7: tags on a drift-guarded group (sg-guardian:feed, sg-guardian:ports 22,3389) open nothing. Behaviour: a
// loopback server publishes the lists (the real Cloudflare ones, then edited versions) and the bundled
// handler runs on the schedule with the deployed function's environment: group rules asserted
// exactly, sharded within the quota, a second run makes no mutating call, a broken or shrinking list
// changes nothing and notifies. Then a re-plan is still empty and destroy leaves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { drain, emulator, notification, queue, sqs, uniqueName } from '../support/aws.js';
import { workspace } from '../support/terraform.js';
import { deployedEnvironment, invokeBundle } from '../support/bundle.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import {
  CF_V4,
  CF_V6,
  deployedConfig,
  expectFeedLeastPrivilege,
  expectPlanError,
  FEED_TAGS,
  list,
  mutating,
  opts,
  replan,
  rolePolicy,
  SCHEDULE,
  sorted,
} from '../support/feed-example.js';
import { rangesFromCloudflare } from '../../lambda-src/feeds/cloudflare.js';

const QUOTA = 40;
const region = emulator().region;
const ws = workspace('cloudflare-security-groups', emulator().endpoint);
const name = uniqueName('sgg-cfl');
const ec2 = new EC2Client(opts(region));
const client = ec2;
const lambda = new LambdaClient(opts(region));
const queues = sqs();
let server: FeedServer;
let v4Url = '';
let v6Url = '';
let inboxUrl = '';
let vars: Record<string, unknown> = {};
let outputs: Record<string, unknown> = {};
let applied = false;
let groups: string[] = [];
const inbox = (want = 1) => drain(queues, inboxUrl, want);

beforeAll(async () => {
  server = await startFeedServer();
  server.set('/ips-v4', CF_V4);
  server.set('/ips-v6', CF_V6);
  // The IPv6 list over [::1]: the variable's validation admits http:// for each loopback name.
  v4Url = server.url('/ips-v4');
  v6Url = server.url('/ips-v6', { ipv6: true });
  const box = await queue(queues, uniqueName('sgg-cfl-inbox'));
  inboxUrl = box.url;
  vars = { name, cloudflare_ipv4_url: v4Url, cloudflare_ipv6_url: v6Url, notifications_subscriptions: [{ protocol: 'sqs', endpoint: box.arn }] };
});
afterAll(async () => {
  if (applied) await ws.destroy(vars).catch((err: unknown) => console.error(err));
  await server?.close();
  ws.cleanup();
});

/** Takes out what the converge check wrote by hand (rules and the two tags), so the feed starts from the groups Terraform made. */
async function resetGroups() {
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }))).SecurityGroups ?? []) {
    if (g.IpPermissions?.length) await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: g.GroupId, IpPermissions: g.IpPermissions }));
    await ec2.send(new DeleteTagsCommand({ Resources: [g.GroupId!], Tags: FEED_TAGS.map((Key) => ({ Key })) }));
  }
  const after = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }))).SecurityGroups ?? [];
  expect(after.map((g) => g.IpPermissions ?? [])).toEqual(groups.map(() => []));
}

describe('examples/cloudflare-security-groups with terraform against the emulator', () => {
  it('init; bad input fails at plan naming the variable', async () => {
    await ws.tf(['init', '-input=false', '-no-color']);
    // No separate validate: every plan validates first (minimal.test.ts runs `validate` on the module).

    await expectPlanError(ws, [`name=${name}`, 'ports=[443,443]', 'cloudflare_ipv6_url=ftp://www.cloudflare.com/ips-v6'], [
      'feed_ports must be a non-empty list of distinct ports from 1 to 65535.',
      'cloudflare_ipv6_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1]).',
    ]);
  });

  it('apply: listed shard groups, schedule, settings, IAM scoped to the listed groups, no prefix lists', async () => {
    applied = true;
    outputs = await ws.apply(vars);
    expect(outputs.function_name).toBe(name);
    groups = outputs.security_group_ids as string[];
    expect(groups).toHaveLength(2);

    const described = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }))).SecurityGroups ?? [];
    for (const [shard, id] of groups.entries()) {
      const g = described.find((d) => d.GroupId === id)!;
      const tags: Record<string, string | undefined> = Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value]));
      expect(tags).toMatchObject({ 'sg-guardian:shard': String(shard) });
      expect(tags).not.toHaveProperty('sg-guardian:feed');
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
        securityGroups: { groupIds: { aws: [], cloudflare: groups }, tagEnrolment: false, tagKey: 'sg-guardian:feed', ports: [443], rulesPerGroupQuota: 60 },
      },
      maxShrinkPercent: 30,
      minPrefixLength: { ipv4: 8, ipv6: 16 },
    });
    expect(parsed.feeds.cloudflare.enabled).toBe(true);

    const statements = await rolePolicy(ws);
    // Tag enrolment off (the default): rule changes on the two listed groups only, no tag-scoped grant, no tagging.
    expect([...statements.keys()].filter((s) => s.startsWith('Feed')).sort()).toEqual(['FeedListedGroupRules']);
    expect(list(statements.get('FeedListedGroupRules')!.Resource)).toEqual(groups.map((id) => `arn:aws:ec2:${region}:${emulator().accountId}:security-group/${id}`).sort());
    expect(list(statements.get('FeedListedGroupRules')!.Action)).toEqual(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    expect(statements.get('FeedListedGroupRules')!.Condition).toBeUndefined();
    expectFeedLeastPrivilege(statements);
  });
});

describe('Cloudflare feed into security groups (examples/cloudflare-security-groups)', () => {
  let env: Record<string, string> = {};

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
    await resetGroups();
    env = await deployedEnvironment(String(outputs.function_name));
    await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groups[0], IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ops' }] }] }));
  });

  it('the schedule brings the listed groups to exactly the published lists on 443, leaving other rules alone', async () => {
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

  it('attack 7: tags on a drift-guarded group (sg-guardian:feed = cloudflare, sg-guardian:ports = 22,3389) open nothing, anywhere', async () => {
    const vpcId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groups[0]!] }))).SecurityGroups![0]!.VpcId!;
    const victim = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: uniqueName('sgg-cfl-victim'), Description: 'drift-guarded app group', VpcId: vpcId }))).GroupId!;
    try {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: victim, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.1.0.0/16', Description: 'app' }] }] }));
      // Whoever holds ec2:CreateTags: the victim enrolled with two admin ports, and the real target told to open them too.
      const attack = [{ Key: 'sg-guardian:feed', Value: 'cloudflare' }, { Key: 'sg-guardian:ports', Value: '22,3389' }, { Key: FEED_TAGS[0]!, Value: '0000000000000000' }];
      await ec2.send(new CreateTagsCommand({ Resources: [victim, groups[0]!], Tags: attack }));
      const before = await everywhere();
      const victimBefore = await rules(victim);

      // The drift guard on, guarding the victim (the deployed example runs the feed alone).
      const config = JSON.parse(env.SG_GUARDIAN_CONFIG!) as { drift: Record<string, unknown>; feeds: { targets: { securityGroups: { tagEnrolment: boolean } } } };
      config.drift = { ...config.drift, enabled: true, guardedGroupIds: [victim] };
      const guarded = { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) };
      const run = await invokeBundle(SCHEDULE, guarded);
      expect(run.ok, run.error ?? run.logs).toBe(true);
      expect(mutating(run).filter((r) => r.action.type !== 'record-feed')).toEqual([]);
      expect(await rules(victim)).toEqual(victimBefore);
      expect(victimBefore.other).toEqual(['tcp 8080 10.1.0.0/16 app']);
      expect(victimBefore.v4).toEqual([]);
      expect(await everywhere()).toEqual(before);
      const want = rangesFromCloudflare({ v4Text: CF_V4, v6Text: CF_V6 });
      expect({ v4: before.v4, v6: before.v6 }).toEqual(expected(want.ipv4, want.ipv6, [443]));

      // Tag enrolment opted in: the tagged victim is drift-guarded, so it is skipped and reported (high), still untouched.
      config.feeds.targets.securityGroups.tagEnrolment = true;
      await inbox(0);
      const optIn = await invokeBundle(SCHEDULE, { ...env, SG_GUARDIAN_CONFIG: JSON.stringify(config) });
      expect(optIn.ok, optIn.error ?? optIn.logs).toBe(true);
      expect(mutating(optIn).filter((r) => r.action.type !== 'record-feed')).toEqual([]);
      expect(await rules(victim)).toEqual(victimBefore);
      expect(await everywhere()).toEqual(before);
      const skipped = (await inbox(0)).map(notification).filter((n) => n.attributes.action === 'skipped');
      expect(skipped).toEqual([expect.objectContaining({ attributes: expect.objectContaining({ feed: 'cloudflare', severity: 'high', group_id: victim }) as unknown })]);
    } finally {
      await ec2.send(new DeleteTagsCommand({ Resources: [groups[0]!], Tags: [{ Key: 'sg-guardian:feed' }, { Key: 'sg-guardian:ports' }, { Key: FEED_TAGS[0]! }] }));
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: victim }));
    }
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

// Last: after the function's real syncs (rules on two ports, its tags), the example is still converged.
describe('examples/cloudflare-security-groups with terraform against the emulator: converge and destroy', () => {
  // The one re-plan of this example (each costs ~25 s of CPU), after the function's real syncs
  // (rules on two ports in groups Terraform declares): a diff right after the apply would show here too.
  it('converges, and stays converged after the function synced the groups', async () => {
    expect(await replan(ws)).toEqual([]);
  });

  it('destroys everything', async () => {
    await ws.destroy(vars);
    applied = false;
    expect((await ws.tf(['state', 'list'])).stdout.trim()).toBe('');
  });
});

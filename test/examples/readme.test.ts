// The README's Usage blocks, as a new user would paste them (issue #14): extracted from README.md
// by their <!-- root: ... --> markers (never copied here), composed as the README says, applied
// against the emulator, re-planned empty, then uninstalled the README's way.
//
// What the test changes, and why (an *_override.tf, so the blocks themselves stay as printed):
// - every git:: source points at this checkout;
// - the emulator has no AmazonIpSpaceChanged topic: a stand-in of the same name in us-east-1;
// - the emulator has no Config remediation (SSM automation): world_open_remediation_enabled = false
//   (its plan is covered by test/examples/config-remediation.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateVpcCommand, DeleteVpcCommand, DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../support/aws.js';
import { repoRoot, withoutEmulatorGaps, workspace } from '../support/terraform.js';

interface Block {
  role: string;
  capability: string | undefined;
  text: string;
}

/** The marked ```hcl blocks of README.md, in order. */
function readmeBlocks(): Block[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- root: (\w+)(?: ([\w-]+))? -->\n```hcl\n([\s\S]*?)```/g)].map((m) => ({ role: m[1]!, capability: m[2], text: m[3]! }));
}

/** Composes the root as the README says: providers, module, outputs; each capability's arguments inside the module call, its resources after. */
function composeRoot(blocks: Block[], capabilities: string[]): string {
  const one = (role: string) => {
    const found = blocks.filter((b) => b.role === role);
    expect(found, `README.md has exactly one <!-- root: ${role} --> block`).toHaveLength(1);
    return found[0]!.text;
  };
  const chosen = blocks.filter((b) => b.capability && capabilities.includes(b.capability));
  const args = chosen.filter((b) => b.role === 'arguments').map((b) => b.text);
  const module = one('module').trimEnd();
  expect(module.endsWith('}'), 'the module block ends with the call\'s closing brace').toBe(true);
  const grown = `${module.slice(0, -1)}\n${args.join('\n')}}\n`;
  return [one('providers'), grown, one('outputs'), ...chosen.filter((b) => b.role === 'resources').map((b) => b.text)].join('\n');
}

/** The README's `source = "git::...sg-guardian.git[//sub]?ref=..."`, pointed at the checkout copied beside the root. */
function localSources(root: string): string {
  return root.replace(/"git::[^"]*?sg-guardian\.git(\/\/[^"?]*)?\?ref=[^"]*"/g, (_m, sub: string | undefined) => `"../..${sub ? `/${sub.slice(2)}` : ''}"`);
}

const blocks = readmeBlocks();
const CAPABILITIES = ['drift-guard', 'cloudfront-feed', 'cloudflare-feed', 'world-open'];

describe('README usage blocks', () => {
  it('are marked: providers, module, outputs, and arguments for every capability', () => {
    expect(blocks.map((b) => `${b.role}${b.capability ? ` ${b.capability}` : ''}`)).toEqual([
      'providers',
      'module',
      'outputs',
      'arguments drift-guard',
      'arguments cloudfront-feed',
      'resources cloudfront-feed',
      'arguments cloudflare-feed',
      'resources cloudflare-feed',
      'arguments world-open',
    ]);
    // A README that says `npx sg-guardian` sends the operator to the registry.
    expect(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).not.toMatch(/^npx sg-guardian/m);
  });
});

describe('README usage blocks composed into one root, with terraform against the emulator', () => {
  const eu = new EC2Client({ endpoint: emulator().endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const snsUsEast1 = new SNSClient({ endpoint: emulator().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const root = localSources(composeRoot(blocks, CAPABILITIES));
  let topicArn = '';
  let vpcId = '';
  let ws: ReturnType<typeof workspace> | undefined;
  let applied = false;
  const overrides = (extra = '') => `# Written by test/examples/readme.test.ts: emulator stand-ins only (see the file's header).
module "sg_guardian" {
  ip_space_changed_topic_arn     = "${topicArn}"
  world_open_remediation_enabled = false
${extra}}

module "ip_space_subscription" {
  topic_arn = "${topicArn}"
}
`;

  beforeAll(async () => {
    topicArn = (await snsUsEast1.send(new CreateTopicCommand({ Name: 'AmazonIpSpaceChanged' }))).TopicArn!;
    // The README's provider block says eu-west-1: the origin VPC is made there.
    vpcId = (await eu.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc!.VpcId!;
    ws = workspace('readme', emulator().endpoint, { 'main.tf': root, 'test_override.tf': overrides() });
  });
  afterAll(async () => {
    if (applied) await ws?.destroy({ vpc_id: vpcId }).catch((err: unknown) => console.error(err));
    if (vpcId) await eu.send(new DeleteVpcCommand({ VpcId: vpcId })).catch(() => undefined);
    if (topicArn) await snsUsEast1.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    ws?.cleanup();
  });

  it('init, apply, an empty re-plan, then the README\'s uninstall (apply, destroy)', async () => {
    const w = ws!;
    await w.tf(['init', '-input=false', '-no-color']);
    // No separate validate: every plan validates first (minimal.test.ts runs `validate` on the module).

    // The silent mistakes of issue #14 fail the plan, naming the root variable; so does the old
    // `dry_run = true` (one plan: Terraform reports every invalid argument of a run).
    fs.writeFileSync(
      path.join(w.dir, 'test_override.tf'),
      overrides(`  cloudfront_feed_services    = ["CLOUDFRONT_ORIGIN_FACNG"]
  notifications_subscriptions = [{ protocol = "email", endpoint = "" }]
  dry_run                     = true
`),
    );
    const bad = await w.tf(['plan', '-input=false', '-no-color', '-var', `vpc_id=${vpcId}`], { allowFail: true });
    expect(bad.code).not.toBe(0);
    const said = bad.stderr.replace(/\s*\n[│ ]*/g, ' ');
    expect(said).toContain('cloudfront_feed_services must hold at least one service name exactly as ip-ranges.json spells it');
    expect(said).toContain('notifications_subscriptions: an endpoint is empty');
    expect(bad.stderr).toMatch(/dry_run[\s\S]*object required/);
    fs.writeFileSync(path.join(w.dir, 'test_override.tf'), overrides());

    applied = true;
    const outputs = await w.apply({ vpc_id: vpcId });
    expect(outputs.function_name).toBe('sg-guardian');
    const settings = JSON.parse(String(outputs.settings)) as { dryRun: unknown; feeds: { targets: { prefixLists: { aws: Record<string, string>; cloudflare: Record<string, string> } } } };
    // The README's rehearsal: drift guard and world-open rehearse, the feeds apply.
    expect(settings.dryRun).toEqual({ drift: true, worldOpen: true, feeds: false });
    // Per-feed modes: CloudFront lists exist, Cloudflare (security groups) has none.
    expect(Object.keys(settings.feeds.targets.prefixLists.aws).sort()).toEqual(['ipv4', 'ipv6']);
    expect(settings.feeds.targets.prefixLists.cloudflare).toEqual({});

    // moto reads a rule that references a prefix list back without its description (README,
    // Emulator): exactly that diff is allowed on moto, nothing else.
    const replan = withoutEmulatorGaps(await w.planChanges(), emulator().kind).filter(
      (c) => !(emulator().kind === 'moto' && c.address === 'aws_vpc_security_group_ingress_rule.cloudfront_https' && c.actions.join() === 'update' && c.changedKeys.join() === 'description'),
    );
    expect(replan).toEqual([]);

    // Uninstall as the README says: the two arguments in the module call, apply, destroy.
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const uninstall = /### Uninstall[\s\S]*?```hcl\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(uninstall, 'README.md: the Uninstall section\'s hcl block').toContain('state_table_deletion_protection = false');
    fs.writeFileSync(path.join(w.dir, 'test_override.tf'), overrides(uninstall));
    await w.apply({ vpc_id: vpcId });
    await w.tf(['destroy', '-input=false', '-no-color', '-auto-approve']); // as a user runs it (refresh included)
    applied = false;
    const state = await w.tf(['state', 'list']);
    expect(state.stdout.trim()).toBe('');
    const lists = (await eu.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? [];
    expect(lists.filter((l) => l.PrefixListName?.startsWith('sg-guardian-'))).toEqual([]);
  });
});

// Shared by the two CDN feed example files (test/examples/cloudfront-prefix-list and
// cloudflare-security-groups): the Terraform checks of the feed settings and IAM, and the samples
// and result helpers of their behaviour tests.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { emulator } from './aws.js';
import type { BundleRun } from './bundle.js';
import { repoRoot, withoutEmulatorGaps, type Workspace } from './terraform.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

/** The tags earlier versions wrote to record an applied feed; nothing writes or reads them now (the state table does). */
export const FEED_TAGS = ['sg-guardian:feed-hash', 'sg-guardian:feed-sync-token'];

export const opts = (region: string) => ({ endpoint: emulator().endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? [...v].sort() : [v]);

/** The function role's inline policy, from the state (the SDK clients here have no IAM). */
export async function rolePolicy(ws: Workspace): Promise<Map<string, Statement>> {
  interface Mod { resources?: { address: string; values: Record<string, unknown> }[]; child_modules?: Mod[] }
  const state = JSON.parse((await ws.tf(['show', '-json', '-no-color'])).stdout) as { values: { root_module: Mod } };
  const walk = (m: Mod): { address: string; values: Record<string, unknown> }[] => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
  const policy = walk(state.values.root_module).find((r) => r.address === 'module.sg_guardian.module.function.aws_iam_role_policy.this');
  expect(policy, 'the function role policy is in the state').toBeDefined();
  const doc = JSON.parse(policy!.values.policy as string) as { Statement: Statement[] };
  return new Map(doc.Statement.map((s) => [s.Sid, s]));
}

/** Mutating feed statements grant nothing on '*' and no tagging at all (what was applied lives in the state table). */
export function expectFeedLeastPrivilege(statements: Map<string, Statement>) {
  const feed = [...statements].filter(([sid]) => sid.startsWith('Feed'));
  expect(feed.length).toBeGreaterThan(0);
  for (const [sid, s] of feed) {
    expect(list(s.Resource), sid).not.toContain('*');
    expect(list(s.Action), sid).not.toContain('ec2:CreateTags');
  }
}

export async function deployedConfig(lambda: LambdaClient, functionName: string) {
  const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const text = cfg.Environment?.Variables?.SG_GUARDIAN_CONFIG ?? '';
  return { raw: JSON.parse(text) as { feeds: unknown }, parsed: parseSettings(text) };
}

/**
 * Changes a re-plan would make, minus the emulator's known gaps (test/support/terraform.ts) and one
 * more of moto's: a rule referencing a prefix list reads back without its description.
 */
export async function replan(ws: Workspace) {
  const changes = withoutEmulatorGaps(await ws.planChanges(), emulator().kind);
  if (emulator().kind !== 'moto') return changes;
  return changes.filter((c) => !(c.address === 'aws_vpc_security_group_ingress_rule.cloudfront_https' && c.actions.join() === 'update' && c.changedKeys.join() === 'description'));
}

/** A plan that must fail at validation, with every message given. */
export async function expectPlanError(ws: Workspace, vars: string[], messages: string[]) {
  const res = await ws.tf(['plan', '-input=false', '-no-color', ...vars.flatMap((v) => ['-var', v])], { allowFail: true });
  expect(res.code, res.stdout).toBe(1);
  const text = res.stderr.replace(/[│\s]+/g, ' '); // terraform wraps messages in boxed lines
  for (const m of messages) expect(text).toContain(m);
}

const samples = path.join(repoRoot, 'test/fixtures/samples');
export const IP_RANGES = fs.readFileSync(path.join(samples, 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json'));
export const NOTICE = JSON.parse(fs.readFileSync(path.join(samples, 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json'), 'utf8')) as {
  Records: { Sns: { Message: string; TopicArn: string } }[];
};
export const CF_V4 = fs.readFileSync(path.join(samples, 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'), 'utf8');
export const CF_V6 = fs.readFileSync(path.join(samples, 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'), 'utf8');
export const SCHEDULE = JSON.parse(fs.readFileSync(path.join(samples, 'eventbridge-scheduled-event_custodian.json'), 'utf8')) as unknown;

export const mutating = (run: BundleRun) => run.result!.results.filter((r) => !['notify', 'ignore'].includes(r.action.type));
export const kinds = (run: BundleRun) => run.result!.results.map((r) => `${r.action.type}:${r.status}`);
export const sorted = (xs: string[]) => [...xs].sort();

// Runs a real OpenTofu/Terraform binary on an example against the emulator: the example is copied
// with the module (root *.tf, modules/, dist/) into a temp dir, an *_override.tf points every
// aws provider block at the emulator, and init/validate/plan/apply/destroy run as a user would.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from './file-lock.js';

const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, '../..');

// Services the module touches; each is pointed at the emulator.
const ENDPOINTS = ['cloudtrail', 'cloudwatch', 'configservice', 'events', 'iam', 'kms', 'lambda', 'logs', 'ram', 's3', 'sns', 'sqs', 'ssm', 'sts', 'ec2'];

/**
 * Go's garbage collector for terraform and its provider processes (they inherit the environment).
 * The AWS provider allocates heavily while it builds its schema, on every command: at GOGC=400 a
 * plan of examples/minimal took 10.2 s of CPU instead of 14.5 s (GOGC=100), its provider's peak RSS
 * 440 MB instead of 330 MB. The suite is CPU-bound on 2 cores; memory is not short.
 */
export const GOGC = '400';

export function tfBinary(): string {
  const tf = process.env.SG_GUARDIAN_TF;
  if (!tf) throw new Error("SG_GUARDIAN_TF is not set: run the tests through 'make test' (scripts/bootstrap.sh provides terraform/tofu).");
  return tf;
}

export interface PlannedChange {
  address: string;
  actions: string[];
  /** Top-level attributes whose value differs between before and after. */
  changedKeys: string[];
}

// What moto does not store, so a converged module still shows a diff on it (see README, contributing).
const MOTO_GAPS: { address: RegExp; keys: string[] }[] = [
  { address: /aws_lambda_function\.this$/, keys: ['dead_letter_config', 'logging_config'] },
];

/** Changes a plan would make, minus the attribute diffs the emulator is known to cause. */
export function withoutEmulatorGaps(changes: PlannedChange[], kind: string): PlannedChange[] {
  if (kind !== 'moto') return changes;
  return changes.filter((c) => {
    const gap = MOTO_GAPS.find((g) => g.address.test(c.address));
    return !(gap && c.actions.join() === 'update' && c.changedKeys.every((k) => gap.keys.includes(k)));
  });
}

export interface Workspace {
  dir: string;
  tf: (args: string[], opts?: { allowFail?: boolean }) => Promise<{ stdout: string; stderr: string; code: number }>;
  apply: (vars?: Record<string, unknown>) => Promise<Record<string, unknown>>;
  /** What the last apply printed (its plan included): a plan of its own would cost ~15 s of CPU. */
  applyLog: string;
  /** Test cleanup: no refresh (the state is the test's own, just written), so no reads at all. */
  destroy: (vars?: Record<string, unknown>) => Promise<void>;
  planChanges: () => Promise<PlannedChange[]>;
  cleanup: () => void;
}

/**
 * Copies examples/<name> (and the module it uses) into a temp dir wired to the emulator; with
 * `files`, the root is those files instead (e.g. the README's blocks), under examples/<name>.
 */
export function workspace(example: string, endpoint: string, files?: Record<string, string>): Workspace {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `sgg-tf-${example}-`));
  for (const f of fs.readdirSync(repoRoot)) if (f.endsWith('.tf')) fs.copyFileSync(path.join(repoRoot, f), path.join(tmp, f));
  fs.cpSync(path.join(repoRoot, 'modules'), path.join(tmp, 'modules'), { recursive: true, filter: (s) => !s.includes('.build') });
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(tmp, 'dist'), { recursive: true });
  const dir = path.join(tmp, 'examples', example);
  if (files) {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  } else fs.cpSync(path.join(repoRoot, 'examples', example), dir, { recursive: true, filter: (s) => !s.includes('.terraform') && !s.endsWith('.tfstate') });
  fs.writeFileSync(path.join(dir, 'emulator_override.tf'), providerOverride(dir, endpoint));

  const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', GOGC: process.env.GOGC ?? GOGC };
  const tf: Workspace['tf'] = async (args, opts = {}) => {
    try {
      const exec = () => run(tfBinary(), args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024, timeout: 540_000 });
      // init writes the shared provider plugin cache (registry mode), which is not safe for concurrent use.
      const { stdout, stderr } = args[0] === 'init' ? await withFileLock('terraform-init', exec) : await exec();
      return { stdout, stderr, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number };
      if (opts.allowFail) return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
      throw new Error(`${path.basename(tfBinary())} ${args.join(' ')} failed in ${dir}:\n${e.stderr ?? ''}\n${(e.stdout ?? '').slice(-4000)}`, { cause: err });
    }
  };
  const varArgs = (vars: Record<string, unknown> = {}) => {
    fs.writeFileSync(path.join(dir, 'test.auto.tfvars.json'), JSON.stringify(vars, null, 2));
    return [];
  };
  const ws: Workspace = {
    dir,
    tf,
    applyLog: '',
    apply: async (vars) => {
      ws.applyLog = (await tf(['apply', '-input=false', '-no-color', '-auto-approve', ...varArgs(vars)])).stdout;
      const { stdout } = await tf(['output', '-json', '-no-color']);
      const outputs = JSON.parse(stdout) as Record<string, { value: unknown }>;
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    },
    destroy: async (vars) => {
      await tf(['destroy', '-input=false', '-no-color', '-auto-approve', '-refresh=false', ...varArgs(vars)]);
    },
    planChanges: async () => {
      const planned = await tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=replan.tfplan'], { allowFail: true });
      if (planned.code === 0) return []; // no changes: no need to read the plan file (~5 s of CPU)
      if (planned.code !== 2) throw new Error(`plan failed in ${dir}:\n${planned.stderr}`);
      const { stdout } = await tf(['show', '-json', '-no-color', 'replan.tfplan']);
      const plan = JSON.parse(stdout) as { resource_changes?: { address: string; change: { actions: string[]; before: unknown; after: unknown } }[] };
      return (plan.resource_changes ?? [])
        .filter((r) => r.change.actions.join() !== 'no-op' && r.change.actions.join() !== 'read')
        .map((r) => {
          const before = (r.change.before ?? {}) as Record<string, unknown>;
          const after = (r.change.after ?? {}) as Record<string, unknown>;
          const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
          return { address: r.address, actions: r.change.actions, changedKeys: keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])) };
        });
    },
    cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
  return ws;
}

/** The body of each `provider "aws"` block, braces matched (an assume_role block may come before the alias). */
export function awsProviderBlocks(source: string): string[] {
  const bodies: string[] = [];
  for (const m of source.matchAll(/provider\s+"aws"\s*\{/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < source.length && depth > 0; i++) depth += source[i] === '{' ? 1 : source[i] === '}' ? -1 : 0;
    bodies.push(source.slice(m.index + m[0].length, i - 1));
  }
  return bodies;
}

/**
 * One override block per aws provider configuration (default and each alias) in the example. An
 * override merges into its block argument by argument, so what it leaves out stays: region and
 * assume_role. A provider assuming a role in another account gets credentials from the emulator's
 * STS, and moto keeps each account apart by those credentials (examples/organization).
 */
function providerOverride(dir: string, endpoint: string): string {
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const aliases = awsProviderBlocks(sources).flatMap((body) => /^\s*alias\s*=\s*"([^"]+)"/m.exec(body)?.[1] ?? []);
  const block = (alias?: string) => `provider "aws" {
${alias ? `  alias = "${alias}"\n` : ''}  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  # the emulator answers unimplemented calls with 500s: do not retry them for minutes
  max_retries = 1
  endpoints {
${ENDPOINTS.map((s) => `    ${s} = "${endpoint}"`).join('\n')}
  }
}
`;
  return ['# Written by test/support/terraform.ts: points the example at the emulator.', block(), ...aliases.map(block)].join('\n');
}

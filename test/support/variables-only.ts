// Root-variable validation without providers: the module's variables.tf alone, called with the
// given arguments, planned by the real binary. ~0.5 s a plan instead of ~15 s of provider CPU, so
// every bad-input case can have one; each example keeps one end-to-end bad plan of its own (its
// inputs reach these blocks).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GOGC, repoRoot, tfBinary } from './terraform.js';

const run = promisify(execFile);

/**
 * Plans `module "sg_guardian" { <args> }` over the root's variables.tf (or an example's, e.g.
 * 'examples/slack-chat/variables.tf'): exit code and the messages, unwrapped.
 */
export async function planArguments(args: string, variables = 'variables.tf'): Promise<{ code: number; said: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-vars-'));
  try {
    fs.mkdirSync(path.join(dir, 'module'));
    fs.copyFileSync(path.join(repoRoot, variables), path.join(dir, 'module', 'variables.tf'));
    fs.writeFileSync(path.join(dir, 'main.tf'), `module "sg_guardian" {\n  source = "./module"\n${args}\n}\n`);
    const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', GOGC: process.env.GOGC ?? GOGC };
    await run(tfBinary(), ['init', '-input=false', '-no-color'], { cwd: dir, env });
    try {
      await run(tfBinary(), ['plan', '-input=false', '-no-color'], { cwd: dir, env });
      return { code: 0, said: '' };
    } catch (err) {
      const e = err as { code?: number; stderr?: string };
      return { code: e.code ?? 1, said: (e.stderr ?? '').replace(/[│\s]+/g, ' ') };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

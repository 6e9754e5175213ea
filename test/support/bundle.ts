// Runs the committed bundle (dist/handler.mjs) the way Lambda would, in its own Node process, with
// the deployed function's environment, against this worker's emulator (AWS_ENDPOINT_URL, set by
// test/support/worker-env.ts).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { repoRoot } from './terraform.js';
import { emulator } from './aws.js';

const run = promisify(execFile);

const RUNNER = `
const fs = require('node:fs');
import(process.env.SGG_BUNDLE).then(async (m) => {
  const event = JSON.parse(fs.readFileSync(0, 'utf8'));
  try {
    const result = await m.handler(event, { functionName: 'sg-guardian', awsRequestId: 'test' });
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ ok: true, result }));
  } catch (err) {
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ ok: false, error: String(err && err.message || err) }));
  }
});
`;

export interface BundleRun {
  ok: boolean;
  result?: { kind: string; actions: { type: string; [k: string]: unknown }[]; results: { status: string; action: { type: string }; detail?: string }[] };
  error?: string;
  logs: string;
}

/**
 * The environment the deployed function runs with (moto stores it, and never runs the code): what
 * Terraform gave it, and AWS_REGION as Lambda sets it, the function's region.
 */
export async function deployedEnvironment(functionName: string, region = emulator().region): Promise<Record<string, string>> {
  const lambda = new LambdaClient({ endpoint: emulator().endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return { ...cfg.Environment?.Variables, AWS_REGION: region, AWS_DEFAULT_REGION: region };
}

export async function invokeBundle(event: unknown, env: Record<string, string>): Promise<BundleRun> {
  const child = run(process.execPath, ['--disable-warning=NodeVersionSupportWarning', '-e', RUNNER], {
    env: { ...process.env, ...env, SGG_BUNDLE: path.join(repoRoot, 'dist/handler.mjs'), POWERTOOLS_METRICS_DISABLED: 'true' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  });
  child.child.stdin?.end(JSON.stringify(event));
  const { stdout } = await child;
  const at = stdout.lastIndexOf('@@RESULT@@');
  if (at < 0) throw new Error(`bundle produced no result:\n${stdout}`);
  return { ...(JSON.parse(stdout.slice(at + '@@RESULT@@'.length)) as Omit<BundleRun, 'logs'>), logs: stdout.slice(0, at) };
}

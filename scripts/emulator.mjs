// Starts the AWS emulator the tests and the demo run against, in this order:
//   1. AWS_ENDPOINT_URL, when set (a user's own LocalStack or moto): used as is, never stopped;
//   2. LocalStack through @testcontainers/localstack, when a Docker engine answers;
//   3. an embedded moto server (from the bootstrap's venv) on a free loopback port.
// Shared by test/support/global-setup.ts (one per test worker: startEmulators) and scripts/demo.mjs.
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REGION = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
const LOCALSTACK_IMAGE = `localstack/localstack:${process.env.SG_GUARDIAN_LOCALSTACK_TAG ?? '4.14.0'}`;

/** @typedef {{ kind: 'external'|'localstack'|'moto', endpoint: string, region: string, accountId: string, stop: () => Promise<void> }} Emulator */

/** Client environment for anything (SDK, Terraform, the bundle) that should talk to the emulator. */
export function emulatorEnv(/** @type {Emulator} */ emu) {
  return {
    AWS_ENDPOINT_URL: emu.endpoint,
    AWS_REGION: emu.region,
    AWS_DEFAULT_REGION: emu.region,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    SG_GUARDIAN_EMULATOR_KIND: emu.kind,
    SG_GUARDIAN_ACCOUNT_ID: emu.accountId,
  };
}

/**
 * Up to `count` emulators, one per test worker so parallel files cannot interfere. AWS_ENDPOINT_URL
 * gives exactly one (every worker shares it; unique names isolate the tests); LocalStack and moto
 * start `count`, in parallel. MOTO_PORT pins the first moto, the next take the ports after it.
 * @returns {Promise<Emulator[]>}
 */
export async function startEmulators(count, log = (/** @type {string} */ m) => console.error(m)) {
  if (process.env.AWS_ENDPOINT_URL || count <= 1) return [await startEmulator(log)];
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startEmulator(log, i)));
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((e) => e.stop()));
    throw failed.reason;
  }
  return ok;
}

/** @returns {Promise<Emulator>} */
export async function startEmulator(log = (/** @type {string} */ m) => console.error(m), index = 0) {
  if (process.env.AWS_ENDPOINT_URL) {
    const endpoint = process.env.AWS_ENDPOINT_URL.replace(/\/$/, '');
    await waitReady(endpoint, 10_000, 'AWS_ENDPOINT_URL');
    const accountId = process.env.SG_GUARDIAN_ACCOUNT_ID ?? (endpoint.includes('4566') ? '000000000000' : '123456789012');
    log(`[emulator] kind=external endpoint=${endpoint} (AWS_ENDPOINT_URL)`);
    return { kind: 'external', endpoint, region: REGION, accountId, stop: async () => {} };
  }
  if (process.env.SG_GUARDIAN_EMULATOR !== 'moto' && dockerAnswers()) {
    const { LocalstackContainer } = await import('@testcontainers/localstack');
    const env = { SERVICES: 'ec2,sns,sqs,events,iam,sts,lambda,logs,kms,s3,config,ssm,cloudwatch' };
    if (process.env.LOCALSTACK_AUTH_TOKEN) env.LOCALSTACK_AUTH_TOKEN = process.env.LOCALSTACK_AUTH_TOKEN;
    const container = await new LocalstackContainer(LOCALSTACK_IMAGE).withEnvironment(env).start();
    const endpoint = container.getConnectionUri();
    log(`[emulator] kind=localstack image=${LOCALSTACK_IMAGE} endpoint=${endpoint}`);
    return { kind: 'localstack', endpoint, region: REGION, accountId: '000000000000', stop: async () => { await container.stop(); } };
  }
  return startMoto(log, index);
}

function dockerAnswers() {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function motoBinary() {
  const cache = process.env.SG_GUARDIAN_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sg-guardian');
  const bin = process.env.SG_GUARDIAN_MOTO_SERVER ?? path.join(cache, 'venv-moto', 'bin', 'moto_server');
  if (!fs.existsSync(bin)) {
    throw new Error(`moto server not found at ${bin}: run 'make bootstrap' (installs moto[server] into ${cache}/venv-moto; needs Python 3 with venv), or set AWS_ENDPOINT_URL to a running LocalStack/moto.`);
  }
  return bin;
}

/** A free loopback port, or MOTO_PORT + index when MOTO_PORT is set (which must be free). */
async function pickPort(index) {
  const wanted = process.env.MOTO_PORT ? Number(process.env.MOTO_PORT) + index : 0;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) => reject(new Error(`port ${wanted} (MOTO_PORT + ${index}) is busy on 127.0.0.1 (${err.message}): free it or unset MOTO_PORT.`)));
    srv.listen(wanted, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : wanted;
      srv.close(() => resolve(port));
    });
  });
}

async function startMoto(log, index) {
  const bin = motoBinary();
  const port = await pickPort(index);
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // AWS managed policies (e.g. AWS_ConfigRole for the Config recorder) are not loaded by default.
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await Promise.race([
      waitReady(endpoint, 30_000, 'moto'),
      exited.then((code) => { throw new Error(`moto exited with code ${code} before answering:\n${stderr}`); }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  log(`[emulator] kind=moto endpoint=${endpoint} (${bin})`);
  return {
    kind: 'moto', endpoint, region: REGION, accountId: '123456789012',
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function waitReady(endpoint, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      // Any HTTP answer means the server is up; moto and LocalStack both answer the root.
      const res = await fetch(endpoint + '/', { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} at ${endpoint} did not answer within ${timeoutMs / 1000}s (${last})`);
}

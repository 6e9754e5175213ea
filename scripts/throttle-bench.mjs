// make throttle-bench: the throttling scenario at EC2's real rates. The bundled Lambda
// (dist/handler.mjs, settings.organization on: paced clients, adaptive retries) sweeps 1,000 groups
// in one account, each with one rule no event explains, behind the loopback proxy that enforces
// EC2's token buckets (test/support/throttle-proxy.mjs). Prints the duration, EC2 calls per second,
// calls answered RequestLimitExceeded, and checks by describe that every rule was revoked.
// Not a test (the suite runs the same scenario with 10x clocks): it measures and prints.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EC2Client } from '@aws-sdk/client-ec2';
import { emulatorEnv, startEmulator } from './emulator.mjs';
import { startThrottleProxy } from '../test/support/throttle-proxy.mjs';
import { createFleet, inboundLeft, openFleet } from '../test/support/throttle-fleet.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const GROUPS = Number(process.env.THROTTLE_GROUPS ?? 1000);
const root = path.resolve(import.meta.dirname, '..');

process.env.SG_GUARDIAN_EMULATOR ??= 'moto';
const emu = await startEmulator(() => {});
const proxy = await startThrottleProxy(emu.endpoint, { scale: 1 });
let code = 0;
try {
  const ec2 = new EC2Client({ endpoint: emu.endpoint, region: emu.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const tag = { key: 'sgg-throttle', value: 'bench' };
  const t0 = Date.now();
  const ids = await createFleet(ec2, GROUPS, tag, 'sgg-bench');
  Object.assign(process.env, emulatorEnv(emu), {
    AWS_ENDPOINT_URL: proxy.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SG_GUARDIAN_CONFIG: JSON.stringify({ selfRoleArn: `arn:aws:iam::${emu.accountId}:role/sg-guardian`, drift: { guardTag: tag }, state: { graceSeconds: 0 }, organization: { targets: [] } }),
  });
  const { handler } = await import(pathToFileURL(path.join(root, 'dist/handler.mjs')).href);
  await handler({ 'sg-guardian': { action: 'sweep' } }); // enrols the fleet (state in the container)
  await openFleet(ec2, ids);
  console.log(`fleet: ${GROUPS} groups enrolled and opened in ${((Date.now() - t0) / 1000).toFixed(0)} s (straight to the emulator, not counted)`);
  const before = { forwarded: proxy.stats.forwarded, throttled: proxy.stats.throttled };
  const started = Date.now();
  const result = await handler({ 'sg-guardian': { action: 'sweep' } });
  const seconds = (Date.now() - started) / 1000;
  const calls = proxy.stats.forwarded - before.forwarded;
  const throttled = proxy.stats.throttled - before.throttled;
  const revoked = result.results.filter((r) => r.action.type === 'revoke-ingress' && r.status === 'done').length;
  const left = await inboundLeft(ec2, ids);
  console.log(`sweep of ${GROUPS} groups at EC2's real rates: ${seconds.toFixed(1)} s, ${calls} EC2 calls = ${(calls / seconds).toFixed(2)} calls/s`);
  console.log(`  revokes ${revoked}/${GROUPS} done, ${left} rule(s) left by describe, ${throttled} call(s) answered RequestLimitExceeded`);
  console.log(`  by action: ${Object.entries(proxy.stats.byAction).map(([a, c]) => `${a} ${c.ok}${c.throttled ? ` (+${c.throttled} throttled)` : ''}`).join(', ')}`);
  console.log(`  limit: 50 at once then 5/s -> ${(50 + (GROUPS - 50) / 5 / 1).toFixed(0)} calls in ${((GROUPS - 50) / 5).toFixed(0)} s at best (${(GROUPS / ((GROUPS - 50) / 5)).toFixed(2)} revokes/s)`);
  if (revoked !== GROUPS || left !== 0) code = 1;
} finally {
  await proxy.close();
  await emu.stop();
}
process.exit(code);

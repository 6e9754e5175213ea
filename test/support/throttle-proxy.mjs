// A loopback proxy in front of the emulator that throttles EC2 as EC2 does: a token bucket per
// caller (access key: one per account in the tests) and region, per kind of call — describe calls
// (non-mutating: 100, refill 20/s), mutating calls (50, 5/s) and the resource-intensive
// Authorize/Revoke security-group calls (their own 50, 5/s). An empty bucket answers HTTP 503
// RequestLimitExceeded with EC2's XML error body; nothing reaches the emulator then. Everything that
// is not EC2 (STS, SNS, ...) passes untouched. `scale` speeds the clock (10: ten times the refill),
// so the test suite runs the same code path in a tenth of the time; the bench runs it at 1.
// Independent of lambda-src/core/pacer.ts on purpose: this is the model of EC2 the pacer is tested against.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { URL, URLSearchParams } from 'node:url';

export const EC2_THROTTLING = {
  'non-mutating': { capacity: 100, refill: 20 },
  mutating: { capacity: 50, refill: 5 },
  'resource-intensive': { capacity: 50, refill: 5 },
};
const RESOURCE_INTENSIVE = new Set(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress']);

function categoryOf(action) {
  if (RESOURCE_INTENSIVE.has(action)) return 'resource-intensive';
  return /^(Describe|Get|List)/.test(action) ? 'non-mutating' : 'mutating';
}

/**
 * @param {string} target the emulator's endpoint
 * @param {{ scale?: number, buckets?: Partial<typeof EC2_THROTTLING> }} [opts] buckets: smaller ones
 *   model another caller in the same account draining EC2's (what the pacer cannot see)
 */
export async function startThrottleProxy(target, opts = {}) {
  const scale = opts.scale ?? 1;
  const limits = { ...EC2_THROTTLING, ...opts.buckets };
  const origin = Date.now();
  const now = () => origin + (Date.now() - origin) * scale;
  /** @type {Map<string, { tokens: number, last: number }>} */
  const buckets = new Map();
  const stats = { forwarded: 0, throttled: 0, byAction: /** @type {Record<string, { ok: number, throttled: number }>} */ ({}), first: 0, last: 0 };
  const take = (key, category) => {
    const { capacity, refill } = limits[category];
    const t = now();
    const b = buckets.get(key) ?? { tokens: capacity, last: t };
    b.tokens = Math.min(capacity, b.tokens + ((t - b.last) / 1000) * refill);
    b.last = t;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Credential=AKID/20260101/us-east-1/ec2/aws4_request
      const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
      if (scope && scope[3] === 'ec2') {
        const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
        const category = categoryOf(action);
        const counts = (stats.byAction[action] ??= { ok: 0, throttled: 0 });
        stats.first ||= Date.now();
        stats.last = Date.now();
        if (!take(`${scope[1]}/${scope[2]}/${category}`, category)) {
          stats.throttled++;
          counts.throttled++;
          res.writeHead(503, { 'content-type': 'text/xml;charset=UTF-8' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`);
          return;
        }
        stats.forwarded++;
        counts.ok++;
      }
      const up = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => res.writeHead(502).end(String(err)));
      up.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    stats,
    /** The clock the proxy refills by (a pacer given the same one agrees with it). */
    clock: { now, sleep: (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)) },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }),
  };
}

// Property-based fuzz of the feed parsers (issue #15), seeded from the real Cloudflare lists, API
// body and (a slice of) the 2024 ip-ranges.json. Invariants: nothing but a DecodeError is thrown,
// and every range returned is canonical, of its list's family, not IPv4-mapped, and exactly a
// network the input published: never widened by zeroing host bits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { parseAwsIpRanges, selectAwsRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { parseCidr } from '../../lambda-src/feeds/cidr.js';
import { parseCloudflareApi, parseCloudflareText } from '../../lambda-src/feeds/cloudflare.js';
import type { FeedSet } from '../../lambda-src/feeds/feed-set.js';
import { CONTROL, RUNS, SEED, leaves, mutate, op, sampleJson, sampleText, timeoutFor, withinBudget } from './fuzz-support.js';

const V4 = sampleText('cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt');
const V6 = sampleText('cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt');
const API = sampleJson('cloudflare-api-ips-response-china_colos-variant_cloudflare-go-fixture.json');
const FULL = sampleJson('ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json') as { prefixes: unknown[]; ipv6_prefixes: unknown[] };
// A slice keeps each case fast; the whole file is covered by feeds-aws.test.ts.
const AWS = { ...FULL, prefixes: FULL.prefixes.slice(0, 40), ipv6_prefixes: FULL.ipv6_prefixes.slice(0, 20) };

const RANGE_LINES = ['1.2.3.4/0', '10.0.0.1/8', '::ffff:1.2.3.0/120', '::ffff:0:0/96', '2400:CB00::/32', '2400:cb00:0000::/32', '0.0.0.0/0', '::/0', '192.0.2.0/24', '2001:db8::1/32', '1.2.3.0/24 ', '<html>', ''];

/** Every network the input published as is (host bits clear), canonicalised: the only thing a parser may return. */
function published(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) {
    const c = parseCidr(t);
    if (c && !c.hostBitsSet) out.add(c.text);
  }
  return out;
}

const stringsIn = (v: unknown): string[] => [...leaves(v)];

function check(parse: () => FeedSet, inputs: string[]): void {
  // Timed: the parse alone, not the oracle below.
  const outcome = withinBudget((): { set: FeedSet } | { err: unknown } => {
    try {
      return { set: parse() };
    } catch (err) {
      return { err };
    }
  });
  if ('err' in outcome) {
    expect(outcome.err, String(outcome.err)).toBeInstanceOf(DecodeError);
    expect((outcome.err as Error).message).not.toMatch(CONTROL);
    expect((outcome.err as Error).message.length).toBeLessThan(1_200);
    return;
  }
  const { set } = outcome;
  const allowed = published(inputs);
  for (const [family, list] of [['ipv4', set.ipv4], ['ipv6', set.ipv6]] as const) {
    for (const c of list) {
      const parsed = parseCidr(c);
      expect(parsed?.text, `${c} is not canonical`).toBe(c);
      expect(parsed?.family).toBe(family);
      expect(family === 'ipv6' && parsed!.prefixLength >= 96 && parsed!.network >> 32n === 0xffffn, `${c} is IPv4-mapped`).toBe(false);
      expect(allowed.has(c), `${c} was not published as such`).toBe(true);
    }
  }
}

const lines = (text: string) => fc.array(fc.oneof(fc.constantFrom(...text.split('\n'), ...RANGE_LINES), fc.string({ maxLength: 20 })), { maxLength: 25 });
const runs = Math.max(1, Math.floor(RUNS / 3));

describe('fuzz: feed parsers', () => {
  it(`Cloudflare text lists, ${runs} cases`, { timeout: timeoutFor(runs) }, () => {
    fc.assert(
      fc.property(lines(V4), lines(V6), fc.constantFrom('\n', '\r\n'), (v4, v6, eol) => {
        check(() => parseCloudflareText(v4.join(eol), v6.join(eol)), [...v4, ...v6].map((l) => l.trim()));
      }),
      { seed: SEED, numRuns: runs },
    );
  });

  it(`Cloudflare API body, ${runs} cases`, { timeout: timeoutFor(runs) }, () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 4 }), fc.constantFrom(...RANGE_LINES), (ops, extra) => {
        const body = mutate(API, ops) as { result?: { ipv4_cidrs?: unknown[] } };
        if (Array.isArray(body?.result?.ipv4_cidrs)) body.result.ipv4_cidrs.push(extra);
        check(() => parseCloudflareApi(body), stringsIn(body));
      }),
      { seed: SEED, numRuns: runs },
    );
  });

  it(`ip-ranges.json, ${runs} cases`, { timeout: timeoutFor(runs) }, () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 4 }), (ops) => {
        const doc = mutate(AWS, ops);
        let text: string;
        try {
          text = JSON.stringify(doc) ?? 'null';
        } catch {
          return; // a value JSON cannot carry: not a file anyone could serve
        }
        check(() => selectAwsRanges(parseAwsIpRanges(text), { services: ['AMAZON', 'EC2', 'S3', 'CLOUDFRONT', 'ROUTE53_HEALTHCHECKS'] }), stringsIn(doc));
      }),
      { seed: SEED, numRuns: runs },
    );
  });
});

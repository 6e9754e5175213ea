// isCidr (the cheap check over all of ip-ranges.json) must accept exactly what parseCidr accepts,
// per family: on CIDR-like strings built from the characters that matter, and on the real file.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCidr, parseCidr } from '../../lambda-src/feeds/cidr.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';

const agrees = (input: string) => {
  for (const family of ['ipv4', 'ipv6'] as const) expect(isCidr(input, family), `${JSON.stringify(input)} ${family}`).toBe(parseCidr(input)?.family === family);
};

// Mostly well-formed (so both answers occur often), with the near misses parseCidr must refuse.
const octet = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 255 }).map(String), weight: 20 }, fc.integer({ min: 256, max: 300 }).map(String), fc.constantFrom('01', '00', '', 'a'));
const group = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)), weight: 30 }, fc.constantFrom('', '10000', '0000', 'FFFF', 'g', '1.2.3.4'));
const length = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 32 }).map(String), weight: 10 }, { arbitrary: fc.integer({ min: 33, max: 140 }).map(String), weight: 3 }, fc.constantFrom('08', '', '-1', '1e1', ' 8', '8 '));
const v4 = fc.tuple(fc.oneof({ arbitrary: fc.array(octet, { minLength: 4, maxLength: 4 }), weight: 10 }, fc.array(octet, { minLength: 3, maxLength: 5 })), length).map(([o, l]) => `${o.join('.')}/${l}`);
const v6 = fc
  .tuple(fc.array(group, { minLength: 2, maxLength: 8 }), fc.boolean(), length, fc.constantFrom('', '', '', '%eth0', '/1'))
  .map(([g, compress, l, tail]) => `${compress ? `${g.slice(0, 2).join(':')}::${g.slice(2, 7).join(':')}` : g.join(':')}${tail}/${l}`);
const padded = (s: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom('', ' ', '\t'), s, fc.constantFrom('', ' ', '\n')).map(([a, b, c]) => a + b + c);

describe('isCidr', () => {
  it('accepts exactly what parseCidr accepts, per family', () => {
    fc.assert(fc.property(fc.oneof(padded(v4), padded(v6), fc.string()), agrees), { numRuns: 3000 });
  });

  it('accepts every prefix of the 2024 ip-ranges.json in its own family only', () => {
    const doc = JSON.parse(readFileSync(new URL(IP_RANGES_2024, SAMPLES), 'utf8')) as { prefixes: { ip_prefix: string }[]; ipv6_prefixes: { ipv6_prefix: string }[] };
    expect(doc.prefixes.filter((p) => !isCidr(p.ip_prefix, 'ipv4') || isCidr(p.ip_prefix, 'ipv6'))).toEqual([]);
    expect(doc.ipv6_prefixes.filter((p) => !isCidr(p.ipv6_prefix, 'ipv6') || isCidr(p.ipv6_prefix, 'ipv4'))).toEqual([]);
  });
});

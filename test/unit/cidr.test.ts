// CIDR parsing and canonical form (lambda-src/feeds/cidr.ts). Expected canonical forms were
// computed with Python's ipaddress.ip_network(s, strict=False), an independent implementation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodeError } from '../../lambda-src/core/model.js';
import { canonicalCidr, canonicalSet, parseCidr, prefixLength, requireCidr, sortCidrs } from '../../lambda-src/feeds/cidr.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';

describe('canonicalCidr', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.255/32', '192.168.1.255/32'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001/128', '2001:db8::1/128'],
    ['2001:db8:0:1:0:0:0:1/128', '2001:db8:0:1::1/128'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // tie: the first run is compressed
    ['2001:db8:0:0:1::/80', '2001:db8:0:0:1::/80'], // the longest run wins
    ['2001:0:0:1::1/128', '2001:0:0:1::1/128'],
    ['::/0', '::/0'],
    ['1::/0', '::/0'],
    ['::1/128', '::1/128'],
    ['fe80::/10', 'fe80::/10'],
    ['::ffff:1.2.3.4/128', '::ffff:102:304/128'],
    ['1:0:0:0:0:0:0:0/16', '1::/16'],
    ['2400:cb00:0:0::/32', '2400:cb00::/32'],
    ['1:2:3:4:5:6:7:8/64', '1:2:3:4::/64'],
    ['2600:9000:ddd::1/48', '2600:9000:ddd::/48'],
    ['0:0:0:0:0:1:0:0/96', '::1:0:0/96'],
    [' 173.245.48.0/20\r', '173.245.48.0/20'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalCidr(input)).toBe(expected);
  });

  it.each([
    '10.0.0.0', // a bare address is not a CIDR
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '010.0.0.0/8',
    '256.0.0.0/8',
    '10.0.0/8',
    '::/129',
    'fe80::1%eth0/64',
    '1:2:3:4:5:6:7:8:9/64',
    '2001:db8::1::/64',
    'not-a-cidr',
    '',
    '<html>/8',
  ])('rejects %j', (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });

  it('says when host bits were set', () => {
    expect(parseCidr('10.1.2.3/8')?.hostBitsSet).toBe(true);
    expect(parseCidr('10.0.0.0/8')?.hostBitsSet).toBe(false);
  });

  it('agrees with how AWS writes every prefix of the 2024 ip-ranges.json (all canonical already)', () => {
    const doc = JSON.parse(readFileSync(new URL(IP_RANGES_2024, SAMPLES), 'utf8')) as {
      prefixes: { ip_prefix: string }[];
      ipv6_prefixes: { ipv6_prefix: string }[];
    };
    const all = [...doc.prefixes.map((p) => p.ip_prefix), ...doc.ipv6_prefixes.map((p) => p.ipv6_prefix)];
    expect(all.length).toBe(9494 + 2393);
    expect(all.filter((c) => canonicalCidr(c) !== c)).toEqual([]);
  });
});

describe('prefixLength', () => {
  it.each([
    ['104.16.0.0/13', 13],
    ['2a06:98c0::/29', 29],
    ['0.0.0.0/0', 0],
    ['::1/128', 128],
  ])('%s -> %i', (cidr, len) => {
    expect(prefixLength(cidr)).toBe(len);
  });
  it('is undefined for a non-CIDR', () => {
    expect(prefixLength('10.0.0.1')).toBeUndefined();
  });
});

describe('sorting', () => {
  it('orders IPv4 before IPv6, numerically (not as text), shorter prefix first; deduplicates canonical forms', () => {
    const input = ['2606:4700::/32', '10.0.0.0/16', '9.0.0.0/8', '10.0.0.0/8', '2400:CB00::/32', '10.0.0.1/8', '100.0.0.0/8'];
    expect(sortCidrs(input)).toEqual(['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/16', '100.0.0.0/8', '2400:cb00::/32', '2606:4700::/32']);
  });

  it('is independent of input order', () => {
    const input = ['172.64.0.0/13', '2405:8100::/32', '103.21.244.0/22', '2a06:98c0::/29', '131.0.72.0/22'];
    expect(sortCidrs([...input].reverse())).toEqual(sortCidrs(input));
  });

  it('splits families and names the bad entry', () => {
    expect(canonicalSet(['::/0', '0.0.0.0/0'])).toEqual({ ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] });
    expect(() => canonicalSet(['10.0.0.0/8', 'oops'], 'list')).toThrow(expect.objectContaining({ path: 'list[1]' }) as DecodeError);
  });

  it('requireCidr checks the family', () => {
    expect(() => requireCidr('2400:cb00::/32', 'ips-v4 line 1', 'ipv4')).toThrow('ips-v4 line 1: "2400:cb00::/32" is IPv6, expected IPv4');
    expect(requireCidr('2400:cb00::/32', 'x', 'ipv6').text).toBe('2400:cb00::/32');
  });
});

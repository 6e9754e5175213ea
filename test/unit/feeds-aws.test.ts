// ip-ranges.json: md5 verification, parsing, selection (lambda-src/feeds/aws-ip-ranges.ts).
// Sample: test/fixtures/samples/ip-ranges_2024-07-09_...joetek.json, whose md5 is the one in the
// 2024 notice sample (sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json).
// Expected counts and hashes were measured independently with jq and Python's ipaddress/hashlib:
//   jq '[.prefixes[]|select(.service=="CLOUDFRONT_ORIGIN_FACING")|.ip_prefix]|unique|length'  -> 47 (v6: 0)
//   CLOUDFRONT -> 178 v4 / 27 v6; both services -> 216 v4 / 27 v6; CLOUDFRONT in us-east-1 -> 12 / 0;
//   CLOUDFRONT with network_border_group GLOBAL -> 96 / 27; S3 in eu-central-1 -> 16 / 6.
//   hash = sha256("\n".join(sorted-by-address v4 + v6))[:16].
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import { normaliseAwsTime, parseAwsIpRanges, rangesFromAwsFile, selectAwsRanges } from '../../lambda-src/feeds/aws-ip-ranges.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const IP_RANGES_2024 = 'ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json';
const NOTICE_2024 = 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json';

const bytes = new Uint8Array(readFileSync(new URL(IP_RANGES_2024, SAMPLES)));

function noticeMd5(): string {
  const event = decodeEvent(JSON.parse(readFileSync(new URL(NOTICE_2024, SAMPLES), 'utf8')));
  if (event.kind !== 'ip-space-changed') throw new Error(`decoded ${event.kind}`);
  return event.md5;
}

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

describe('parseAwsIpRanges', () => {
  it("verifies the exact bytes against the 2024 notice's md5 and reads the header", () => {
    const doc = parseAwsIpRanges(bytes, { expectMd5: noticeMd5() });
    expect(doc.md5).toBe('7d512815cbb10c21eb790c7f2f02e0b7');
    expect(doc.syncToken).toBe('1720490589');
    expect(doc.createDate).toBe('2024-07-09T02:03:09Z');
    expect(doc.prefixes).toHaveLength(9494);
    expect(doc.ipv6Prefixes).toHaveLength(2393);
  });

  it('refuses the file when one byte changes (md5 mismatch names md5 and both hashes)', () => {
    const tampered = new Uint8Array(bytes);
    const at = new TextDecoder().decode(bytes).indexOf('130.176.88.0/21'); // an origin-facing range
    tampered[at + 2] = '1'.charCodeAt(0); // 130 -> 131
    const err = decodeError(() => parseAwsIpRanges(tampered, { expectMd5: noticeMd5() }));
    expect(err.path).toBe('md5');
    expect(err.message).toContain('7d512815cbb10c21eb790c7f2f02e0b7');
    // The tampered file itself is well-formed: only the md5 stands between it and the targets.
    expect(parseAwsIpRanges(tampered).prefixes.some((p) => p.cidr === '131.176.88.0/21')).toBe(true);
  });

  it('hashes a string as its UTF-8 bytes (same md5 as the bytes)', () => {
    expect(parseAwsIpRanges(new TextDecoder().decode(bytes), { expectMd5: '7D512815CBB10C21EB790C7F2F02E0B7' }).md5).toBe('7d512815cbb10c21eb790c7f2f02e0b7');
  });

  it('takes older files whose entries lack network_border_group', () => {
    const old = JSON.stringify({
      syncToken: '1560000000',
      createDate: '2019-06-08-12-00-00',
      prefixes: [{ ip_prefix: '13.32.0.0/15', region: 'GLOBAL', service: 'CLOUDFRONT' }],
      ipv6_prefixes: [{ ipv6_prefix: '2600:9000::/28', region: 'GLOBAL', service: 'CLOUDFRONT' }],
    });
    const set = selectAwsRanges(parseAwsIpRanges(old), { services: ['CLOUDFRONT'], networkBorderGroups: ['GLOBAL'] });
    expect(set).toMatchObject({ ipv4: ['13.32.0.0/15'], ipv6: ['2600:9000::/28'], syncToken: '1560000000', createTime: '2019-06-08T12:00:00Z' });
  });

  it.each([
    ['not JSON', '<html>503</html>', 'ip-ranges.json'],
    ['a missing syncToken', { createDate: '2024-07-09-02-03-09', prefixes: [], ipv6_prefixes: [] }, 'syncToken'],
    ['a bad createDate', { syncToken: '1', createDate: 'yesterday', prefixes: [], ipv6_prefixes: [] }, 'createDate'],
    ['a missing ipv6_prefixes', { syncToken: '1', createDate: '2024-07-09-02-03-09', prefixes: [] }, 'ipv6_prefixes'],
    ['a bad IPv4 prefix', { syncToken: '1', createDate: '2024-07-09-02-03-09', prefixes: [{ ip_prefix: '3.5.140.0/33', region: 'r', service: 'S' }], ipv6_prefixes: [] }, 'prefixes[0].ip_prefix'],
    ['an IPv6 prefix in prefixes', { syncToken: '1', createDate: '2024-07-09-02-03-09', prefixes: [{ ip_prefix: '2600::/16', region: 'r', service: 'S' }], ipv6_prefixes: [] }, 'prefixes[0].ip_prefix'],
    ['an entry without service', { syncToken: '1', createDate: '2024-07-09-02-03-09', prefixes: [], ipv6_prefixes: [{ ipv6_prefix: '2600::/16', region: 'r' }] }, 'ipv6_prefixes[0].service'],
  ])('%s is a DecodeError naming %s', (_what, doc, path) => {
    expect(decodeError(() => parseAwsIpRanges(typeof doc === 'string' ? doc : JSON.stringify(doc))).path).toBe(path);
  });
});

describe('selectAwsRanges on the 2024 file', () => {
  const doc = parseAwsIpRanges(bytes, { expectMd5: '7d512815cbb10c21eb790c7f2f02e0b7' });

  it.each([
    ['CLOUDFRONT_ORIGIN_FACING (the default)', { services: ['CLOUDFRONT_ORIGIN_FACING'] }, 47, 0, '15e707dce1c23528'],
    ['all of CLOUDFRONT', { services: ['CLOUDFRONT'] }, 178, 27, 'b5395850f15efab8'],
    ['both, overlapping ranges once', { services: ['CLOUDFRONT', 'CLOUDFRONT_ORIGIN_FACING'] }, 216, 27, '3c956fbb78431e33'],
    ['CLOUDFRONT in GLOBAL border group', { services: ['CLOUDFRONT'], networkBorderGroups: ['GLOBAL'] }, 96, 27, '1d49944212ff30a6'],
    ['CLOUDFRONT in us-east-1', { services: ['CLOUDFRONT'], regions: ['us-east-1'] }, 12, 0, '246bb486a1a46849'],
    ['S3 in eu-central-1', { services: ['S3'], regions: ['eu-central-1'] }, 16, 6, '51c61f5eae4ed3dd'],
  ])('%s: counts and hash as measured independently', (_what, selection, v4, v6, hash) => {
    const set = selectAwsRanges(doc, selection);
    expect([set.ipv4.length, set.ipv6.length, set.hash]).toEqual([v4, v6, hash]);
    expect(set).toMatchObject({ feed: 'aws', syncToken: '1720490589', createTime: '2024-07-09T02:03:09Z' });
  });

  it('sorts by address, not as text', () => {
    expect(selectAwsRanges(doc).ipv4.slice(0, 3)).toEqual(['3.29.57.0/26', '3.172.0.0/18', '13.124.199.0/24']);
  });

  it('refuses a service name the file does not publish (a typo), naming it, instead of selecting nothing', () => {
    expect(() => selectAwsRanges(doc, { services: ['CLOUDFRONT_ORIGIN_FACNG'] })).toThrow(/^services: "CLOUDFRONT_ORIGIN_FACNG" is not a service of this ip-ranges.json \(it has AMAZON, .*CLOUDFRONT_ORIGIN_FACING/);
  });
});

describe('rangesFromAwsFile (sg-guardian ranges aws)', () => {
  it('defaults to CLOUDFRONT_ORIGIN_FACING and returns sorted canonical lists with the syncToken', () => {
    const out = rangesFromAwsFile(bytes, { expectMd5: '7d512815cbb10c21eb790c7f2f02e0b7' });
    expect(out.syncToken).toBe('1720490589');
    expect(out.ipv4).toHaveLength(47);
    expect(out.ipv6).toEqual([]);
  });

  it('passes services and regions through', () => {
    const out = rangesFromAwsFile(bytes, { services: ['CLOUDFRONT'], regions: ['GLOBAL'] });
    expect([out.ipv4.length, out.ipv6.length]).toEqual([96, 27]);
  });
});

describe('normaliseAwsTime', () => {
  it.each([
    ['2024-07-09-02-03-09', '2024-07-09T02:03:09Z'],
    ['2024-07-09T02:03:09Z', '2024-07-09T02:03:09Z'],
    ['2024-07-09T02:03:09-0130', '2024-07-09T03:33:09Z'],
    ['2024-13-09-02-03-09', undefined],
    ['yyyy-mm-ddThh:mm:ss+00:00', undefined],
    ['1720490589', undefined],
  ])('%s -> %s', (text, iso) => {
    expect(normaliseAwsTime(text)).toBe(iso);
  });
});

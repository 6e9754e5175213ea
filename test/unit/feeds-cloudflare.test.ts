// Cloudflare's text lists and API body (lambda-src/feeds/cloudflare.ts). Samples:
// test/fixtures/samples/cloudflare-* (provenance in its README.md). The expected sorted lists and
// hash were computed with Python's ipaddress/hashlib from the same files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { parseCloudflareApi, parseCloudflareText, rangesFromCloudflare } from '../../lambda-src/feeds/cloudflare.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const V4_TEXT = 'cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt';
const V6_TEXT = 'cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt';
const API_CHINA_COLOS = 'cloudflare-api-ips-response-china_colos-variant_cloudflare-go-fixture.json';
const API_ERROR = 'cloudflare-api-error-response-code1007_wp-rocket-test.json';

const text = (name: string): string => readFileSync(new URL(name, SAMPLES), 'utf8');

const SORTED_V4 = [
  '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '104.16.0.0/13', '104.24.0.0/14', '108.162.192.0/18', '131.0.72.0/22', '141.101.64.0/18',
  '162.158.0.0/15', '172.64.0.0/13', '173.245.48.0/20', '188.114.96.0/20', '190.93.240.0/20', '197.234.240.0/22', '198.41.128.0/17',
];
const SORTED_V6 = ['2400:cb00::/32', '2405:8100::/32', '2405:b500::/32', '2606:4700::/32', '2803:f800::/32', '2a06:98c0::/29', '2c0f:f248::/32'];

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

describe('parseCloudflareText', () => {
  it('reads the real lists (no trailing newline): 15 v4 / 7 v6, sorted, hashed', () => {
    const v4 = text(V4_TEXT);
    expect(v4.endsWith('\n')).toBe(false); // the shape this sample exists for
    const set = parseCloudflareText(v4, text(V6_TEXT));
    expect(set).toEqual({ feed: 'cloudflare', ipv4: SORTED_V4, ipv6: SORTED_V6, hash: 'c0fed51536fc2dd9' });
  });

  it('gives the same set for CRLF, blank lines, spaces and a trailing newline', () => {
    const crlf = (t: string): string => `\r\n${t.split('\n').map((l) => ` ${l} `).join('\r\n\r\n')}\r\n`;
    expect(parseCloudflareText(crlf(text(V4_TEXT)), `${text(V6_TEXT)}\n`)).toEqual(parseCloudflareText(text(V4_TEXT), text(V6_TEXT)));
  });

  it('names the list and line of a bad entry (an HTML error page, a swapped list)', () => {
    expect(decodeError(() => parseCloudflareText('<!DOCTYPE html>\n<html>', text(V6_TEXT))).path).toBe('ips-v4 line 1');
    expect(decodeError(() => parseCloudflareText(text(V6_TEXT), text(V4_TEXT))).message).toContain('is IPv6, expected IPv4');
    expect(decodeError(() => parseCloudflareText(text(V4_TEXT), '2400:cb00::/32\n\n2606:4700::/33x')).path).toBe('ips-v6 line 3');
  });

  it('returns an empty set for empty bodies (the safety check refuses it, with a notify)', () => {
    expect(parseCloudflareText('', '\n')).toMatchObject({ ipv4: [], ipv6: [] });
  });
});

describe('parseCloudflareApi', () => {
  it('reads result.ipv4_cidrs/ipv6_cidrs and ignores china_colos (another network)', () => {
    const set = parseCloudflareApi(text(API_CHINA_COLOS));
    expect(set.ipv4).toEqual(['199.27.128.0/21']);
    expect(set.ipv6).toEqual(['ffff:ffff::/32']);
    expect([...set.ipv4, ...set.ipv6]).not.toContain('42.81.6.0/25');
  });

  it('keeps the etag and ignores jdcloud_cidrs', () => {
    const body = { success: true, errors: [], messages: [], result: { ipv4_cidrs: ['173.245.48.0/20'], ipv6_cidrs: ['2400:cb00::/32'], etag: '38f79d050aa027e3be3865e495dcc9bc', jdcloud_cidrs: ['116.196.0.0/16'] } };
    expect(parseCloudflareApi(body)).toMatchObject({ ipv4: ['173.245.48.0/20'], etag: '38f79d050aa027e3be3865e495dcc9bc' });
  });

  it('turns success:false into an error naming the code and message', () => {
    const err = decodeError(() => parseCloudflareApi(text(API_ERROR)));
    expect(err.path).toBe('success');
    expect(err.message).toContain('1007 Invalid value');
  });

  it.each([
    ['not JSON', '<html>', 'cloudflare api'],
    ['no result on success', { success: true, errors: [] }, 'result'],
    ['a bad CIDR', { success: true, result: { ipv4_cidrs: ['1.2.3.4/40'], ipv6_cidrs: [] } }, 'result.ipv4_cidrs[0]'],
    ['a v4 CIDR in ipv6_cidrs', { success: true, result: { ipv4_cidrs: [], ipv6_cidrs: ['1.2.3.0/24'] } }, 'result.ipv6_cidrs[0]'],
    ['a missing list', { success: true, result: { ipv4_cidrs: [] } }, 'result.ipv6_cidrs'],
  ])('%s is a DecodeError at %s', (_what, body, path) => {
    expect(decodeError(() => parseCloudflareApi(body)).path).toBe(path);
  });
});

describe('rangesFromCloudflare (sg-guardian ranges cloudflare)', () => {
  it('takes the text lists or the API body; no syncToken', () => {
    expect(rangesFromCloudflare({ v4Text: text(V4_TEXT), v6Text: text(V6_TEXT) })).toEqual({ ipv4: SORTED_V4, ipv6: SORTED_V6 });
  });

  it('refuses the cloudflare-go fixture: its ffff:ffff::/32 is multicast (feeds/plausibility.ts)', () => {
    expect(parseCloudflareApi(text(API_CHINA_COLOS))).toMatchObject({ ipv4: ['199.27.128.0/21'], ipv6: ['ffff:ffff::/32'] });
    expect(() => rangesFromCloudflare({ json: text(API_CHINA_COLOS) })).toThrow('cloudflare feed: refused, the Lambda would apply nothing: ffff:ffff::/32 is inside ff00::/8, multicast (RFC 4291)');
  });
});

// Feed plausibility: a feed holding a default route, a range shorter than the floor or a
// non-public range is refused whole — by the planner (one high notify, nothing mutating) and by
// the CLI's `ranges` (exit 2 naming the range).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda-src/cli/main.js';
import { makeFeedSet } from '../../lambda-src/feeds/feed-set.js';
import { type Implausibility, checkRange, implausibleRanges } from '../../lambda-src/feeds/plausibility.js';
import { planFeed } from '../../lambda-src/plan/feeds.js';
import { FeedSettingsSchema } from '../../lambda-src/policy/feed-settings.js';

describe('checkRange: CIDR → verdict (default floors /8 and /16)', () => {
  it.each<[string, Implausibility | 'ok']>([
    // real CDN ranges
    ['173.245.48.0/20', 'ok'],
    ['104.16.0.0/13', 'ok'],
    ['2400:cb00::/32', 'ok'],
    ['2600:9000:2000::/36', 'ok'],
    ['13.32.0.0/15', 'ok'],
    ['8.0.0.0/8', 'ok'], // exactly the floor
    ['2600::/16', 'ok'],
    // default routes
    ['0.0.0.0/0', 'default-route'],
    ['::/0', 'default-route'],
    // shorter than the floor
    ['0.0.0.0/1', 'too-short'],
    ['128.0.0.0/1', 'too-short'],
    ['4.0.0.0/7', 'too-short'],
    ['2000::/3', 'too-short'],
    ['2600::/15', 'too-short'],
    // private
    ['10.0.0.0/8', 'non-public'],
    ['10.1.2.0/24', 'non-public'],
    ['172.16.0.0/12', 'non-public'],
    ['172.31.255.0/24', 'non-public'],
    ['192.168.1.0/24', 'non-public'],
    // loopback, this-network, link-local
    ['127.0.0.0/8', 'non-public'],
    ['127.0.0.1/32', 'non-public'],
    ['0.0.0.0/8', 'non-public'],
    ['169.254.169.254/32', 'non-public'],
    ['::1/128', 'non-public'],
    ['fe80::/10', 'non-public'],
    // CGNAT, benchmarking
    ['100.64.0.0/10', 'non-public'],
    ['100.127.0.0/16', 'non-public'],
    ['198.18.0.0/15', 'non-public'],
    // multicast, reserved
    ['224.0.0.0/4', 'non-public'],
    ['239.255.255.250/32', 'non-public'],
    ['240.0.0.0/4', 'non-public'],
    ['255.255.255.255/32', 'non-public'],
    ['ff02::1/128', 'non-public'],
    // documentation
    ['192.0.2.0/24', 'non-public'],
    ['198.51.100.0/24', 'non-public'],
    ['203.0.113.128/25', 'non-public'],
    ['2001:db8::/32', 'non-public'],
    ['2001:db8:1::/48', 'non-public'],
    ['3fff::/20', 'non-public'],
    // unique-local, IPv4-mapped
    ['fc00::/7', 'non-public'],
    ['fd12:3456::/32', 'non-public'],
    ['::ffff:10.0.0.0/104', 'non-public'],
    // a public-looking range that contains a special block
    ['192.0.0.0/16', 'non-public'],
    ['100.0.0.0/8', 'non-public'],
  ])('%s → %s', (cidr, expected) => {
    const verdict = checkRange(cidr);
    expect(verdict.ok ? 'ok' : verdict.code).toBe(expected);
  });

  it('takes the floor from the settings', () => {
    expect(checkRange('104.16.0.0/13', { ipv4: 16, ipv6: 16 })).toEqual({ ok: false, code: 'too-short', reason: 'is shorter than the /16 floor for IPv4 (feeds.minPrefixLength.ipv4)' });
    expect(checkRange('4.0.0.0/7', { ipv4: 6, ipv6: 16 }).ok).toBe(true);
    expect(checkRange('2400:cb00::/32', { ipv4: 8, ipv6: 48 })).toMatchObject({ ok: false, code: 'too-short' });
  });

  it('names every offender of a set, in order', () => {
    const bad = implausibleRanges(makeFeedSet('cloudflare', ['173.245.48.0/20', '0.0.0.0/0', '10.0.0.0/8', '2400:cb00::/32', 'fd00::/24']));
    expect(bad.map((b) => [b.cidr, b.code])).toEqual([
      ['0.0.0.0/0', 'default-route'],
      ['10.0.0.0/8', 'non-public'],
      ['fd00::/24', 'non-public'],
    ]);
    expect(bad[1]!.reason).toBe('is inside 10.0.0.0/8, private (RFC 1918)');
  });
});

describe('the planner refuses an implausible feed whole', () => {
  const settings = FeedSettingsSchema.parse({ cloudflare: { enabled: true }, targets: { prefixLists: { cloudflare: { ipv4: 'pl-0123456789abcdef0' } } } });
  const observed = {
    prefixLists: [{ prefixListId: 'pl-0123456789abcdef0', version: 3, maxEntries: 30, addressFamily: 'IPv4' as const, entries: [{ cidr: '173.245.48.0/20' }], tags: {} }],
    groups: [],
  };

  it.each(['0.0.0.0/0', '0.0.0.0/1', '10.0.0.0/8', '203.0.113.0/24'])('%s in the feed: one high notify naming it, nothing else', (cidr) => {
    const actions = planFeed(makeFeedSet('cloudflare', ['173.245.48.0/20', '103.21.244.0/22', cidr]), observed, settings);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: 'notify', severity: 'high', attributes: { kind: 'feed', action: 'rejected', feed: 'cloudflare' } });
    expect(actions[0]!.type === 'notify' && actions[0]!.subject).toContain(`implausible range ${cidr}`);
  });

  it('a plausible feed still plans the change', () => {
    const actions = planFeed(makeFeedSet('cloudflare', ['173.245.48.0/20', '103.21.244.0/22']), observed, settings);
    expect(actions.map((a) => a.type)).toEqual(['modify-prefix-list', 'notify', 'record-feed']);
  });

  it('feeds.minPrefixLength is validated: 0 would admit a default route', () => {
    expect(() => FeedSettingsSchema.parse({ minPrefixLength: { ipv4: 0 } })).toThrow(/0 would admit a default route/);
    expect(FeedSettingsSchema.parse({}).minPrefixLength).toEqual({ ipv4: 8, ipv6: 16 });
  });
});

describe('sg-guardian ranges refuses an implausible feed (exit 2, naming the range)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-plaus-'));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const cli = (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
    return { code, out, err };
  };
  const v6 = file('v6.txt', '2400:cb00::/32\n2606:4700::/32');

  it.each([
    ['0.0.0.0/0', 'is a default route'],
    ['0.0.0.0/1', 'shorter than the /8 floor'],
    ['10.0.0.0/8', 'private (RFC 1918)'],
  ])('cloudflare list holding %s', (cidr, why) => {
    const r = cli('ranges', 'cloudflare', '--v4', file(`v4-${cidr.replace(/\W/g, '_')}.txt`, `173.245.48.0/20\n${cidr}`), '--v6', v6);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(cidr);
    expect(r.err).toContain(why);
  });

  it('ip-ranges.json holding ::/0 in the selected service', () => {
    const doc = {
      syncToken: '1720490589',
      createDate: '2024-07-09-02-03-09',
      prefixes: [{ ip_prefix: '13.32.0.0/15', region: 'GLOBAL', service: 'CLOUDFRONT_ORIGIN_FACING' }],
      ipv6_prefixes: [{ ipv6_prefix: '::/0', region: 'GLOBAL', service: 'CLOUDFRONT_ORIGIN_FACING' }],
    };
    const r = cli('ranges', 'aws', '--file', file('ip-ranges.json', JSON.stringify(doc)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/aws feed: .*::\/0 is a default route/);
  });

  it('the floor is an option; a bad value is a usage error', () => {
    const v4 = file('v4-ok.txt', '104.16.0.0/13');
    expect(cli('ranges', 'cloudflare', '--v4', v4, '--v6', v6).code).toBe(0);
    const strict = cli('ranges', 'cloudflare', '--v4', v4, '--v6', v6, '--min-prefix-length-ipv4', '16');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain('104.16.0.0/13 is shorter than the /16 floor');
    expect(cli('ranges', 'cloudflare', '--v4', v4, '--v6', v6, '--min-prefix-length-ipv4', '0').err).toContain('must be a whole number 1-32');
  });
});

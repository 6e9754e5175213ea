// The feeds section of the settings (lambda-src/policy/feed-settings.ts), alone and inside the document.
import { describe, expect, it } from 'vitest';
import { FeedSettingsSchema } from '../../lambda-src/policy/feed-settings.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

describe('FeedSettingsSchema', () => {
  it('an empty section takes every default (inner defaults included)', () => {
    expect(FeedSettingsSchema.parse(undefined)).toEqual({
      aws: { enabled: false, services: ['CLOUDFRONT_ORIGIN_FACING'], url: 'https://ip-ranges.amazonaws.com/ip-ranges.json', syncOnSchedule: true },
      cloudflare: { enabled: false, ipv4Url: 'https://www.cloudflare.com/ips-v4', ipv6Url: 'https://www.cloudflare.com/ips-v6' },
      targets: {
        prefixLists: { aws: {}, cloudflare: {} },
        securityGroups: {
          groupIds: { aws: [], cloudflare: [] },
          tagEnrolment: false,
          tagKey: 'sg-guardian:feed',
          shardIndexTagKey: 'sg-guardian:shard',
          ports: [443],
          rulesPerGroupQuota: 60,
        },
      },
      minPrefixLength: { ipv4: 8, ipv6: 16 },
      maxShrinkPercent: 30,
    });
  });

  it('an empty settings document has the feeds section with defaults', () => {
    expect(parseSettings('').feeds.targets.securityGroups.ports).toEqual([443]);
  });

  it('takes a full configuration', () => {
    const s = FeedSettingsSchema.parse({
      aws: { enabled: true, services: ['CLOUDFRONT'], regions: ['GLOBAL', 'us-east-1', 'us-gov-west-1'], networkBorderGroups: ['GLOBAL'] },
      cloudflare: { enabled: true, apiUrl: 'https://api.cloudflare.com/client/v4/ips' },
      targets: {
        prefixLists: { aws: { ipv4: 'pl-0123456789abcdef0' }, cloudflare: { ipv4: 'pl-01234567', ipv6: 'pl-89abcdef' } },
        securityGroups: { groupIds: { cloudflare: ['sg-0123456789abcdef0'] }, ports: [80, 443], rulesPerGroupQuota: 120 },
      },
      maxShrinkPercent: 50,
    });
    expect(s.targets.securityGroups).toMatchObject({ groupIds: { aws: [], cloudflare: ['sg-0123456789abcdef0'] }, ports: [80, 443], tagEnrolment: false, tagKey: 'sg-guardian:feed' });
    expect(s.aws.url).toBe('https://ip-ranges.amazonaws.com/ip-ranges.json');
  });

  it('refuses a ports tag key and a null tag key: ports are never a tag, enrolment is the tagEnrolment switch', () => {
    expect(() => FeedSettingsSchema.parse({ targets: { securityGroups: { portsTagKey: 'sg-guardian:ports' } } })).toThrow(/portsTagKey/);
    expect(() => FeedSettingsSchema.parse({ targets: { securityGroups: { tagKey: null } } })).toThrow();
  });

  it('accepts plain http only on loopback (tests and local mirrors serve the feeds there)', () => {
    const s = FeedSettingsSchema.parse({ aws: { url: 'http://127.0.0.1:8080/ip-ranges.json' }, cloudflare: { ipv4Url: 'http://localhost/v4', ipv6Url: 'http://[::1]:9/v6' } });
    expect([s.aws.url, s.cloudflare.ipv4Url, s.cloudflare.ipv6Url]).toEqual(['http://127.0.0.1:8080/ip-ranges.json', 'http://localhost/v4', 'http://[::1]:9/v6']);
  });

  it.each([
    ['a typo', { maxShrinkPercnt: 10 }, 'maxShrinkPercnt'],
    ['a bad prefix list ID', { targets: { prefixLists: { aws: { ipv4: 'sg-0123456789abcdef0' } } } }, 'targets.prefixLists.aws.ipv4'],
    ['a bad group ID', { targets: { securityGroups: { groupIds: { aws: ['pl-0123456789abcdef0'] } } } }, 'targets.securityGroups.groupIds.aws.0'],
    ['port 0', { targets: { securityGroups: { ports: [0] } } }, 'targets.securityGroups.ports.0'],
    ['port 65536', { targets: { securityGroups: { ports: [65536] } } }, 'targets.securityGroups.ports.0'],
    ['a repeated port', { targets: { securityGroups: { ports: [443, 443] } } }, 'targets.securityGroups.ports'],
    ['no ports', { targets: { securityGroups: { ports: [] } } }, 'targets.securityGroups.ports'],
    ['percent 101', { maxShrinkPercent: 101 }, 'maxShrinkPercent'],
    ['percent -1', { maxShrinkPercent: -1 }, 'maxShrinkPercent'],
    ['a lowercase service', { aws: { services: ['cloudfront'] } }, 'aws.services.0'],
    ['no services', { aws: { services: [] } }, 'aws.services'],
    ['an http URL', { cloudflare: { ipv4Url: 'http://www.cloudflare.com/ips-v4' } }, 'cloudflare.ipv4Url'],
    ['an http URL on a host that only looks local', { aws: { url: 'http://127.0.0.1.example.com/ip-ranges.json' } }, 'aws.url'],
    ['a feed name as prefix list key', { targets: { prefixLists: { fastly: {} } } }, 'targets.prefixLists'],
  ])('refuses %s at %s', (_what, input, path) => {
    const parsed = FeedSettingsSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect([...issue.path, ...((issue as { keys?: string[] }).keys ?? [])].join('.')).toContain(path);
  });
});

// Settings of the CDN allow-list feeds: which feed, which ranges, where they go, how much change
// is believable. Sections use .prefault({}) (not .default({})): zod v4 returns a .default() value
// as is, so inner defaults would be skipped; .prefault() parses it.
import * as z from 'zod';

const PrefixListId = z.string().regex(/^pl-[0-9a-f]{8,17}$/, 'must be a prefix list ID (pl- and 8 or 17 hex digits)');
const GroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group ID (sg- and 8 or 17 hex digits)');
const Port = z.number().int().min(1, 'must be a port 1-65535').max(65535, 'must be a port 1-65535');
// https only; plain http just for loopback, so tests (and local mirrors) can serve the feeds.
const HttpsUrl = z
  .string()
  .regex(/^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?)(\/\S*)?$/, 'must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1])');
const TagKey = z.string().min(1).max(128);

const PrefixListTargets = z
  .object({ ipv4: PrefixListId.optional(), ipv6: PrefixListId.optional() })
  .strict()
  .prefault({});

export const FeedSettingsSchema = z
  .object({
    aws: z
      .object({
        enabled: z.boolean().default(false),
        /** ip-ranges.json service names, exactly as the file spells them. */
        services: z
          .array(z.string().regex(/^[A-Z0-9_]+$/, 'must be an ip-ranges.json service name (e.g. CLOUDFRONT_ORIGIN_FACING)'))
          .min(1)
          .default(['CLOUDFRONT_ORIGIN_FACING']),
        regions: z.array(z.string().regex(/^(GLOBAL|[a-z]{2}(-[a-z]+)+-\d+)$/, 'must be a region name or GLOBAL')).min(1).optional(),
        networkBorderGroups: z.array(z.string().min(1)).min(1).optional(),
        /** Where to fetch ip-ranges.json; the notice's own url is informational (anyone who can invoke the Lambda could forge it). */
        url: HttpsUrl.default('https://ip-ranges.amazonaws.com/ip-ranges.json'),
        /** Also sync on the schedule: a safety net for a missed AmazonIpSpaceChanged notice (the hash makes it cheap). */
        syncOnSchedule: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    cloudflare: z
      .object({
        enabled: z.boolean().default(false),
        ipv4Url: HttpsUrl.default('https://www.cloudflare.com/ips-v4'),
        ipv6Url: HttpsUrl.default('https://www.cloudflare.com/ips-v6'),
        /** When set, fetch the API body (one request, with an etag) instead of the two text lists. */
        apiUrl: HttpsUrl.optional(),
      })
      .strict()
      .prefault({}),
    targets: z
      .object({
        prefixLists: z.object({ aws: PrefixListTargets, cloudflare: PrefixListTargets }).strict().prefault({}),
        securityGroups: z
          .object({
            /** The groups each feed keeps exact, by ID: Terraform's say-so, the only targets unless tagEnrolment is on. */
            groupIds: z
              .object({ aws: z.array(GroupId).default([]), cloudflare: z.array(GroupId).default([]) })
              .strict()
              .prefault({}),
            /**
             * Opt-in (off by default): also target groups tagged tagKey = feed. Whoever can tag can then
             * enrol a group; a tagged group the drift guard guards is skipped and reported all the same.
             */
            tagEnrolment: z.boolean().default(false),
            /** The enrolment tag's key (read only with tagEnrolment on). */
            tagKey: TagKey.default('sg-guardian:feed'),
            /** Orders shard groups (0, 1, 2, ...); groups without it follow, by group ID. Placement only: never which ranges or ports. */
            shardIndexTagKey: TagKey.default('sg-guardian:shard'),
            /** TCP ports opened to the feed's ranges, in every target group (no tag overrides them). */
            ports: z
              .array(Port)
              .min(1)
              .refine((ports) => new Set(ports).size === ports.length, 'must not repeat a port')
              .default([443]),
            /** Inbound rules per group; AWS counts IPv4 and IPv6 rules separately against it. */
            rulesPerGroupQuota: z.number().int().min(1).max(1000).default(60),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Refuse a feed holding a range shorter than this, per family (see feeds/plausibility.ts; non-public ranges are always refused). */
    minPrefixLength: z
      .object({
        ipv4: z.number().int().min(1, 'must be 1-32 (0 would admit a default route)').max(32, 'must be 1-32').default(8),
        ipv6: z.number().int().min(1, 'must be 1-128 (0 would admit a default route)').max(128, 'must be 1-128').default(16),
      })
      .strict()
      .prefault({}),
    /** Refuse a feed that shrinks a target by more than this (a truncated or wrong feed looks like that). */
    maxShrinkPercent: z.number().min(0).max(100).default(30),
  })
  .strict()
  .prefault({});

export type FeedSettings = z.infer<typeof FeedSettingsSchema>;

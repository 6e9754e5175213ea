// https://ip-ranges.amazonaws.com/ip-ranges.json: verified against the notice's md5 (of the exact
// bytes, before any decoding), validated, then reduced to the selected services/regions.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { DecodeError } from '../core/model.js';
import { fromZod } from '../events/zod-error.js';
import { requirePublishedCidr } from './cidr.js';
import { type FeedSet, type RangesSummary, makeFeedSet, summarise } from './feed-set.js';
import type { PrefixFloors } from './plausibility.js';

export const AWS_IP_RANGES_URL = 'https://ip-ranges.amazonaws.com/ip-ranges.json';
export const DEFAULT_AWS_SERVICES = ['CLOUDFRONT_ORIGIN_FACING'] as const;

/**
 * The service names ip-ranges.json publishes (2024-07). The Terraform variable
 * cloudfront_feed_services is validated against the same list (test/unit/defaults-shared.test.ts
 * keeps them equal); at run time the file itself is the authority (selectAwsRanges).
 */
export const KNOWN_AWS_SERVICES = [
  'AMAZON', 'AMAZON_APPFLOW', 'AMAZON_CONNECT', 'API_GATEWAY', 'CHIME_MEETINGS', 'CHIME_VOICECONNECTOR', 'CLOUD9', 'CLOUDFRONT',
  'CLOUDFRONT_ORIGIN_FACING', 'CODEBUILD', 'DYNAMODB', 'EBS', 'EC2', 'EC2_INSTANCE_CONNECT', 'GLOBALACCELERATOR', 'IVS_REALTIME',
  'KINESIS_VIDEO_STREAMS', 'MEDIA_PACKAGE_V2', 'ROUTE53', 'ROUTE53_HEALTHCHECKS', 'ROUTE53_HEALTHCHECKS_PUBLISHING', 'ROUTE53_RESOLVER', 'S3',
  'WORKSPACES_GATEWAYS',
] as const;

// network_border_group arrived in 2020; older files (and mirrors of them) lack it.
const Ipv4EntrySchema = z.object({
  ip_prefix: z.string(),
  region: z.string(),
  service: z.string(),
  network_border_group: z.string().optional(),
});
const Ipv6EntrySchema = z.object({
  ipv6_prefix: z.string(),
  region: z.string(),
  service: z.string(),
  network_border_group: z.string().optional(),
});

const IpRangesSchema = z.object({
  syncToken: z.string().regex(/^\d+$/, 'must be a decimal string'),
  createDate: z.string(),
  prefixes: z.array(Ipv4EntrySchema),
  ipv6_prefixes: z.array(Ipv6EntrySchema),
});

export interface AwsIpRangesDoc {
  syncToken: string;
  /** ISO 8601 UTC (the file says "2024-07-09-02-03-09"). */
  createDate: string;
  /** md5 of the bytes parsed, lowercase hex. */
  md5: string;
  /** `cidr` canonical, every entry checked as published (a bad one anywhere rejects the file). */
  prefixes: { cidr: string; region: string; service: string; networkBorderGroup?: string }[];
  ipv6Prefixes: { cidr: string; region: string; service: string; networkBorderGroup?: string }[];
}

export interface AwsSelection {
  services: readonly string[];
  regions?: readonly string[];
  networkBorderGroups?: readonly string[];
}

/**
 * Verifies (when `expectMd5` is given) and parses ip-ranges.json. Pass the bytes as fetched: the md5
 * is of the exact bytes, so a string is hashed as UTF-8 and any re-encoding upstream breaks it.
 * Errors are DecodeErrors naming the field ("md5", "prefixes[12].ip_prefix", ...).
 */
export function parseAwsIpRanges(bytes: Uint8Array | string, opts: { expectMd5?: string } = {}): AwsIpRangesDoc {
  const md5 = createHash('md5').update(bytes).digest('hex');
  if (opts.expectMd5 !== undefined && opts.expectMd5.trim().toLowerCase() !== md5) {
    throw new DecodeError(`mismatch: the notice says ${opts.expectMd5}, the bytes hash to ${md5}`, 'md5');
  }
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`is not valid JSON (${(err as Error).message})`, 'ip-ranges.json');
  }
  const parsed = IpRangesSchema.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, '');
  const doc = parsed.data;
  const createDate = normaliseAwsTime(doc.createDate);
  if (!createDate) throw new DecodeError(`${JSON.stringify(doc.createDate)} is not YYYY-MM-DD-hh-mm-ss or ISO 8601`, 'createDate');

  return {
    syncToken: doc.syncToken,
    createDate,
    md5,
    prefixes: doc.prefixes.map((p, i) => ({
      cidr: requirePublishedCidr(p.ip_prefix, `prefixes[${i}].ip_prefix`, 'ipv4').text,
      region: p.region,
      service: p.service,
      ...(p.network_border_group === undefined ? {} : { networkBorderGroup: p.network_border_group }),
    })),
    ipv6Prefixes: doc.ipv6_prefixes.map((p, i) => ({
      cidr: requirePublishedCidr(p.ipv6_prefix, `ipv6_prefixes[${i}].ipv6_prefix`, 'ipv6').text,
      region: p.region,
      service: p.service,
      ...(p.network_border_group === undefined ? {} : { networkBorderGroup: p.network_border_group }),
    })),
  };
}


/**
 * The ranges of the selected services (exact, case-sensitive names as in the file), optionally
 * narrowed to regions and network border groups. An entry without network_border_group (older
 * files) is matched on its region, which is what the border group defaulted to.
 */
export function selectAwsRanges(doc: AwsIpRangesDoc, selection: AwsSelection = { services: DEFAULT_AWS_SERVICES }): FeedSet {
  const services = new Set(selection.services);
  // A service the file does not name is a typo (CLOUDFRONT_ORIGIN_FACNG), not "no ranges": an empty
  // selection would pass silently (the CLI) or empty a target (the Lambda, where the feed is refused).
  const published = new Set([...doc.prefixes, ...doc.ipv6Prefixes].map((e) => e.service));
  const unknown = [...services].filter((s) => !published.has(s));
  if (unknown.length)
    throw new DecodeError(`${unknown.map((s) => JSON.stringify(s)).join(', ')} is not a service of this ip-ranges.json (it has ${[...published].sort().join(', ')})`, 'services');
  const regions = selection.regions?.length ? new Set(selection.regions) : undefined;
  const borderGroups = selection.networkBorderGroups?.length ? new Set(selection.networkBorderGroups) : undefined;
  const wanted = (e: { service: string; region: string; networkBorderGroup?: string }): boolean =>
    services.has(e.service) && (!regions || regions.has(e.region)) && (!borderGroups || borderGroups.has(e.networkBorderGroup ?? e.region));
  const cidrs = [...doc.prefixes, ...doc.ipv6Prefixes].filter(wanted).map((e) => e.cidr);
  return makeFeedSet('aws', cidrs, { syncToken: doc.syncToken, createTime: doc.createDate });
}

/** For `sg-guardian ranges aws`: parse, verify, select, print. */
export function rangesFromAwsFile(
  bytes: Uint8Array | string,
  opts: { expectMd5?: string; services?: readonly string[]; regions?: readonly string[]; networkBorderGroups?: readonly string[]; floors?: PrefixFloors } = {},
): RangesSummary {
  const doc = parseAwsIpRanges(bytes, opts.expectMd5 === undefined ? {} : { expectMd5: opts.expectMd5 });
  const selection: AwsSelection = { services: opts.services?.length ? opts.services : DEFAULT_AWS_SERVICES };
  if (opts.regions) selection.regions = opts.regions;
  if (opts.networkBorderGroups) selection.networkBorderGroups = opts.networkBorderGroups;
  return summarise(selectAwsRanges(doc, selection), opts.floors);
}

const AWS_DASHED = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * AWS writes times as "2024-07-09-02-03-09" (UTC) in both the notice and the file; its docs show
 * ISO 8601. Both become "2024-07-09T02:03:09Z"; anything else is undefined.
 */
export function normaliseAwsTime(text: string): string | undefined {
  const dashed = AWS_DASHED.exec(text);
  const iso = dashed ? `${dashed[1]}-${dashed[2]}-${dashed[3]}T${dashed[4]}:${dashed[5]}:${dashed[6]}Z` : ISO_8601.test(text) ? text : undefined;
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const utc = new Date(ms).toISOString();
  // Reject impossible dates that Date rolls over ("2024-02-30" -> March 1st).
  if (dashed && utc.slice(0, 19) !== iso.slice(0, 19)) return undefined;
  return utc.replace(/\.000Z$/, 'Z');
}

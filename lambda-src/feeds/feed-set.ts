// The selected ranges of one feed, canonical and hashed. The hash (with the syncToken) is recorded
// in the state table when applied; it names a version, it never stands in for comparing a target.
import { createHash } from 'node:crypto';
import { DecodeError } from '../core/model.js';
import { canonicalSet } from './cidr.js';
import { DEFAULT_PREFIX_FLOORS, type PrefixFloors, describeImplausible, implausibleRanges } from './plausibility.js';

export type FeedName = 'aws' | 'cloudflare';

export interface FeedSet {
  feed: FeedName;
  /** Canonical, unique, sorted (see ./cidr.ts). */
  ipv4: string[];
  ipv6: string[];
  /** AWS syncToken (seconds since the epoch, as a decimal string): orders feed versions. */
  syncToken?: string;
  /** When the feed says it was built, ISO 8601 UTC. */
  createTime?: string;
  /** Cloudflare API etag: identifies a version, does not order versions. */
  etag?: string;
  /** sha256 of the canonical list, 16 hex chars (fits an EC2 tag, collisions irrelevant here). */
  hash: string;
}

export interface FeedSetMeta {
  syncToken?: string;
  createTime?: string;
  etag?: string;
}

/** Builds a FeedSet from CIDRs of either family; invalid CIDRs are a DecodeError naming `path[i]`. */
export function makeFeedSet(feed: FeedName, cidrs: Iterable<string>, meta: FeedSetMeta = {}, path = 'cidrs'): FeedSet {
  const { ipv4, ipv6 } = canonicalSet(cidrs, path);
  const set: FeedSet = { feed, ipv4, ipv6, hash: hashCidrs(ipv4, ipv6) };
  if (meta.syncToken !== undefined) set.syncToken = meta.syncToken;
  if (meta.createTime !== undefined) set.createTime = meta.createTime;
  if (meta.etag !== undefined) set.etag = meta.etag;
  return set;
}

/** The hash of canonical sorted lists. The families cannot be confused (':' vs '.'), so one joined list is unambiguous. */
export function hashCidrs(ipv4: readonly string[], ipv6: readonly string[]): string {
  return shortHash([...ipv4, ...ipv6].join('\n'));
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** What the CLI prints for `sg-guardian ranges aws|cloudflare`. */
export interface RangesSummary {
  ipv4: string[];
  ipv6: string[];
  syncToken?: string;
}

/** The CLI's view of a set: refused (a DecodeError naming the range, exit 2) when the Lambda would refuse it. */
export function summarise(set: FeedSet, floors: PrefixFloors = DEFAULT_PREFIX_FLOORS): RangesSummary {
  const bad = implausibleRanges(set, floors);
  if (bad.length > 0) throw new DecodeError(`refused, the Lambda would apply nothing: ${describeImplausible(bad)}`, `${set.feed} feed`);
  return set.syncToken === undefined ? { ipv4: set.ipv4, ipv6: set.ipv6 } : { ipv4: set.ipv4, ipv6: set.ipv6, syncToken: set.syncToken };
}

/** Compares decimal sync tokens; undefined when either is absent or not decimal (nothing to order). */
export function compareSyncTokens(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

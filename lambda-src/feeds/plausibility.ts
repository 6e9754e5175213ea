// Feed plausibility: is a range believable as part of a CDN's published address space? One bad
// publish or a compromised mirror must not open a group, so a feed holding a default route, a range
// shorter than the floor, or any non-public range (private, loopback, link-local, CGNAT, multicast,
// documentation, unique-local, ...) is refused as a whole. Pure; shared by the Lambda's planner
// (plan/feeds.ts) and the CLI's `ranges` (feed-set.ts summarise).
import { type Cidr, type IpFamily, parseCidr } from './cidr.js';

/** The shortest prefix length accepted per family (a /8 is 16.7 M addresses; no CDN publishes one). */
export interface PrefixFloors {
  ipv4: number;
  ipv6: number;
}

export const DEFAULT_PREFIX_FLOORS: PrefixFloors = { ipv4: 8, ipv6: 16 };

export type Implausibility = 'default-route' | 'too-short' | 'non-public';

export type PlausibilityVerdict = { ok: true } | { ok: false; code: Implausibility; reason: string };

export interface ImplausibleRange {
  cidr: string;
  code: Implausibility;
  reason: string;
}

// Special-purpose blocks (RFC 6890 and successors) a CDN never publishes. A feed range that
// overlaps one (inside it, or containing it) is refused.
const SPECIAL: readonly [string, string][] = [
  ['0.0.0.0/8', '"this network" (RFC 791)'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback (RFC 1122)'],
  ['169.254.0.0/16', 'link-local (RFC 3927)'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation TEST-NET-1 (RFC 5737)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', 'documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', 'multicast (RFC 5771)'],
  ['240.0.0.0/4', 'reserved / broadcast (RFC 1112)'],
  ['::/128', 'unspecified (RFC 4291)'],
  ['::1/128', 'loopback (RFC 4291)'],
  ['::ffff:0:0/96', 'IPv4-mapped (RFC 4291)'],
  ['64:ff9b::/96', 'NAT64 (RFC 6052)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
  ['fc00::/7', 'unique-local (RFC 4193)'],
  ['fe80::/10', 'link-local (RFC 4291)'],
  ['ff00::/8', 'multicast (RFC 4291)'],
];

const SPECIAL_CIDRS = SPECIAL.map(([text, what]) => ({ cidr: parseCidr(text)!, what }));
const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

/** Do two ranges of the same family share an address? (One contains the other.) */
function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  const shift = BigInt(BITS[a.family] - shorter);
  return a.network >> shift === b.network >> shift;
}

/** The verdict on one range. Unparsable input is not this module's concern (cidr.ts refuses it first). */
export function checkRange(input: string | Cidr, floors: PrefixFloors = DEFAULT_PREFIX_FLOORS): PlausibilityVerdict {
  const cidr = typeof input === 'string' ? parseCidr(input) : input;
  if (!cidr) return { ok: false, code: 'non-public', reason: 'is not a CIDR' };
  if (cidr.prefixLength === 0) return { ok: false, code: 'default-route', reason: 'is a default route (every address)' };
  // Inside a special block first (224.0.0.0/4 is "multicast", not "too short"), then the floor, then
  // a range wide enough to contain a special block (192.0.0.0/16 holds 192.0.0.0/24).
  const inside = SPECIAL_CIDRS.find((s) => s.cidr.family === cidr.family && cidr.prefixLength >= s.cidr.prefixLength && overlaps(cidr, s.cidr));
  if (inside) return { ok: false, code: 'non-public', reason: `is inside ${inside.cidr.text}, ${inside.what}` };
  const floor = floors[cidr.family];
  if (cidr.prefixLength < floor) {
    return { ok: false, code: 'too-short', reason: `is shorter than the /${floor} floor for ${cidr.family === 'ipv4' ? 'IPv4' : 'IPv6'} (feeds.minPrefixLength.${cidr.family})` };
  }
  const holds = SPECIAL_CIDRS.find((s) => overlaps(cidr, s.cidr));
  if (holds) return { ok: false, code: 'non-public', reason: `contains ${holds.cidr.text}, ${holds.what}` };
  return { ok: true };
}

/** Every implausible range of a feed set, in the set's order. Empty: the set is plausible. */
export function implausibleRanges(set: { ipv4: readonly string[]; ipv6: readonly string[] }, floors: PrefixFloors = DEFAULT_PREFIX_FLOORS): ImplausibleRange[] {
  const out: ImplausibleRange[] = [];
  for (const cidr of [...set.ipv4, ...set.ipv6]) {
    const verdict = checkRange(cidr, floors);
    if (!verdict.ok) out.push({ cidr, code: verdict.code, reason: verdict.reason });
  }
  return out;
}

/** One line naming the first offenders, e.g. `0.0.0.0/0 is a default route (every address); and 1 more`. */
export function describeImplausible(bad: readonly ImplausibleRange[], max = 3): string {
  const shown = bad.slice(0, max).map((b) => `${b.cidr} ${b.reason}`);
  return `${shown.join('; ')}${bad.length > max ? `; and ${bad.length - max} more` : ''}`;
}

// CIDR parsing and canonical form. Feeds, prefix lists and security-group rules are compared as
// canonical strings, so every CIDR that enters the core goes through here once: host bits zeroed,
// IPv6 in RFC 5952 compressed lowercase (the form EC2 prints), IPv4 dotted decimal.
import { isIPv4, isIPv6 } from 'node:net';
import { excerpt } from '../core/excerpt.js';
import { DecodeError } from '../core/model.js';

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits zeroed) as an unsigned integer. */
  network: bigint;
  prefixLength: number;
  /** Canonical text, e.g. "10.0.0.0/8" or "2400:cb00::/32". */
  text: string;
  /** True when the input had host bits set ("10.0.0.1/8"): canonicalised, but worth a note. */
  hostBitsSet: boolean;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
// Decimal without leading zeros: "/08" is not a prefix length any AWS API prints.
const PREFIX_LENGTH = /^(0|[1-9]\d{0,2})$/;

/** Parses "addr/len" (either family); undefined when it is not a valid CIDR. A bare address is not a CIDR. */
export function parseCidr(input: string): Cidr | undefined {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const addr = text.slice(0, slash);
  const len = text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(len)) return undefined;
  const prefixLength = Number(len);

  let family: IpFamily;
  let value: bigint | undefined;
  if (isIPv4(addr)) {
    family = 'ipv4';
    value = ipv4ToBigInt(addr);
  } else if (isIPv6(addr) && !addr.includes('%')) {
    family = 'ipv6';
    value = ipv6ToBigInt(addr);
  } else {
    return undefined;
  }
  if (value === undefined || prefixLength > BITS[family]) return undefined;

  const network = value & netmask(family, prefixLength);
  return { family, network, prefixLength, text: formatCidr(family, network, prefixLength), hostBitsSet: network !== value };
}

/**
 * parseCidr(input)?.family === family, without computing the canonical form: ip-ranges.json's ~12k
 * entries are all checked, only the few hundred selected are canonicalised. The same rules as
 * parseCidr (test/unit/cidr.test.ts holds the two together).
 */
export function isCidr(input: string, family: IpFamily): boolean {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return false;
  const len = text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(len) || Number(len) > BITS[family]) return false;
  const addr = text.slice(0, slash);
  return family === 'ipv4' ? isIPv4(addr) : isIPv6(addr) && !addr.includes('%');
}

/** Like parseCidr, but a bad CIDR is a DecodeError at `path` (optionally of a required family). */
export function requireCidr(input: string, path: string, family?: IpFamily): Cidr {
  const cidr = parseCidr(input);
  if (!cidr) throw new DecodeError(`${excerpt(input)} is not a valid CIDR`, path);
  if (family && cidr.family !== family) {
    throw new DecodeError(`${excerpt(input)} is ${cidr.family === 'ipv4' ? 'IPv4' : 'IPv6'}, expected ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`, path);
  }
  return cidr;
}

/**
 * A feed entry: a CIDR of `family` that is a network as published. A set host bit is refused, not
 * zeroed (1.2.3.4/0 would otherwise become the whole internet), and so is IPv4-mapped IPv6
 * (::ffff:0:0/96), which would let IPv4 addresses in through the IPv6 list.
 */
export function requirePublishedCidr(input: string, path: string, family: IpFamily): Cidr {
  const cidr = requireCidr(input, path, family);
  if (cidr.hostBitsSet) {
    throw new DecodeError(`${excerpt(input)} has host bits set (its network is ${cidr.text}); a feed publishes networks, so the entry is refused rather than widened`, path);
  }
  if (cidr.family === 'ipv6' && cidr.prefixLength >= 96 && cidr.network >> 32n === 0xffffn) {
    throw new DecodeError(`${excerpt(input)} is IPv4-mapped IPv6 (::ffff:0:0/96), not an IPv6 range`, path);
  }
  return cidr;
}

/** The canonical text of a CIDR, or undefined when it is not one. */
export function canonicalCidr(input: string): string | undefined {
  return parseCidr(input)?.text;
}

/** The prefix length of a CIDR ("/20" -> 20), or undefined when it is not one. */
export function prefixLength(input: string): number | undefined {
  return parseCidr(input)?.prefixLength;
}

/** Deterministic order: IPv4 before IPv6, then by network address, then shorter prefix first. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}

/** Canonical, unique, sorted CIDRs split by family. Invalid input is a DecodeError naming `path[i]`. */
export function canonicalSet(cidrs: Iterable<string>, path = 'cidrs'): { ipv4: string[]; ipv6: string[] } {
  const unique = new Map<string, Cidr>();
  let i = 0;
  for (const raw of cidrs) {
    const cidr = requireCidr(raw, `${path}[${i++}]`);
    unique.set(cidr.text, cidr);
  }
  const sorted = [...unique.values()].sort(compareCidrs);
  return {
    ipv4: sorted.filter((c) => c.family === 'ipv4').map((c) => c.text),
    ipv6: sorted.filter((c) => c.family === 'ipv6').map((c) => c.text),
  };
}

/** Canonical, unique, sorted CIDRs (both families in one list, IPv4 first). */
export function sortCidrs(cidrs: Iterable<string>, path = 'cidrs'): string[] {
  const { ipv4, ipv6 } = canonicalSet(cidrs, path);
  return [...ipv4, ...ipv6];
}

function netmask(family: IpFamily, length: number): bigint {
  const bits = BITS[family];
  const all = (1n << BigInt(bits)) - 1n;
  return (all << BigInt(bits - length)) & all;
}

function ipv4ToBigInt(addr: string): bigint {
  return addr.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** Expands an IPv6 address (already checked by isIPv6) to 128 bits, including a dotted IPv4 tail. */
function ipv6ToBigInt(addr: string): bigint | undefined {
  let text = addr.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // "::ffff:1.2.3.4": rewrite the dotted tail as two hex groups, then parse as usual.
    if (!isIPv4(last)) return undefined;
    const v4 = ipv4ToBigInt(last);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 && missing < 1) return undefined;
  const groups = halves.length === 2 ? [...head, ...new Array<number>(missing).fill(0), ...rest] : head;
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function formatCidr(family: IpFamily, network: bigint, length: number): string {
  return `${family === 'ipv4' ? formatIpv4(network) : formatIpv6(network)}/${length}`;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::", first run on a tie. */
function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

// What a security-group rule may say, checked once at the edge so the planners never see a rule
// they would have to guess about: a protocol EC2 accepts, in one spelling; ports that mean what the
// protocol says; and a source that is one well-formed thing. Real CloudTrail spellings ("443" as a
// string, protocol 6 as a number, non-canonical CIDRs such as 0.0.0.0/16) are taken as EC2 took them.
import * as z from 'zod';
import { excerpt } from '../core/excerpt.js';
import { DecodeError } from '../core/model.js';
import { parseCidr } from '../feeds/cidr.js';

const NAMES = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);
const NUMBER = /^(-1|0|[1-9]\d{0,2})$/;

/** The protocol as the planners use it: a lowercase name, "-1", or a decimal number 0-255; else why not. */
export function canonicalProtocol(v: unknown): { protocol: string } | { why: string } {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -1 && v <= 255 ? { protocol: String(v) } : { why: `${excerpt(v)} is not a protocol number (-1 or 0-255)` };
  }
  if (typeof v !== 'string') return { why: `expected a protocol name or number, got ${excerpt(v)}` };
  if (NAMES.has(v.toLowerCase())) return { protocol: v.toLowerCase() };
  if (NUMBER.test(v) && Number(v) <= 255) return { protocol: v };
  const hint = v.trim() !== v ? ' (surrounding whitespace)' : /^0\d/.test(v) ? ' (leading zero)' : '';
  return { why: `${excerpt(v, 20)} is not a protocol EC2 accepts${hint}: expected tcp, udp, icmp, icmpv6, -1 or a number 0-255 as written` };
}

export const Protocol = z.unknown().transform((v, ctx) => {
  const r = canonicalProtocol(v);
  if ('why' in r) {
    ctx.issues.push({ code: 'custom', message: r.why, input: v });
    return z.NEVER;
  }
  return r.protocol;
});

/** Ports are integers, or their decimal strings after some log pipelines ("443"); no other spelling. */
export const Port = z.preprocess(
  (v) => (typeof v === 'string' && /^-?(0|[1-9]\d{0,5})$/.test(v) ? Number(v) : v),
  z.number({ error: (i) => `expected a port number (or its decimal string), got ${excerpt(i.input)}` }).int().min(-1).max(65535).nullish(),
);

type Family = 'tcp-udp' | 'icmp' | 'other';

function familyOf(protocol: string): Family {
  if (protocol === 'tcp' || protocol === 'udp' || protocol === '6' || protocol === '17') return 'tcp-udp';
  if (protocol === 'icmp' || protocol === 'icmpv6' || protocol === '1' || protocol === '58') return 'icmp';
  return 'other';
}

/** Protocols whose rules carry ports (ICMP: type and code); EC2 ignores ports on every other protocol. */
export function protocolHasPorts(protocol: string): boolean {
  return familyOf(protocol.toLowerCase()) !== 'other';
}

/**
 * The ports a permission or rule item means, or a refusal at `path`: TCP/UDP need both, 0-65535,
 * from <= to; ICMP takes both (type, code; -1 = all) or neither (all); other protocols carry none,
 * unless `keepOther` (rule items echo EC2's -1/-1).
 */
export function checkedPorts(protocol: string, from: number | null | undefined, to: number | null | undefined, path: string, keepOther = false): { fromPort?: number; toPort?: number } {
  const f = from ?? undefined;
  const t = to ?? undefined;
  switch (familyOf(protocol)) {
    case 'tcp-udp':
      if (f === undefined || t === undefined) throw new DecodeError(`protocol ${protocol} needs both fromPort and toPort; a rule without them would be read as all ports`, `${path}.${f === undefined ? 'fromPort' : 'toPort'}`);
      if (f < 0 || t < 0) throw new DecodeError(`protocol ${protocol} ports are 0-65535, got ${f < 0 ? f : t}`, `${path}.${f < 0 ? 'fromPort' : 'toPort'}`);
      if (f > t) throw new DecodeError(`fromPort ${f} is above toPort ${t}`, `${path}.fromPort`);
      return { fromPort: f, toPort: t };
    case 'icmp':
      if ((f === undefined) !== (t === undefined)) throw new DecodeError(`protocol ${protocol} takes an ICMP type and code together, or neither`, `${path}.${f === undefined ? 'fromPort' : 'toPort'}`);
      if ((f ?? -1) > 255 || (t ?? -1) > 255) throw new DecodeError(`an ICMP type and code are -1 to 255, got ${f}/${t}`, `${path}.fromPort`);
      return f === undefined ? {} : { fromPort: f, toPort: t! };
    case 'other':
      return keepOther ? { ...(f !== undefined ? { fromPort: f } : {}), ...(t !== undefined ? { toPort: t } : {}) } : {};
  }
}

const PREFIX_LIST_ID = /^pl-[0-9a-z]{1,32}$/i;
const GROUP_ID = /^sg-[0-9a-z]{1,32}$/i;
export const RULE_ID = /^sgr-[0-9a-z]{1,32}$/i;

/** A source as EC2 stores it: a parseable CIDR of the right family (spelling kept), a pl- or sg- ID. */
export function checkSource(kind: 'ipv4' | 'ipv6' | 'prefix-list' | 'group', value: string, path: string): string {
  const ok =
    kind === 'ipv4' || kind === 'ipv6'
      ? value.trim() === value && parseCidr(value)?.family === kind
      : (kind === 'prefix-list' ? PREFIX_LIST_ID : GROUP_ID).test(value);
  if (!ok) {
    const what = { ipv4: 'an IPv4 CIDR', ipv6: 'an IPv6 CIDR', 'prefix-list': 'a prefix list ID (pl-…)', group: 'a security group ID (sg-…)' }[kind];
    throw new DecodeError(`${excerpt(value, 50)} is not ${what}`, path);
  }
  return value;
}

// Settings of the world-open remediation (the `worldOpen` section), and the grammar of their
// values (port specs as the managed Config rule takes them, CIDRs), which the policy reuses.
import * as z from 'zod';

/** The module's default `name` (variables.tf); the CLI without --config assumes a default deployment. */
export const DEFAULT_DEPLOYMENT_NAME = 'sg-guardian';
/** The module names the Config rule "<name>-sg-open-only-to-authorized-ports" (main.tf); test/unit/defaults-shared.test.ts keeps both in step. */
export const WORLD_OPEN_CONFIG_RULE_SUFFIX = '-sg-open-only-to-authorized-ports';
export const DEFAULT_WORLD_OPEN_CONFIG_RULE = `${DEFAULT_DEPLOYMENT_NAME}${WORLD_OPEN_CONFIG_RULE_SUFFIX}`;

export interface PortRange {
  from: number;
  to: number;
}

/** "443" or "1020-1025" (one element of the managed rule's authorizedTcpPorts list); undefined when invalid. */
export function parsePortSpec(spec: string): PortRange | undefined {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(spec);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || from > to) return undefined;
  return { from, to };
}

export interface Cidr {
  family: 'ipv4' | 'ipv6';
  /** The address as an unsigned integer (32 or 128 bits). */
  address: bigint;
  prefix: number;
}

/** Parses "a.b.c.d/n" or an IPv6 "x::y/n" (the "/n" is required); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (addr.includes(':')) {
    const address = parseIpv6(addr);
    return address === undefined || prefix > 128 ? undefined : { family: 'ipv6', address, prefix };
  }
  const address = parseIpv4(addr);
  return address === undefined || prefix > 32 ? undefined : { family: 'ipv4', address, prefix };
}

/** True when no bit after the prefix is set (10.0.0.0/8, not 10.1.2.3/8). */
export function isNetworkAddress(cidr: Cidr): boolean {
  const bits = cidr.family === 'ipv4' ? 32 : 128;
  const hostMask = (1n << BigInt(bits - cidr.prefix)) - 1n;
  return (cidr.address & hostMask) === 0n;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  // An embedded dotted quad (::ffff:1.2.3.4) stands for the last two groups: rewrite it as hex.
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function cidrSchema(family: Cidr['family']) {
  const label = family === 'ipv4' ? 'an IPv4 CIDR (e.g. 10.0.0.0/8)' : 'an IPv6 CIDR (e.g. 2001:db8::/32)';
  return z.string().trim().superRefine((text, ctx) => {
    const cidr = parseCidr(text);
    if (!cidr || cidr.family !== family) {
      ctx.addIssue({ code: 'custom', message: `must be ${label}` });
      return;
    }
    if (!isNetworkAddress(cidr)) {
      const hint = family === 'ipv4' ? ` (did you mean ${formatIpv4(cidr.address & ~((1n << BigInt(32 - cidr.prefix)) - 1n))}/${cidr.prefix}?)` : '';
      ctx.addIssue({ code: 'custom', message: `has host bits set after the /${cidr.prefix} prefix${hint}` });
    }
  });
}

const PortSpecSchema = z
  .string()
  .trim()
  .refine((s) => parsePortSpec(s) !== undefined, 'must be one port or one range "from-to" within 0-65535 (e.g. "443" or "1020-1025"), one per list element');

const GroupIdSchema = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group ID (sg-...)');

export const WorldOpenSettingsSchema = z
  .object({
    /** Remediate world-open ingress at all (Config events and the sweep). */
    enabled: z.boolean().default(true),
    /** On the schedule, also sweep every group in scope (catches a missed Config notification). */
    sweep: z.boolean().default(true),
    /** The Config rule whose findings are acted on; events naming another rule are ignored. */
    configRuleName: z.string().min(1).max(128).default(DEFAULT_WORLD_OPEN_CONFIG_RULE),
    /** Ports that may stay open to the world, as the managed rule vpc-sg-open-only-to-authorized-ports takes them. */
    authorizedTcpPorts: z.array(PortSpecSchema).default(['443']),
    authorizedUdpPorts: z.array(PortSpecSchema).default([]),
    /** What a world-open IPv4 / IPv6 source is replaced with (same protocol and ports); none: revoke only. */
    replacementCidrsIpv4: z.array(cidrSchema('ipv4')).default([]),
    replacementCidrsIpv6: z.array(cidrSchema('ipv6')).default([]),
    /** A source with a prefix shorter than this also counts as world-open (e.g. 8: 0.0.0.0/1 ... /7). Default: only /0. */
    worldOpenMinPrefixLengthIpv4: z.number().int().min(0).max(32).optional(),
    worldOpenMinPrefixLengthIpv6: z.number().int().min(0).max(128).optional(),
    /** Only groups carrying this tag are remediated. */
    scopeTag: z.object({ key: z.string().min(1).max(128), value: z.string().max(256) }).strict().optional(),
    /** Groups that may stay world-open (e.g. a public load balancer's). */
    excludedGroupIds: z.array(GroupIdSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    // A replacement that is itself world-open would be flagged again on the next evaluation.
    const check = (list: string[], key: 'replacementCidrsIpv4' | 'replacementCidrsIpv6', threshold: number | undefined) =>
      list.forEach((text, i) => {
        const cidr = parseCidr(text);
        if (cidr && (cidr.prefix === 0 || (threshold !== undefined && cidr.prefix < threshold)))
          ctx.addIssue({ code: 'custom', path: [key, i], message: `is itself world-open (prefix /${cidr.prefix}); a replacement must be narrower` });
      });
    check(s.replacementCidrsIpv4, 'replacementCidrsIpv4', s.worldOpenMinPrefixLengthIpv4);
    check(s.replacementCidrsIpv6, 'replacementCidrsIpv6', s.worldOpenMinPrefixLengthIpv6);
  })
  // prefault, not default: zod 4's .default({}) returns {} as is, skipping the inner defaults.
  .prefault({});

export type WorldOpenSettings = z.infer<typeof WorldOpenSettingsSchema>;

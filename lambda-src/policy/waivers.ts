// Waivers ("waivers" in the settings): time-boxed exceptions to the drift guard, one exact rule on
// one group, with a reason and an owner. They come only from Terraform (the module's drift_waivers
// input, written into SG_GUARDIAN_CONFIG): never from tags, descriptions or events, which anyone
// who can change a group can write. Pure: matching and expiry take the clock as an argument.
import * as z from 'zod';
import { type RuleContent, canonicalProtocol, ruleKey } from '../core/rule-key.js';
import { canonicalCidr } from '../feeds/cidr.js';
import { SECURITY_GROUP_ID } from './drift-settings.js';

const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;
const PORT_PROTOCOLS = ['tcp', 'udp'];

export const WaiverSchema = z
  .object({
    groupId: z.string().regex(SECURITY_GROUP_ID, 'must be a security group ID like sg-0123456789abcdef0'),
    direction: z.enum(['ingress', 'egress']).default('ingress'),
    /** tcp, udp, icmp, icmpv6, -1 (all traffic) or a protocol number. */
    protocol: z.string().refine((p) => ['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(canonicalProtocol(p)) || /^\d{1,3}$/.test(p) && Number(p) <= 255, 'must be tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255'),
    fromPort: z.number().int().min(-1).max(65535).optional(),
    toPort: z.number().int().min(-1).max(65535).optional(),
    /** An IPv4 or IPv6 CIDR, a prefix list ID (pl-...) or a security group ID (sg-...). */
    source: z.string().refine((s) => canonicalCidr(s) !== undefined || PREFIX_LIST_ID.test(s) || SECURITY_GROUP_ID.test(s), 'must be a CIDR, a prefix list ID (pl-...) or a security group ID (sg-...)'),
    /** RFC 3339, with a time zone (e.g. 2026-12-31T18:00:00Z). */
    expires: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time with a zone, e.g. 2026-12-31T18:00:00Z' }),
    reason: z.string().trim().min(1, 'must say why the exception exists'),
    owner: z.string().trim().min(1, 'must name who answers for the exception'),
  })
  .strict()
  .superRefine((w, ctx) => {
    const p = canonicalProtocol(w.protocol);
    if (PORT_PROTOCOLS.includes(p)) {
      if (w.fromPort === undefined || w.toPort === undefined || w.fromPort < 0 || w.fromPort > w.toPort)
        ctx.addIssue({ code: 'custom', path: ['fromPort'], message: `${p} needs fromPort <= toPort, both 0-65535` });
    } else if (p === '-1' && (w.fromPort !== undefined || w.toPort !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['fromPort'], message: 'protocol -1 (all traffic) takes no ports' });
    }
  });

export const WaiversSchema = z.array(WaiverSchema).max(500, 'at most 500 waivers').default([]);

export type Waiver = z.infer<typeof WaiverSchema>;

/** The rule a waiver names, as rule content (so it compares by ruleKey, like every other rule). */
export function waiverRule(w: Waiver): RuleContent {
  const source = canonicalCidr(w.source)
    ? w.source.includes(':')
      ? { cidrIpv6: w.source }
      : { cidrIpv4: w.source }
    : w.source.startsWith('pl-')
      ? { prefixListId: w.source }
      : { referencedGroupId: w.source };
  return {
    direction: w.direction,
    protocol: w.protocol,
    ...(w.fromPort !== undefined ? { fromPort: w.fromPort } : {}),
    ...(w.toPort !== undefined ? { toPort: w.toPort } : {}),
    ...source,
  };
}

export function isExpired(w: Waiver, now: Date): boolean {
  return Date.parse(w.expires) <= now.getTime();
}

/** The waivers of a group that name exactly this rule (protocol, ports, source; never a wider or other rule). */
function matching(groupId: string, rule: RuleContent, waivers: readonly Waiver[]): Waiver[] {
  const key = ruleKey(rule);
  return waivers.filter((w) => w.groupId === groupId && ruleKey(waiverRule(w)) === key);
}

/** A rule some waiver names (expired or not): never taken into a baseline by enrolment, or it would outlive its expiry. */
export function namedByWaiver(groupId: string, rule: RuleContent, waivers: readonly Waiver[]): boolean {
  return matching(groupId, rule, waivers).length > 0;
}

/** The unexpired waiver that covers this rule on this group (the one expiring last), if any. */
export function activeWaiver(groupId: string, rule: RuleContent, waivers: readonly Waiver[], now: Date): Waiver | undefined {
  return matching(groupId, rule, waivers)
    .filter((w) => !isExpired(w, now))
    .sort((a, b) => Date.parse(b.expires) - Date.parse(a.expires))[0];
}

/** An expired waiver for this rule when no unexpired one covers it: the difference is known, no grace. */
export function expiredWaiver(groupId: string, rule: RuleContent, waivers: readonly Waiver[], now: Date): Waiver | undefined {
  if (activeWaiver(groupId, rule, waivers, now)) return undefined;
  return matching(groupId, rule, waivers).sort((a, b) => Date.parse(b.expires) - Date.parse(a.expires))[0];
}

/** "waived until <expires>, reason <reason>, owner <owner>". */
export function describeWaiver(w: Waiver): string {
  return `waived until ${w.expires}, reason ${w.reason}, owner ${w.owner}`;
}

/** "sg-... ingress tcp 8443 198.51.100.7/32 (expires ...)": names a waiver in notices and the status report. */
export function waiverName(w: Waiver): string {
  const ports = w.fromPort === undefined ? '' : w.fromPort === w.toPort ? ` ${w.fromPort}` : ` ${w.fromPort}-${w.toPort}`;
  return `${w.groupId} ${w.direction} ${w.protocol}${ports} ${w.source} (owner ${w.owner}, expires ${w.expires})`;
}

// The one identity of a security-group rule: direction, protocol, ports and source — never its ID
// or description. Baselines, observed rules and event content are compared by this key, so a rule
// re-created with a new ID is the same rule, and an event's claim is checked against what exists.
import type { Direction, IpPermission, SecurityGroupRule } from './model.js';
import { canonicalCidr } from '../feeds/cidr.js';

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** Names for the protocols EC2 names; every other protocol as its number. */
export function canonicalProtocol(protocol: string): string {
  const p = protocol.trim().toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

function hasPorts(protocol: string): boolean {
  return ['tcp', 'udp', 'icmp', 'icmpv6'].includes(protocol);
}

/** The rule's source as "kind:value" (CIDRs canonical, so 2001:DB8::/32 and 2001:db8::/32 agree). */
export function sourceOf(r: Pick<SecurityGroupRule, 'cidrIpv4' | 'cidrIpv6' | 'prefixListId' | 'referencedGroupId'>): string {
  if (r.cidrIpv4) return `v4:${canonicalCidr(r.cidrIpv4) ?? r.cidrIpv4}`;
  if (r.cidrIpv6) return `v6:${canonicalCidr(r.cidrIpv6) ?? r.cidrIpv6.toLowerCase()}`;
  if (r.prefixListId) return `pl:${r.prefixListId}`;
  if (r.referencedGroupId) return `sg:${r.referencedGroupId}`;
  return 'none';
}

export type RuleContent = Omit<SecurityGroupRule, 'ruleId' | 'groupId'>;

export function ruleKey(r: RuleContent): string {
  const protocol = canonicalProtocol(r.protocol);
  // "All ports" is spelled -1/-1, 0-65535 or nothing depending on the source: one spelling here.
  const ports = !hasPorts(protocol) ? '' : `${r.fromPort ?? -1}-${r.toPort ?? -1}`;
  return `${r.direction}|${protocol}|${ports}|${sourceOf(r)}`;
}

/** One rule per source of an API permission (what an Authorize/Revoke request names). */
export function rulesOfPermission(p: IpPermission, direction: Direction): RuleContent[] {
  const protocol = canonicalProtocol(p.IpProtocol);
  const base: RuleContent = {
    direction,
    protocol,
    ...(hasPorts(protocol) && p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ...(hasPorts(protocol) && p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
  };
  const d = (description: string | undefined) => (description !== undefined ? { description } : {});
  return [
    ...(p.IpRanges ?? []).map((r) => ({ ...base, cidrIpv4: r.CidrIp, ...d(r.Description) })),
    ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, cidrIpv6: r.CidrIpv6, ...d(r.Description) })),
    ...(p.PrefixListIds ?? []).map((r) => ({ ...base, prefixListId: r.PrefixListId, ...d(r.Description) })),
    ...(p.UserIdGroupPairs ?? []).filter((g) => g.GroupId).map((g) => ({ ...base, referencedGroupId: g.GroupId!, ...d(g.Description) })),
  ];
}

/** The IpPermission that re-creates a rule (ports only where the protocol has them). */
export function permissionOf(r: RuleContent): IpPermission {
  const protocol = canonicalProtocol(r.protocol);
  const d = r.description !== undefined ? { Description: r.description } : {};
  return {
    IpProtocol: r.protocol,
    ...(hasPorts(protocol) && r.fromPort !== undefined ? { FromPort: r.fromPort } : {}),
    ...(hasPorts(protocol) && r.toPort !== undefined ? { ToPort: r.toPort } : {}),
    ...(r.cidrIpv4 ? { IpRanges: [{ CidrIp: r.cidrIpv4, ...d }] } : {}),
    ...(r.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: r.cidrIpv6, ...d }] } : {}),
    ...(r.prefixListId ? { PrefixListIds: [{ PrefixListId: r.prefixListId, ...d }] } : {}),
    ...(r.referencedGroupId ? { UserIdGroupPairs: [{ GroupId: r.referencedGroupId, ...d }] } : {}),
  };
}

/** A rule without its identity fields (what a baseline stores beside the last known rule ID). */
export function contentOf(r: SecurityGroupRule): RuleContent {
  const { ruleId: _id, groupId: _group, ...content } = r;
  return content;
}

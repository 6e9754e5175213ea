// The world-open policy, shared by the Config-triggered remediation and the scheduled sweep:
// an ingress rule open to the world is allowed only on the authorized ports of its protocol.
import type { ObservedGroup, SecurityGroupRule } from '../core/model.js';
import { type PortRange, type WorldOpenSettings, parsePortSpec } from './world-open-settings.js';

export type AddressFamily = 'ipv4' | 'ipv6';

export interface Violation {
  rule: SecurityGroupRule;
  family: AddressFamily;
  /** The world-open source as the rule states it (0.0.0.0/0, ::/0, or a prefix under the threshold). */
  source: string;
  /** Why the ports are not allowed, for logs and notifications. */
  reason: string;
}

/** Violating ingress rules of a group (egress, prefix-list and group sources never violate). */
export function findViolations(group: ObservedGroup, settings: WorldOpenSettings): Violation[] {
  const violations: Violation[] = [];
  for (const rule of group.rules) {
    if (rule.direction !== 'ingress') continue;
    const open = worldOpenSource(rule, settings);
    if (!open) continue;
    const reason = unauthorizedPortsReason(rule, settings);
    if (reason) violations.push({ rule, ...open, reason });
  }
  return violations;
}

/** The rule's source when it counts as the whole internet. */
export function worldOpenSource(rule: SecurityGroupRule, settings: WorldOpenSettings): { family: AddressFamily; source: string } | undefined {
  if (rule.cidrIpv4 !== undefined && isWorldOpenPrefix(rule.cidrIpv4, 32, settings.worldOpenMinPrefixLengthIpv4))
    return { family: 'ipv4', source: rule.cidrIpv4 };
  if (rule.cidrIpv6 !== undefined && isWorldOpenPrefix(rule.cidrIpv6, 128, settings.worldOpenMinPrefixLengthIpv6))
    return { family: 'ipv6', source: rule.cidrIpv6 };
  return undefined;
}

// Only the prefix length matters: x.x.x.x/0 is everything whatever the address part says.
function isWorldOpenPrefix(cidr: string, hostPrefix: number, minPrefix: number | undefined): boolean {
  const slash = cidr.indexOf('/');
  const prefix = slash < 0 ? hostPrefix : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(prefix)) return false;
  return prefix === 0 || (minPrefix !== undefined && prefix < minPrefix);
}

/** undefined when the rule's ports lie inside the authorized set of its protocol, else why not. */
export function unauthorizedPortsReason(rule: SecurityGroupRule, settings: WorldOpenSettings): string | undefined {
  const protocol = portProtocol(rule.protocol);
  const shown = describeRulePorts(rule);
  if (!protocol) return `${shown} covers all ports, which no finite authorized set contains`;
  const specs = protocol === 'tcp' ? settings.authorizedTcpPorts : settings.authorizedUdpPorts;
  const range = rulePortRange(rule);
  const authorized = mergeRanges(specs.map(parsePortSpec).filter((r): r is PortRange => r !== undefined));
  if (authorized.some((r) => r.from <= range.from && range.to <= r.to)) return undefined;
  const list = specs.length ? specs.join(', ') : 'none';
  return `${shown} is not inside the authorized ${protocol.toUpperCase()} ports (${list})`;
}

/** 'tcp' / 'udp' for protocols with ports (names or numbers); undefined for -1, icmp and the rest. */
export function portProtocol(protocol: string): 'tcp' | 'udp' | undefined {
  const p = protocol.toLowerCase();
  if (p === 'tcp' || p === '6') return 'tcp';
  if (p === 'udp' || p === '17') return 'udp';
  return undefined;
}

// A tcp/udp rule without ports (never from Describe, but cheap to be safe about) is all ports.
function rulePortRange(rule: Pick<SecurityGroupRule, 'fromPort' | 'toPort'>): PortRange {
  const from = rule.fromPort === undefined || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === undefined || rule.toPort < 0 ? 65535 : rule.toPort;
  return { from, to };
}

/** Sorted, with overlapping and adjacent ranges joined: "80" + "81-90" covers 80-90. */
function mergeRanges(ranges: PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: PortRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged;
}

/** "tcp 22", "tcp 1020-1025", "all traffic", "icmp", "protocol 47". */
export function describeRulePorts(rule: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  const p = rule.protocol.toLowerCase();
  if (p === '-1') return 'all traffic';
  const name = portProtocol(p) ?? (p === '1' ? 'icmp' : p === '58' ? 'icmpv6' : /^\d+$/.test(p) ? `protocol ${p}` : p);
  if (!portProtocol(p)) return name; // icmp type/code are not ports
  const { from, to } = rulePortRange(rule);
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

/** Why a group is out of the remediation's scope, or undefined when in scope. */
export function outOfScopeReason(group: Pick<ObservedGroup, 'groupId' | 'tags'>, settings: WorldOpenSettings): string | undefined {
  if (settings.excludedGroupIds.includes(group.groupId)) return `${group.groupId} is in worldOpen.excludedGroupIds`;
  const tag = settings.scopeTag;
  if (tag && group.tags[tag.key] !== tag.value) return `${group.groupId} lacks the scope tag ${tag.key}=${tag.value}`;
  return undefined;
}

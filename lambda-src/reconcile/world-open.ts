// World-open remediation on a drift-guarded group (pure). A world-open rule outside the group's
// approved baseline is drift: revoked, never replaced (a replacement would be a new rule nobody
// approved), and the drift notification of its CloudTrail event still names the actor. A
// world-open rule inside the baseline is replaced per policy, and the baseline follows.
import { type RuleContent, ruleKey } from '../core/rule-key.js';
import type { BaselineRule } from '../core/state.js';
import type { Violation } from '../policy/world-open.js';
import type { WorldOpenSettings } from '../policy/world-open-settings.js';

export function splitByBaseline(violations: Violation[], baseline: readonly BaselineRule[] | undefined): { approved: Violation[]; outside: Violation[] } {
  if (!baseline) return { approved: violations, outside: [] };
  const keys = new Set(baseline.map(ruleKey));
  return { approved: violations.filter((v) => keys.has(ruleKey(v.rule))), outside: violations.filter((v) => !keys.has(ruleKey(v.rule))) };
}

/** The baseline once the approved world-open rules are replaced: same traffic, from the replacement CIDRs. */
export function baselineAfterReplacement(baseline: readonly BaselineRule[], replaced: Violation[], settings: WorldOpenSettings): BaselineRule[] {
  const gone = new Set(replaced.map((v) => ruleKey(v.rule)));
  const next: BaselineRule[] = baseline.filter((b) => !gone.has(ruleKey(b)));
  const have = new Set(next.map(ruleKey));
  for (const v of replaced) {
    const cidrs = v.family === 'ipv4' ? settings.replacementCidrsIpv4 : settings.replacementCidrsIpv6;
    for (const cidr of cidrs) {
      const { ruleId: _id, groupId: _g, cidrIpv4: _4, cidrIpv6: _6, ...traffic } = v.rule;
      const rule: RuleContent = { ...traffic, ...(v.family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }) };
      if (!have.has(ruleKey(rule))) {
        next.push(rule);
        have.add(ruleKey(rule));
      }
    }
  }
  return next;
}

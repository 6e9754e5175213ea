// --group-file: a saved `aws ec2 describe-security-group-rules` (rules with IDs) or
// `describe-security-groups` output, turned into the planners' ObservedGroup. Pure.
import * as z from 'zod';
import type { ObservedGroup, SecurityGroupRule } from '../core/model.js';
import type { BaselineRule } from '../core/state.js';
import { fromZod } from '../events/zod-error.js';
import { type ApiSecurityGroupRule, ruleFromApi } from '../core/api-rule.js';

const RuleSchema = z.object({
  SecurityGroupRuleId: z.string(),
  GroupId: z.string(),
  IsEgress: z.boolean().default(false),
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  CidrIpv4: z.string().optional(),
  CidrIpv6: z.string().optional(),
  PrefixListId: z.string().optional(),
  ReferencedGroupInfo: z.object({ GroupId: z.string().optional() }).optional(),
  Description: z.string().optional(),
});
const Range = z.object({ Description: z.string().optional() });
const PermissionSchema = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  IpRanges: z.array(Range.extend({ CidrIp: z.string() })).default([]),
  Ipv6Ranges: z.array(Range.extend({ CidrIpv6: z.string() })).default([]),
  PrefixListIds: z.array(Range.extend({ PrefixListId: z.string() })).default([]),
  UserIdGroupPairs: z.array(Range.extend({ GroupId: z.string().optional() })).default([]),
});
const GroupSchema = z.object({
  GroupId: z.string(),
  GroupName: z.string().optional(),
  VpcId: z.string().optional(),
  OwnerId: z.string().optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).default([]),
  IpPermissions: z.array(PermissionSchema).default([]),
  IpPermissionsEgress: z.array(PermissionSchema).default([]),
});
const FileSchema = z.union([
  z.object({ SecurityGroupRules: z.array(RuleSchema) }),
  z.object({ SecurityGroups: z.array(GroupSchema).min(1) }),
]);

export function groupFromFile(raw: unknown, groupId: string, file: string): ObservedGroup | undefined {
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, `${file}:`);
  if ('SecurityGroupRules' in parsed.data) {
    const rules = parsed.data.SecurityGroupRules.filter((r) => r.GroupId === groupId).flatMap((r) => ruleFromApi(r) ?? []);
    return rules.length ? { groupId, tags: {}, rules } : undefined;
  }
  const g = parsed.data.SecurityGroups.find((x) => x.GroupId === groupId);
  if (!g) return undefined;
  // describe-security-groups has no rule IDs: number them so the plan can name each source.
  let n = 0;
  const rules: SecurityGroupRule[] = [];
  for (const [IsEgress, perms] of [[false, g.IpPermissions], [true, g.IpPermissionsEgress]] as const) {
    for (const p of perms) {
      const sources: ApiSecurityGroupRule[] = [
        ...p.IpRanges.map((r) => ({ CidrIpv4: r.CidrIp, Description: r.Description })),
        ...p.Ipv6Ranges.map((r) => ({ CidrIpv6: r.CidrIpv6, Description: r.Description })),
        ...p.PrefixListIds.map((r) => ({ PrefixListId: r.PrefixListId, Description: r.Description })),
        ...p.UserIdGroupPairs.map((r) => ({ ReferencedGroupInfo: { GroupId: r.GroupId }, Description: r.Description })),
      ];
      for (const source of sources) {
        const rule = ruleFromApi({
          ...source,
          SecurityGroupRuleId: `(rule ${++n}; run describe-security-group-rules for its sgr- ID)`,
          GroupId: groupId,
          IsEgress,
          IpProtocol: p.IpProtocol,
          FromPort: p.FromPort,
          ToPort: p.ToPort,
        });
        if (rule) rules.push(rule);
      }
    }
  }
  return { groupId, groupName: g.GroupName, vpcId: g.VpcId, ownerId: g.OwnerId, tags: Object.fromEntries(g.Tags.map((t) => [t.Key, t.Value])), rules };
}

const BaselineRuleSchema = z
  .object({
    ruleId: z.string().optional(),
    direction: z.enum(['ingress', 'egress']),
    protocol: z.string().min(1),
    fromPort: z.number().int().optional(),
    toPort: z.number().int().optional(),
    cidrIpv4: z.string().optional(),
    cidrIpv6: z.string().optional(),
    prefixListId: z.string().optional(),
    referencedGroupId: z.string().optional(),
    description: z.string().optional(),
  })
  .strict()
  .refine((r) => [r.cidrIpv4, r.cidrIpv6, r.prefixListId, r.referencedGroupId].filter((x) => x !== undefined).length === 1, 'a baseline rule has exactly one source (cidrIpv4, cidrIpv6, prefixListId or referencedGroupId)');

/** --baseline: `sg-guardian state show` output (a group record), or just its `baseline` array. */
export function baselineFromFile(raw: unknown, file: string): BaselineRule[] {
  const list = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'baseline' in raw ? (raw).baseline : raw;
  const parsed = z.array(BaselineRuleSchema).safeParse(list);
  if (!parsed.success) throw fromZod(parsed.error, `${file}: baseline`);
  return parsed.data.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as BaselineRule);
}

// An EC2 API SecurityGroupRule (DescribeSecurityGroupRules, or its saved JSON) to the core shape.
// Structural, so the SDK adapter and the CLI's --group-file share it without the core importing the SDK.
import type { SecurityGroupRule } from './model.js';

export interface ApiSecurityGroupRule {
  SecurityGroupRuleId?: string;
  GroupId?: string;
  IsEgress?: boolean;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupInfo?: { GroupId?: string };
  Description?: string;
}

export function ruleFromApi(r: ApiSecurityGroupRule): SecurityGroupRule | undefined {
  if (!r.SecurityGroupRuleId || !r.GroupId) return undefined;
  // Protocols without ports come back as -1/-1 (or no ports): the core omits them.
  const hasPorts = r.IpProtocol !== '-1' && r.FromPort !== undefined && r.FromPort !== -1;
  return {
    ruleId: r.SecurityGroupRuleId,
    groupId: r.GroupId,
    direction: r.IsEgress ? 'egress' : 'ingress',
    protocol: r.IpProtocol ?? '-1',
    ...(hasPorts ? { fromPort: r.FromPort, toPort: r.ToPort } : {}),
    ...(r.CidrIpv4 ? { cidrIpv4: r.CidrIpv4 } : {}),
    ...(r.CidrIpv6 ? { cidrIpv6: r.CidrIpv6 } : {}),
    ...(r.PrefixListId ? { prefixListId: r.PrefixListId } : {}),
    ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroupId: r.ReferencedGroupInfo.GroupId } : {}),
    ...(r.Description ? { description: r.Description } : {}),
  };
}

// The vocabulary shared by decoders, planners, adapters and the CLI. Pure data: no SDK types, so
// the core never depends on @aws-sdk; the EC2 adapter maps these 1:1 onto the SDK's shapes.
import { clip } from './excerpt.js';

/** An EC2 API IpPermission (PascalCase, as AuthorizeSecurityGroupIngress takes it). */
export interface IpPermission {
  IpProtocol: string; // 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' | protocol number as string
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6: string; Description?: string }[];
  PrefixListIds?: { PrefixListId: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; UserId?: string; VpcId?: string; VpcPeeringConnectionId?: string; Description?: string }[];
}

export type Direction = 'ingress' | 'egress';

/** One rule as DescribeSecurityGroupRules shows it: exactly one source/destination. */
export interface SecurityGroupRule {
  ruleId: string;
  groupId: string;
  direction: Direction;
  protocol: string; // '-1' for all
  fromPort?: number; // absent (or -1) when the protocol has no ports
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
}

/** A security group as observed (Describe*), reduced to what planners need. */
export interface ObservedGroup {
  groupId: string;
  groupName?: string;
  vpcId?: string;
  ownerId?: string;
  tags: Record<string, string>;
  rules: SecurityGroupRule[];
}

/** A managed prefix list as DescribeManagedPrefixLists + GetManagedPrefixListEntries show it. */
export interface ObservedPrefixList {
  prefixListId: string;
  version: number;
  maxEntries: number;
  addressFamily: 'IPv4' | 'IPv6';
  entries: { cidr: string; description?: string }[];
  tags: Record<string, string>;
}

export interface Actor {
  arn: string; // the caller's ARN (assumed-role session ARN for roles)
  type: string; // IAMUser | AssumedRole | Root | AWSService | ...
  principalId?: string;
  accountId?: string;
  /** The role behind an assumed-role session (arn:aws:iam::123:role/Name), when known. */
  roleArn?: string;
  invokedBy?: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high';

/** What sg-guardian reports to Security Hub: each kind is one check, with its own types and remediation. */
export type FindingCheck = 'unauthorized-change' | 'missed-event' | 'world-open' | 'feed-refused';

/**
 * The facts a notification adds for its Security Hub finding (notify/finding.ts builds the ASFF
 * document from them and the run's outcome). `check` + `subject` is the finding's identity: a
 * replay, a retry or the next change of the same group updates one finding in place.
 */
export interface FindingFacts {
  check: FindingCheck;
  /** A security group ID, or for a refused feed the feed's name. */
  subject: string;
  groupId?: string;
  vpcId?: string;
  groupName?: string;
  /** When the change was made (the CloudTrail event time), when known. */
  observedAt?: string;
  eventId?: string;
  actorArn?: string;
  /** Where the resource lives when not in the function's own account and region (an organization's member scope). */
  accountId?: string;
  region?: string;
}

/** What the planners emit. Data only: explain, dry-run and the Lambda share one code path. */
export type Action =
  | {
      type: 'revoke-ingress' | 'revoke-egress' | 'authorize-ingress' | 'authorize-egress';
      groupId: string;
      /** Revoke by rule ID when known (exact, immune to description mismatches). */
      ruleIds?: string[];
      permissions?: IpPermission[];
      reason: string;
    }
  | {
      type: 'modify-prefix-list';
      prefixListId: string;
      /** The version the plan was computed against; the adapter passes it as CurrentVersion. */
      currentVersion: number;
      add: { Cidr: string; Description?: string }[];
      remove: { Cidr: string }[];
      reason: string;
    }
  | {
      /** ModifySecurityGroupRules: put approved content back on a rule in place (same rule ID). */
      type: 'modify-rules';
      groupId: string;
      rules: { ruleId: string; rule: Omit<SecurityGroupRule, 'ruleId' | 'groupId'> }[];
      reason: string;
    }
  /**
   * Record the feed now applied in the state table (feed#<feed>), conditional on the version read:
   * what a later stale notice is refused against. Written last, and only when nothing before failed.
   */
  | { type: 'record-feed'; feed: string; syncToken?: string; hash: string; ipv4Count: number; ipv6Count: number; expectedVersion?: number; reason: string }
  | { type: 'remediate-group'; groupId: string; reason: string }
  | { type: 'notify'; subject: string; message: string; attributes: Record<string, string>; severity: Severity; finding?: FindingFacts; reason: string }
  /**
   * Security Hub: the sweep saw these groups at their desired state, so their open findings of
   * these checks are resolved. Planned only when Security Hub findings are enabled.
   */
  | { type: 'resolve-findings'; checks: FindingCheck[]; groupIds: string[]; reason: string }
  | { type: 'ignore'; reason: string };

export type ActionType = Action['type'];

/**
 * A decode failure at the edge: names the path of the offending field and why. Both come from
 * untrusted input (keys, values), so they are clipped and control characters escaped here, once.
 */
export class DecodeError extends Error {
  readonly path: string;
  constructor(message: string, path: string) {
    const p = clip(path, 160);
    super(p ? `${p}: ${clip(message, 600)}` : clip(message, 600));
    this.path = p;
    this.name = 'DecodeError';
  }
}

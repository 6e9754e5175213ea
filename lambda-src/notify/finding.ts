// Security Hub findings (ASFF) from notifications: data only, the adapter (aws/securityhub.ts)
// imports them. One finding per (check, group or feed): a replay, a retry or the next change of the
// same group updates it in place. A finding is RESOLVED (compliance PASSED) only when the run left
// the group at its desired state; a rehearsal (dry run), a failure or a refused feed stays ACTIVE.
import type { Action, FindingCheck, FindingFacts, Severity } from '../core/model.js';

type Notify = Extract<Action, { type: 'notify' }>;

/** The ASFF fields sg-guardian writes (BatchImportFindings' AwsSecurityFinding, restricted to those). */
export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'; Original?: string };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  Resources: { Type: string; Id: string; Partition: string; Region: string; Details?: { AwsEc2SecurityGroup?: { GroupId: string; GroupName?: string; VpcId?: string } } }[];
  Compliance: { Status: 'PASSED' | 'FAILED' };
  Workflow: { Status: 'NEW' | 'RESOLVED' | 'SUPPRESSED' };
  RecordState: 'ACTIVE';
}

export interface FindingContext {
  /** The account's default product: arn:<partition>:securityhub:<region>:<account>:product/<account>/default. */
  productArn: string;
  now: Date;
}

const SEVERITY: Record<Severity, AsffFinding['Severity']['Label']> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };

const CHECKS: Record<FindingCheck, { types: string[]; remediation: string }> = {
  'unauthorized-change': {
    types: ['Software and Configuration Checks/Policy/Unauthorized security group change', 'Unusual Behaviors/User/Unauthorized security group change'],
    remediation:
      "Ask the actor why the rule was changed. An intended change is made by an allowed principal (Terraform, drift_allowed_principal_arns) or accepted with 'sg-guardian state accept'; otherwise restrict who may call ec2:*SecurityGroup* in this account.",
  },
  'missed-event': {
    types: ['Software and Configuration Checks/Policy/Security group drift without an event'],
    remediation:
      'The group differed from its approved baseline and no CloudTrail event explained it within the grace period. Check that the trail and the EventBridge rule deliver, and look up who changed the group in CloudTrail.',
  },
  'world-open': {
    types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability', 'Effects/Data Exposure/World-open security group ingress'],
    remediation:
      'Ingress from 0.0.0.0/0 or ::/0 on a port that is not authorized to be public. Reach the service through a load balancer, a VPN or the replacement CIDRs, or authorize the port (world_open_authorized_tcp_ports / udp_ports) when it must be public.',
  },
  'feed-refused': {
    types: ['Software and Configuration Checks/Policy/Allow-list feed refused'],
    remediation:
      'The allow-list feed was not applied; the targets keep their previous ranges. Read the reason in the finding: a shrink beyond feed_max_shrink_percent or a checksum mismatch points at a broken or forged feed, a full target needs more shard groups or larger prefix lists.',
  },
};

/** Notification outcomes that leave the group at its desired state. */
const BACK_AT_DESIRED_STATE = new Set(['reverted', 'nothing-to-undo', 'missed-event', 'replaced', 'revoked', 'waiver-expired']);

/** Where a finding of `check` on `subject` lives: the same on every run, so imports update it. */
export function findingId(productArn: string, check: FindingCheck, subject: string): string {
  const [, partition, , region, account] = productArn.split(':');
  return `arn:${partition}:sg-guardian:${region}:${account}:finding/${check}/${subject}`;
}

/** The finding a (final, outcome-amended) notification reports; undefined when it reports none. */
export function findingOf(n: Notify, ctx: FindingContext): AsffFinding | undefined {
  const facts = n.finding;
  if (!facts) return undefined;
  const { partition, region, accountId } = productParts(ctx.productArn);
  const now = ctx.now.toISOString();
  const observed = facts.observedAt && Date.parse(facts.observedAt) <= ctx.now.getTime() ? new Date(Date.parse(facts.observedAt)).toISOString() : now;
  const resolved = isResolved(n);
  const check = CHECKS[facts.check];
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId(ctx.productArn, facts.check, facts.subject),
    ProductArn: ctx.productArn,
    GeneratorId: `sg-guardian/${facts.check}`,
    AwsAccountId: accountId,
    Region: region,
    Types: check.types,
    CreatedAt: observed,
    UpdatedAt: now,
    FirstObservedAt: observed,
    LastObservedAt: now,
    Severity: { Label: SEVERITY[n.severity], Original: n.severity },
    Title: fit(n.subject, 256),
    Description: fit(n.message, 1024),
    Remediation: { Recommendation: { Text: fit(check.remediation, 512) } },
    ProductFields: productFields(n, facts),
    // The resource where it lives (a member account's group, in an organization); the finding in the hub's account.
    Resources: [resourceOf(facts, n.attributes, { partition, region: facts.region ?? region, accountId: facts.accountId ?? accountId })],
    Compliance: { Status: resolved ? 'PASSED' : 'FAILED' },
    // A waived change stands by decision (drift_waivers): suppressed, not new, until the waiver expires.
    Workflow: { Status: resolved ? 'RESOLVED' : n.attributes.action === 'waived' ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/**
 * A finding found open for a group the sweep saw at its desired state: the same document, resolved.
 * Security Hub itself resolves the workflow of a finding whose compliance turns PASSED.
 */
export function resolvedFinding(open: AsffFinding, now: Date): AsffFinding {
  const at = now.toISOString();
  return {
    ...open,
    UpdatedAt: at,
    LastObservedAt: at,
    Compliance: { Status: 'PASSED' },
    Workflow: { Status: 'RESOLVED' },
    RecordState: 'ACTIVE',
    ProductFields: { ...open.ProductFields, 'sg-guardian/resolvedBy': 'sweep: the group is at its desired state' },
  };
}

/** The IDs of the findings a `resolve-findings` action may resolve. */
export function findingIdsToResolve(action: Extract<Action, { type: 'resolve-findings' }>, productArn: string): string[] {
  return action.checks.flatMap((check) => action.groupIds.map((g) => findingId(productArn, check, g)));
}

function isResolved(n: Notify): boolean {
  const a = n.attributes;
  if (a.dry_run === 'true' || a.outcome === 'partial-failure' || a.replacement === 'failed') return false;
  return BACK_AT_DESIRED_STATE.has(a.action ?? '');
}

function resourceOf(facts: FindingFacts, attributes: Record<string, string>, where: { partition: string; region: string; accountId: string }): AsffFinding['Resources'][number] {
  const base = { Partition: where.partition, Region: where.region };
  const arn = (kind: string, id: string) => `arn:${where.partition}:ec2:${where.region}:${where.accountId}:${kind}/${id}`;
  const groupId = facts.groupId ?? attributes.group_id;
  if (groupId) {
    const details = { GroupId: groupId, ...(facts.groupName ? { GroupName: facts.groupName } : {}), ...(facts.vpcId ? { VpcId: facts.vpcId } : {}) };
    return { ...base, Type: 'AwsEc2SecurityGroup', Id: arn('security-group', groupId), Details: { AwsEc2SecurityGroup: details } };
  }
  if (attributes.prefix_list_id) return { ...base, Type: 'Other', Id: arn('prefix-list', attributes.prefix_list_id) };
  return { ...base, Type: 'Other', Id: `sg-guardian feed ${facts.subject}` };
}

function productFields(n: Notify, facts: FindingFacts): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    'sg-guardian/check': facts.check,
    'sg-guardian/subject': facts.subject,
    'sg-guardian/kind': n.attributes.kind,
    'sg-guardian/action': n.attributes.action,
    'sg-guardian/eventId': facts.eventId,
    'sg-guardian/actor': facts.actorArn,
    'sg-guardian/dryRun': n.attributes.dry_run,
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, fit(v, 1024)]));
}

function productParts(productArn: string): { partition: string; region: string; accountId: string } {
  const [, partition = 'aws', , region = '', accountId = ''] = productArn.split(':');
  return { partition, region, accountId };
}

function fit(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

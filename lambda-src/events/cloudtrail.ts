// CloudTrail API calls, in every shape they reach sg-guardian: the EventBridge event ("AWS API Call
// via CloudTrail", the record in `detail`; also relayed through SNS, which decode.ts unwraps), a raw
// record, a log file ({"Records":[record]}) or a bare array of one record. Security-group calls have
// their request normalised to the EC2 API's PascalCase IpPermission, exactly as written in the event
// (ports may be strings, CIDRs may be non-canonical): the revert must match what EC2 stored.
import * as z from 'zod';
import { DecodeError, type Actor, type Direction, type IpPermission, type SecurityGroupRule } from '../core/model.js';
import type { CloudTrailEvent } from './guard-event.js';
import type { DecodeInput } from './sns.js';
import { fromZod } from './zod-error.js';

/** Kept as an alias: every decoded field lives on CloudTrailEvent (guard-event.ts). */
export type DecodedCloudTrailEvent = CloudTrailEvent;

/** The calls that change a group's rules; everything else decodes with empty rule fields. */
export const SECURITY_GROUP_RULE_CALLS: Readonly<Record<string, 'authorize' | 'revoke' | 'modify'>> = {
  AuthorizeSecurityGroupIngress: 'authorize',
  AuthorizeSecurityGroupEgress: 'authorize',
  RevokeSecurityGroupIngress: 'revoke',
  RevokeSecurityGroupEgress: 'revoke',
  ModifySecurityGroupRules: 'modify',
};

export function decodeCloudTrail({ body }: DecodeInput): DecodedCloudTrailEvent | undefined {
  if (Array.isArray(body)) return looksLikeRecord(body[0]) ? decodeOnly(body, '') : undefined;
  if (!isObject(body)) return undefined;
  if (body['detail-type'] === 'AWS API Call via CloudTrail') {
    if (!isObject(body.detail)) throw new DecodeError('expected the CloudTrail record (an object)', 'detail');
    return decodeRecord(body.detail, 'detail', str(body.account));
  }
  if (Array.isArray(body.Records)) return looksLikeRecord(body.Records[0]) ? decodeOnly(body.Records, 'Records') : undefined;
  return looksLikeRecord(body) ? decodeRecord(body, '') : undefined;
}

/** One event per invocation: a log file of several records is an operator mistake, not a shape to guess at. */
function decodeOnly(records: unknown[], path: string): DecodedCloudTrailEvent {
  if (records.length !== 1) throw new DecodeError(`expected exactly one CloudTrail record, got ${records.length}`, path || '$');
  return decodeRecord(records[0] as Record<string, unknown>, `${path}[0]`);
}

// S3/SQS notifications also have Records[].eventSource ("aws:s3"); CloudTrail's is a service endpoint.
function looksLikeRecord(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  if (typeof v.eventSource === 'string') return v.eventSource.endsWith('.amazonaws.com');
  return !('eventSource' in v) && isObject(v.userIdentity) && ('eventName' in v || 'eventTime' in v);
}

// ---- schemas -------------------------------------------------------------------------------

/** Ports are numbers, or numeric strings after some log pipelines ("443"). */
const Port = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
  z.number().int().min(-1).max(65535).nullish(),
);

const Protocol = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));

const OptText = z.string().nullish();

/** A CloudTrail list: {"items":[...]}, and {} (or null, or absent) when empty; a bare array is taken too. */
function ctList<T extends z.ZodType>(item: T) {
  return z
    .preprocess((v) => (v === null || v === undefined ? {} : Array.isArray(v) ? { items: v as unknown[] } : v), z.object({ items: z.array(item).nullish() }))
    .transform((list) => list.items ?? []);
}

const IpPermissionItem = z.object({
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  ipRanges: ctList(z.object({ cidrIp: z.string(), description: OptText })),
  ipv6Ranges: ctList(z.object({ cidrIpv6: z.string(), description: OptText })),
  prefixListIds: ctList(z.object({ prefixListId: z.string(), description: OptText })),
  groups: ctList(
    z.object({ groupId: OptText, userId: OptText, vpcId: OptText, vpcPeeringConnectionId: OptText, description: OptText }),
  ),
});
type IpPermissionItem = z.output<typeof IpPermissionItem>;

/** securityGroupRuleSet / revokedSecurityGroupRuleSet items (SecurityGroupRule, RevokedSecurityGroupRule). */
const RuleItem = z.object({
  securityGroupRuleId: z.string(),
  groupId: OptText,
  isEgress: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().nullish()),
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  cidrIpv4: OptText,
  cidrIpv6: OptText,
  prefixListId: OptText,
  referencedGroupInfo: z.object({ groupId: OptText }).nullish(),
  referencedGroupId: OptText,
  description: OptText,
});
type RuleItem = z.output<typeof RuleItem>;

// Keys as Panther-style pipelines lowercase them, mapped back to CloudTrail's.
const USER_IDENTITY_KEYS = ['type', 'arn', 'principalId', 'accountId', 'invokedBy', 'userName', 'sessionContext', 'sessionIssuer'];
const CANONICAL_KEY = new Map(USER_IDENTITY_KEYS.map((k) => [k.toLowerCase(), k]));

function canonicalKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalKeys);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const canonical = CANONICAL_KEY.get(key.toLowerCase()) ?? key;
    if (!(canonical in out) || canonical === key) out[canonical] = canonicalKeys(value);
  }
  return out;
}

const UserIdentity = z.preprocess(
  canonicalKeys,
  z.object({
    type: z.string(),
    arn: OptText,
    principalId: OptText,
    accountId: OptText,
    invokedBy: OptText,
    sessionContext: z.object({ sessionIssuer: z.object({ type: OptText, arn: OptText }).nullish() }).nullish(),
  }),
);

const CloudTrailRecord = z.object({
  eventSource: z.string(),
  eventName: z.string().min(1),
  eventTime: z.string().min(1),
  eventID: z.string().min(1),
  awsRegion: z.string().min(1),
  recipientAccountId: OptText,
  sourceIPAddress: OptText,
  userAgent: OptText,
  errorCode: OptText,
  errorMessage: OptText,
  userIdentity: UserIdentity,
  requestParameters: z.record(z.string(), z.unknown()).nullish(),
  responseElements: z.record(z.string(), z.unknown()).nullish(),
});

/** Authorize and Revoke request parameters, including the legacy flat form (cidrIp, ipProtocol, ...). */
const RuleRequest = z.object({
  groupId: OptText,
  groupName: OptText,
  ipPermissions: ctList(IpPermissionItem),
  securityGroupRuleIds: ctList(z.union([z.string(), z.object({ securityGroupRuleId: z.string() })])),
  cidrIp: OptText,
  ipProtocol: Protocol.nullish(),
  fromPort: Port,
  toPort: Port,
});

const RuleResponse = z
  .object({
    securityGroupRuleSet: ctList(RuleItem),
    revokedSecurityGroupRuleSet: ctList(RuleItem),
    unknownIpPermissionSet: ctList(IpPermissionItem),
  })
  .nullish();

// ---- mapping -------------------------------------------------------------------------------

/** `envelopeAccount`: the EventBridge event's account, a fallback when the record lacks recipientAccountId. */
function decodeRecord(raw: Record<string, unknown>, base: string, envelopeAccount?: string): DecodedCloudTrailEvent {
  const parsed = CloudTrailRecord.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, base);
  const r = parsed.data;
  const accountId = r.recipientAccountId ?? envelopeAccount ?? r.userIdentity.accountId;
  if (!accountId) throw new DecodeError('no account: expected recipientAccountId or userIdentity.accountId', join(base, 'recipientAccountId'));

  const event: DecodedCloudTrailEvent = {
    kind: 'cloudtrail',
    eventSource: r.eventSource,
    eventId: r.eventID,
    eventName: r.eventName,
    eventTime: r.eventTime,
    accountId,
    region: r.awsRegion,
    actor: actorOf(r.userIdentity),
    ...(r.sourceIPAddress ? { sourceIp: r.sourceIPAddress } : {}),
    ...(r.userAgent ? { userAgent: r.userAgent } : {}),
    ...(r.errorCode ? { failed: { errorCode: r.errorCode, ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}) } } : {}),
    permissions: [],
    createdRules: [],
    requestRuleIds: [],
    modifiedRules: [],
  };
  const request = r.requestParameters ?? {};
  const call = r.eventSource === 'ec2.amazonaws.com' ? SECURITY_GROUP_RULE_CALLS[r.eventName] : undefined;
  if (call === 'modify') return withModify(event, request, join(base, 'requestParameters'));
  if (call) return withRuleChange(event, request, r.responseElements, base);
  // Other calls (CreateSecurityGroup, RunInstances, ...): keep the group for context, nothing else.
  const groupId = str(request.groupId) ?? str(r.responseElements?.groupId);
  const groupName = str(request.groupName);
  return { ...event, ...(groupId ? { groupId } : {}), ...(groupName ? { groupName } : {}) };
}

function actorOf(u: z.output<typeof UserIdentity>): Actor {
  const issuer = u.sessionContext?.sessionIssuer?.arn;
  return {
    // AWSService callers have no ARN, only invokedBy.
    arn: u.arn ?? u.invokedBy ?? '',
    type: u.type,
    ...(u.principalId ? { principalId: u.principalId } : {}),
    ...(u.accountId ? { accountId: u.accountId } : {}),
    ...(issuer && issuer.includes(':role/') ? { roleArn: issuer } : {}),
    ...(u.invokedBy ? { invokedBy: u.invokedBy } : {}),
  };
}

function withRuleChange(
  event: DecodedCloudTrailEvent,
  rawRequest: Record<string, unknown>,
  rawResponse: Record<string, unknown> | null | undefined,
  base: string,
): DecodedCloudTrailEvent {
  const req = RuleRequest.safeParse(rawRequest);
  if (!req.success) throw fromZod(req.error, join(base, 'requestParameters'));
  // A failed call's response is null; a success's may be anything, so only read it then.
  const res = RuleResponse.safeParse(event.failed ? null : rawResponse);
  if (!res.success) throw fromZod(res.error, join(base, 'responseElements'));
  const p = req.data;
  const direction: Direction = event.eventName.endsWith('Egress') ? 'egress' : 'ingress';

  const permissions = p.ipPermissions.map(toIpPermission);
  if (p.cidrIp) {
    if (!p.ipProtocol) throw new DecodeError('the flat form (cidrIp) needs ipProtocol', join(base, 'requestParameters.ipProtocol'));
    permissions.push(withPorts({ IpProtocol: p.ipProtocol, IpRanges: [{ CidrIp: p.cidrIp }] }, p.fromPort, p.toPort));
  }
  // Calls by groupName (default VPC, CloudFormation) name the group ID only in the response.
  const created = res.data?.securityGroupRuleSet ?? [];
  const groupId = p.groupId ?? created.find((c) => c.groupId)?.groupId ?? undefined;
  const toRule = (item: RuleItem) => toSecurityGroupRule(item, groupId, direction);
  const revokedRules = (res.data?.revokedSecurityGroupRuleSet ?? []).map(toRule);
  const unknownPermissions = (res.data?.unknownIpPermissionSet ?? []).map(toIpPermission);

  return {
    ...event,
    ...(groupId ? { groupId } : {}),
    ...(p.groupName ? { groupName: p.groupName } : {}),
    direction,
    permissions,
    createdRules: created.map(toRule),
    requestRuleIds: p.securityGroupRuleIds.map((id) => (typeof id === 'string' ? id : id.securityGroupRuleId)),
    ...(revokedRules.length ? { revokedRules } : {}),
    ...(unknownPermissions.length ? { unknownPermissions } : {}),
  };
}

/**
 * ModifySecurityGroupRules is logged in the API's own PascalCase, nested:
 * {"ModifySecurityGroupRulesRequest": {"GroupId", "SecurityGroupRule": {"SecurityGroupRuleId", "SecurityGroupRule": {...}}}}
 * where SecurityGroupRule is one object, or a list when several rules change. The old value is not logged.
 */
function withModify(event: DecodedCloudTrailEvent, params: Record<string, unknown>, path: string): DecodedCloudTrailEvent {
  const wrapped = isObject(params.ModifySecurityGroupRulesRequest);
  const req = wrapped ? (params.ModifySecurityGroupRulesRequest as Record<string, unknown>) : params;
  const reqPath = wrapped ? join(path, 'ModifySecurityGroupRulesRequest') : path;
  const key = ['SecurityGroupRule', 'SecurityGroupRules', 'securityGroupRule', 'securityGroupRules'].find((k) => req[k] !== undefined);
  const listed = key === undefined ? [] : req[key];
  const entries: [unknown, string][] = Array.isArray(listed)
    ? listed.map((item, i) => [item, `${join(reqPath, key!)}[${i}]`])
    : isObject(listed) && Array.isArray(listed.items)
      ? (listed.items as unknown[]).map((item, i) => [item, `${join(reqPath, key!)}.items[${i}]`])
      : [[listed, join(reqPath, key ?? 'SecurityGroupRule')]];

  const modifiedRules = entries.map(([item, itemPath]) => {
    if (!isObject(item)) throw new DecodeError('expected a SecurityGroupRuleUpdate object', itemPath);
    const ruleId = str(item.SecurityGroupRuleId) ?? str(item.securityGroupRuleId);
    if (!ruleId) throw new DecodeError('expected a rule ID (string)', `${itemPath}.SecurityGroupRuleId`);
    const request = item.SecurityGroupRule ?? item.securityGroupRule;
    return { ruleId, request: isObject(request) ? request : {} };
  });
  const groupId = str(req.GroupId) ?? str(req.groupId);
  return { ...event, ...(groupId ? { groupId } : {}), requestRuleIds: modifiedRules.map((m) => m.ruleId), modifiedRules };
}

/** Protocols whose rules carry ports (ICMP: type and code); EC2 ignores ports on every other protocol. */
const PORTED = new Set(['tcp', 'udp', 'icmp', 'icmpv6', '6', '17', '1', '58']);

export function protocolHasPorts(protocol: string): boolean {
  return PORTED.has(protocol.toLowerCase());
}

function withPorts(p: IpPermission, from: number | null | undefined, to: number | null | undefined): IpPermission {
  if (!protocolHasPorts(p.IpProtocol)) return p;
  return { ...p, ...(from != null ? { FromPort: from } : {}), ...(to != null ? { ToPort: to } : {}) };
}

function toIpPermission(item: IpPermissionItem): IpPermission {
  const desc = (d: string | null | undefined) => (d != null ? { Description: d } : {});
  const p: IpPermission = { IpProtocol: item.ipProtocol };
  if (item.ipRanges.length) p.IpRanges = item.ipRanges.map((r) => ({ CidrIp: r.cidrIp, ...desc(r.description) }));
  if (item.ipv6Ranges.length) p.Ipv6Ranges = item.ipv6Ranges.map((r) => ({ CidrIpv6: r.cidrIpv6, ...desc(r.description) }));
  if (item.prefixListIds.length) p.PrefixListIds = item.prefixListIds.map((r) => ({ PrefixListId: r.prefixListId, ...desc(r.description) }));
  if (item.groups.length) {
    p.UserIdGroupPairs = item.groups.map((g) => ({
      ...(g.groupId != null ? { GroupId: g.groupId } : {}),
      ...(g.userId != null ? { UserId: g.userId } : {}),
      ...(g.vpcId != null ? { VpcId: g.vpcId } : {}),
      ...(g.vpcPeeringConnectionId != null ? { VpcPeeringConnectionId: g.vpcPeeringConnectionId } : {}),
      ...desc(g.description),
    }));
  }
  return withPorts(p, item.fromPort, item.toPort);
}

function toSecurityGroupRule(item: RuleItem, groupId: string | undefined, direction: Direction): SecurityGroupRule {
  const referenced = item.referencedGroupInfo?.groupId ?? item.referencedGroupId;
  return {
    ruleId: item.securityGroupRuleId,
    groupId: item.groupId ?? groupId ?? '',
    direction: item.isEgress == null ? direction : item.isEgress ? 'egress' : 'ingress',
    protocol: item.ipProtocol,
    ...(item.fromPort != null ? { fromPort: item.fromPort } : {}),
    ...(item.toPort != null ? { toPort: item.toPort } : {}),
    ...(item.cidrIpv4 != null ? { cidrIpv4: item.cidrIpv4 } : {}),
    ...(item.cidrIpv6 != null ? { cidrIpv6: item.cidrIpv6 } : {}),
    ...(item.prefixListId != null ? { prefixListId: item.prefixListId } : {}),
    ...(referenced != null ? { referencedGroupId: referenced } : {}),
    ...(item.description != null ? { description: item.description } : {}),
  };
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

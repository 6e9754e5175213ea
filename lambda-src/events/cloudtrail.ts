// CloudTrail API calls, in every shape they reach sg-guardian: the EventBridge event ("AWS API Call
// via CloudTrail", the record in `detail`; also relayed through SNS, which decode.ts unwraps), a raw
// record, a log file ({"Records":[record]}) or a bare array of one record. Security-group calls have
// their request normalised to the EC2 API's PascalCase IpPermission, exactly as written in the event
// (ports may be strings, CIDRs may be non-canonical): the revert must match what EC2 stored.
import * as z from 'zod';
import { excerpt } from '../core/excerpt.js';
import { DecodeError, type Actor, type Direction, type IpPermission, type SecurityGroupRule } from '../core/model.js';
import type { CloudTrailEvent } from './guard-event.js';
import type { DecodeInput } from './sns.js';
import { fromZod } from './zod-error.js';
import { Port, Protocol, RULE_ID, checkSource, checkedPorts, protocolHasPorts } from './rule-content.js';

export { protocolHasPorts };

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

export function decodeCloudTrail({ body, sns }: DecodeInput): DecodedCloudTrailEvent | undefined {
  if (Array.isArray(body)) return looksLikeRecord(body[0]) ? decodeOnly(body, '') : undefined;
  if (!isObject(body)) return undefined;
  if (body['detail-type'] === 'AWS API Call via CloudTrail') {
    if (!isObject(body.detail)) throw new DecodeError('expected the CloudTrail record (an object)', 'detail');
    const event = decodeRecord(body.detail, 'detail', str(body.account));
    // Relayed through SNS, the envelope is whatever the publisher wrote: only a direct delivery vouches for it.
    if (sns) return event;
    const account = str(body.account);
    const region = str(body.region);
    return { ...event, eventBridge: { ...(account ? { account } : {}), ...(region ? { region } : {}) } };
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
const RuleId = z.string().regex(RULE_ID, 'must be a security group rule ID (sgr-…)');

const RuleItem = z.object({
  securityGroupRuleId: RuleId,
  groupId: OptText,
  isEgress: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'must be true or false' }).nullish()),
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
    // IAM caps an ARN at 2,048 characters; the bound also bounds principal matching.
    arn: z.string().max(2048, 'is longer than any IAM ARN (2,048)').nullish(),
    principalId: OptText,
    accountId: OptText,
    invokedBy: OptText,
    sessionContext: z.object({ sessionIssuer: z.object({ type: OptText, arn: z.string().max(2048, 'is longer than any IAM ARN (2,048)').nullish() }).nullish() }).nullish(),
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
  securityGroupRuleIds: ctList(z.union([RuleId, z.object({ securityGroupRuleId: RuleId })])),
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
  if (call === 'modify') return tolerateFailed(event, request, () => withModify(event, request, join(base, 'requestParameters')));
  if (call) return tolerateFailed(event, request, () => ruleChange(event, request, r.responseElements, base));
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

/**
 * A failed call changed nothing, and EC2 may have failed it precisely because its request was
 * malformed: keep the event (the planner ignores it) rather than refuse it into the dead-letter queue.
 */
function tolerateFailed(event: DecodedCloudTrailEvent, request: Record<string, unknown>, decode: () => DecodedCloudTrailEvent): DecodedCloudTrailEvent {
  try {
    return decode();
  } catch (err) {
    if (!(event.failed && err instanceof DecodeError)) throw err;
    const groupId = str(request.groupId);
    return { ...event, ...(groupId ? { groupId } : {}) };
  }
}

function directionOf(eventName: string): Direction {
  return eventName.endsWith('Egress') ? 'egress' : 'ingress';
}

function ruleChange(
  event: DecodedCloudTrailEvent,
  rawRequest: Record<string, unknown>,
  rawResponse: Record<string, unknown> | null | undefined,
  base: string,
): DecodedCloudTrailEvent {
  const reqPath = join(base, 'requestParameters');
  const resPath = join(base, 'responseElements');
  const req = RuleRequest.safeParse(rawRequest);
  if (!req.success) throw fromZod(req.error, reqPath);
  // A failed call's response is null; a success's may be anything, so only read it then.
  const response = event.failed ? null : rawResponse;
  const res = RuleResponse.safeParse(response);
  if (!res.success) throw fromZod(res.error, resPath);
  const p = req.data;
  const direction = directionOf(event.eventName);

  const permissions = p.ipPermissions.map((item, i) => toIpPermission(item, listPath(rawRequest, 'ipPermissions', reqPath, i)));
  if (p.cidrIp) {
    if (!p.ipProtocol) throw new DecodeError('the flat form (cidrIp) needs ipProtocol', join(reqPath, 'ipProtocol'));
    const cidr = checkSource('ipv4', p.cidrIp, join(reqPath, 'cidrIp'));
    permissions.push(withPorts({ IpProtocol: p.ipProtocol, IpRanges: [{ CidrIp: cidr }] }, checkedPorts(p.ipProtocol, p.fromPort, p.toPort, reqPath)));
  }
  // Calls by groupName (default VPC, CloudFormation) name the group ID only in the response.
  const created = res.data?.securityGroupRuleSet ?? [];
  const revoked = res.data?.revokedSecurityGroupRuleSet ?? [];
  const groupId = p.groupId ?? created.find((c) => c.groupId)?.groupId ?? undefined;
  const rules = (key: string, items: RuleItem[]) => items.map((item, i) => toSecurityGroupRule(item, groupId, direction, listPath(response, key, resPath, i)));
  const revokedRules = rules('revokedSecurityGroupRuleSet', revoked);
  const unknownPermissions = (res.data?.unknownIpPermissionSet ?? []).map((item, i) => toIpPermission(item, listPath(response, 'unknownIpPermissionSet', resPath, i)));

  return {
    ...event,
    ...(groupId ? { groupId } : {}),
    ...(p.groupName ? { groupName: p.groupName } : {}),
    direction,
    permissions,
    createdRules: rules('securityGroupRuleSet', created),
    requestRuleIds: p.securityGroupRuleIds.map((id) => (typeof id === 'string' ? id : id.securityGroupRuleId)),
    ...(revokedRules.length ? { revokedRules } : {}),
    ...(unknownPermissions.length ? { unknownPermissions } : {}),
  };
}

/** The path of item `i` of a CloudTrail list, as the input spelled it ({"items": [...]} or a bare array). */
function listPath(parent: unknown, key: string, path: string, i: number): string {
  const list = isObject(parent) ? parent[key] : undefined;
  return Array.isArray(list) ? `${join(path, key)}[${i}]` : `${join(path, key)}.items[${i}]`;
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
    if (!ruleId || !RULE_ID.test(ruleId)) throw new DecodeError(`expected a security group rule ID (sgr-…), got ${excerpt(item.SecurityGroupRuleId ?? item.securityGroupRuleId)}`, `${itemPath}.SecurityGroupRuleId`);
    const request = item.SecurityGroupRule ?? item.securityGroupRule;
    return { ruleId, request: isObject(request) ? request : {} };
  });
  const groupId = str(req.GroupId) ?? str(req.groupId);
  return { ...event, ...(groupId ? { groupId } : {}), requestRuleIds: modifiedRules.map((m) => m.ruleId), modifiedRules };
}

function withPorts(p: IpPermission, ports: { fromPort?: number; toPort?: number }): IpPermission {
  return { ...p, ...(ports.fromPort !== undefined ? { FromPort: ports.fromPort } : {}), ...(ports.toPort !== undefined ? { ToPort: ports.toPort } : {}) };
}

/** An ipPermissions item as the EC2 API's IpPermission, or a refusal at `path`: ports per protocol, at least one well-formed source. */
function toIpPermission(item: IpPermissionItem, path: string): IpPermission {
  const desc = (d: string | null | undefined) => (d != null ? { Description: d } : {});
  const at = (key: string, i: number, field: string) => `${path}.${key}.items[${i}].${field}`;
  const p: IpPermission = { IpProtocol: item.ipProtocol };
  if (item.ipRanges.length) p.IpRanges = item.ipRanges.map((r, i) => ({ CidrIp: checkSource('ipv4', r.cidrIp, at('ipRanges', i, 'cidrIp')), ...desc(r.description) }));
  if (item.ipv6Ranges.length) p.Ipv6Ranges = item.ipv6Ranges.map((r, i) => ({ CidrIpv6: checkSource('ipv6', r.cidrIpv6, at('ipv6Ranges', i, 'cidrIpv6')), ...desc(r.description) }));
  if (item.prefixListIds.length) p.PrefixListIds = item.prefixListIds.map((r, i) => ({ PrefixListId: checkSource('prefix-list', r.prefixListId, at('prefixListIds', i, 'prefixListId')), ...desc(r.description) }));
  if (item.groups.length) {
    p.UserIdGroupPairs = item.groups.map((g, i) => {
      // A pair without a group ID (EC2-Classic named groups by name) cannot be re-created or revoked exactly.
      if (g.groupId == null) throw new DecodeError('a group source needs groupId', at('groups', i, 'groupId'));
      return {
        GroupId: checkSource('group', g.groupId, at('groups', i, 'groupId')),
        ...(g.userId != null ? { UserId: g.userId } : {}),
        ...(g.vpcId != null ? { VpcId: g.vpcId } : {}),
        ...(g.vpcPeeringConnectionId != null ? { VpcPeeringConnectionId: g.vpcPeeringConnectionId } : {}),
        ...desc(g.description),
      };
    });
  }
  if (!p.IpRanges && !p.Ipv6Ranges && !p.PrefixListIds && !p.UserIdGroupPairs) {
    throw new DecodeError('names no source (ipRanges, ipv6Ranges, prefixListIds or groups): a permission without one changes nothing EC2 could name', path);
  }
  return withPorts(p, checkedPorts(item.ipProtocol, item.fromPort, item.toPort, path));
}

/** A securityGroupRuleSet / revokedSecurityGroupRuleSet item, or a refusal: it must be of the call's group and direction, with exactly one source. */
function toSecurityGroupRule(item: RuleItem, groupId: string | undefined, direction: Direction, path: string): SecurityGroupRule {
  if (item.isEgress != null && (item.isEgress ? 'egress' : 'ingress') !== direction) {
    throw new DecodeError(`says ${item.isEgress ? 'egress' : 'ingress'}, but the call changed ${direction} rules: refused rather than undone in the wrong direction`, `${path}.isEgress`);
  }
  if (item.groupId != null && groupId !== undefined && item.groupId !== groupId) {
    throw new DecodeError(`${excerpt(item.groupId, 40)} is not the call's group ${groupId}`, `${path}.groupId`);
  }
  const referenced = item.referencedGroupInfo?.groupId ?? item.referencedGroupId;
  const sources: [string, 'ipv4' | 'ipv6' | 'prefix-list' | 'group', string | null | undefined][] = [
    ['cidrIpv4', 'ipv4', item.cidrIpv4],
    ['cidrIpv6', 'ipv6', item.cidrIpv6],
    ['prefixListId', 'prefix-list', item.prefixListId],
    [item.referencedGroupInfo?.groupId != null ? 'referencedGroupInfo.groupId' : 'referencedGroupId', 'group', referenced],
  ];
  const present = sources.filter(([, , v]) => v != null);
  if (present.length !== 1) {
    throw new DecodeError(`a rule has exactly one source (cidrIpv4, cidrIpv6, prefixListId or referencedGroupInfo), got ${present.length ? present.map(([k]) => k).join(' and ') : 'none'}`, path);
  }
  const [key, kind, value] = present[0]!;
  checkSource(kind, value!, `${path}.${key}`);
  const ports = checkedPorts(item.ipProtocol, item.fromPort, item.toPort, path, true);
  return {
    ruleId: item.securityGroupRuleId,
    groupId: item.groupId ?? groupId ?? '',
    direction,
    protocol: item.ipProtocol,
    ...ports,
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

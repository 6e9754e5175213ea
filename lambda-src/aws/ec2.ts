// The EC2 adapter: reads observed state into core shapes and runs core actions. The only place
// (with ./sns.ts) that talks to the SDK. Every mutation is idempotent: "already done" answers
// (InvalidPermission.Duplicate on authorize, InvalidPermission.NotFound on revoke) are successes.
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type Filter,
  type IpPermission as SdkIpPermission,
} from '@aws-sdk/client-ec2';
import type { AssumedCredentials } from './credentials.js';
import type { Action, Direction, IpPermission, ObservedGroup, ObservedPrefixList, SecurityGroupRule } from '../core/model.js';
import { ruleFromApi } from '../core/api-rule.js';
import { canonicalCidr } from '../feeds/cidr.js';

export type Ec2 = EC2Client;
export const createEc2 = (): Ec2 => new EC2Client({ maxAttempts: 5 });
/** A client in `region`, with the given credentials (an assumed role's) or the default chain's. */
export const createEc2In = (region: string, credentials?: () => Promise<AssumedCredentials>): Ec2 => new EC2Client({ maxAttempts: 5, region, ...(credentials ? { credentials } : {}) });

// ---- reads ----------------------------------------------------------------------------------

export async function describeGroup(ec2: Ec2, groupId: string, opts: { rules?: boolean } = {}): Promise<ObservedGroup | undefined> {
  const groups = await describeGroups(ec2, { GroupIds: [groupId] }, opts).catch((err: unknown) => {
    if (errorCode(err) === 'InvalidGroup.NotFound') return [];
    throw err;
  });
  return groups[0];
}

/** One paginated, filtered DescribeSecurityGroups plus (unless rules: false) the rules, with IDs, of the groups found. */
export async function describeGroups(ec2: Ec2, query: { GroupIds?: string[]; Filters?: Filter[] }, opts: { rules?: boolean } = {}): Promise<ObservedGroup[]> {
  const groups: ObservedGroup[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeSecurityGroupsCommand({ ...query, NextToken, ...(query.GroupIds ? {} : { MaxResults: 1000 }) }));
    for (const g of page.SecurityGroups ?? []) {
      if (!g.GroupId) continue;
      groups.push({
        groupId: g.GroupId,
        groupName: g.GroupName,
        vpcId: g.VpcId,
        ownerId: g.OwnerId,
        tags: Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        rules: [],
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  if (opts.rules !== false) await readRules(ec2, groups);
  return groups;
}

/** Fills in the rules (with IDs) of groups read without them. */
export async function readRules(ec2: Ec2, groups: readonly ObservedGroup[]): Promise<void> {
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  // DescribeSecurityGroupRules takes up to 200 filter values; batch the group IDs.
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 200) {
    for (const rule of await describeRules(ec2, ids.slice(i, i + 200))) byId.get(rule.groupId)?.rules.push(rule);
  }
}

async function describeRules(ec2: Ec2, groupIds: string[]): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groupIds }], NextToken, MaxResults: 1000 }),
    );
    for (const r of page.SecurityGroupRules ?? []) {
      const rule = ruleFromApi(r);
      if (rule) rules.push(rule);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}

/** A list and all its entries (always: what a list holds is compared with the feed on every run, whatever its tags say). */
export async function describePrefixList(ec2: Ec2, prefixListId: string): Promise<ObservedPrefixList | undefined> {
  const res = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] })).catch((err: unknown) => {
    if (errorCode(err) === 'InvalidPrefixListID.NotFound') return { PrefixLists: [] };
    throw err;
  });
  const pl = res.PrefixLists?.find((p) => p.PrefixListId === prefixListId);
  if (!pl) return undefined;
  const tags = Object.fromEntries((pl.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const entries: ObservedPrefixList['entries'] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: prefixListId, NextToken, MaxResults: 100 }));
    for (const e of page.Entries ?? []) if (e.Cidr) entries.push(e.Description ? { cidr: e.Cidr, description: e.Description } : { cidr: e.Cidr });
    NextToken = page.NextToken;
  } while (NextToken);
  return {
    prefixListId,
    version: pl.Version ?? 0,
    maxEntries: pl.MaxEntries ?? 0,
    addressFamily: pl.AddressFamily === 'IPv6' ? 'IPv6' : 'IPv4',
    entries,
    tags,
  };
}

/** Max entries of prefix lists (customer- or AWS-managed): what a rule referencing one weighs. */
export async function describePrefixListSizes(ec2: Ec2, prefixListIds: string[]): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  if (prefixListIds.length === 0) return sizes;
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: prefixListIds, NextToken }));
    for (const p of page.PrefixLists ?? []) if (p.PrefixListId && p.MaxEntries !== undefined) sizes[p.PrefixListId] = p.MaxEntries;
    NextToken = page.NextToken;
  } while (NextToken);
  return sizes;
}

// ---- writes ---------------------------------------------------------------------------------

export type Ec2Action = Extract<Action, { type: 'revoke-ingress' | 'revoke-egress' | 'authorize-ingress' | 'authorize-egress' | 'modify-prefix-list' | 'modify-rules' }>;

export interface Outcome {
  action: Action;
  status: 'done' | 'already' | 'failed' | 'skipped';
  detail?: string;
  /** Rule IDs created by an authorize, when EC2 returned them. */
  createdRuleIds?: string[];
}

const ALREADY: Record<string, 'authorize' | 'revoke'> = {
  'InvalidPermission.Duplicate': 'authorize',
  'InvalidPermission.NotFound': 'revoke',
  'InvalidSecurityGroupRuleId.NotFound': 'revoke',
};

export async function runEc2Action(ec2: Ec2, action: Ec2Action): Promise<Outcome> {
  try {
    switch (action.type) {
      case 'authorize-ingress':
      case 'authorize-egress':
        return await authorize(ec2, action);
      case 'revoke-ingress':
      case 'revoke-egress':
        return await revoke(ec2, action);
      case 'modify-prefix-list': {
        const calls = await modifyPrefixList(ec2, action);
        return { action, status: 'done', ...(calls > 1 ? { detail: `${calls} ModifyManagedPrefixList calls` } : {}) };
      }
      case 'modify-rules':
        await modifyRules(ec2, action);
        return { action, status: 'done' };
    }
  } catch (err) {
    return { action, status: 'failed', detail: describeError(err) };
  }
}

type RuleAction = Extract<Ec2Action, { type: 'revoke-ingress' | 'revoke-egress' | 'authorize-ingress' | 'authorize-egress' }>;

/** Puts approved content back on rules in place; setting a rule to the value it has is a no-op in EC2. */
async function modifyRules(ec2: Ec2, action: Extract<Ec2Action, { type: 'modify-rules' }>): Promise<void> {
  await ec2.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: action.groupId,
      SecurityGroupRules: action.rules.map(({ ruleId, rule }) => ({
        SecurityGroupRuleId: ruleId,
        SecurityGroupRule: {
          IpProtocol: rule.protocol,
          FromPort: rule.fromPort ?? -1,
          ToPort: rule.toPort ?? -1,
          ...(rule.cidrIpv4 ? { CidrIpv4: rule.cidrIpv4 } : {}),
          ...(rule.cidrIpv6 ? { CidrIpv6: rule.cidrIpv6 } : {}),
          ...(rule.prefixListId ? { PrefixListId: rule.prefixListId } : {}),
          ...(rule.referencedGroupId ? { ReferencedGroupId: rule.referencedGroupId } : {}),
          Description: rule.description ?? '',
        },
      })),
    }),
  );
}

async function authorize(ec2: Ec2, action: RuleAction): Promise<Outcome> {
  const send = (IpPermissions: IpPermission[]) => {
    const input = { GroupId: action.groupId, IpPermissions };
    return action.type === 'authorize-ingress'
      ? ec2.send(new AuthorizeSecurityGroupIngressCommand(input))
      : ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
  };
  const all = action.permissions ?? [];
  const perms = splitPermissions(all);
  if (perms.length === 0) return { action, status: 'skipped', detail: 'no permission to authorize' };
  const created: string[] = [];
  // One call for the whole change (EC2 applies it atomically). If some source already exists the
  // call fails as Duplicate: then one source per call, so the rest still go in and a Duplicate
  // means exactly that source (moto is not atomic either way).
  try {
    const res = await send(all);
    for (const r of res.SecurityGroupRules ?? []) if (r.SecurityGroupRuleId) created.push(r.SecurityGroupRuleId);
    return { action, status: 'done', createdRuleIds: created };
  } catch (err) {
    if (ALREADY[errorCode(err)] !== 'authorize') throw err;
  }
  let already = 0;
  for (const p of perms) {
    try {
      const res = await send([p]);
      for (const r of res.SecurityGroupRules ?? []) if (r.SecurityGroupRuleId) created.push(r.SecurityGroupRuleId);
    } catch (err) {
      if (ALREADY[errorCode(err)] === 'authorize') already++;
      else throw err;
    }
  }
  return { action, status: already === perms.length && perms.length > 0 ? 'already' : 'done', createdRuleIds: created, ...(already ? { detail: `${already} of ${perms.length} already present` } : {}) };
}

/** What a revoke call answered: EC2 can "succeed" without revoking (Return false, or UnknownIpPermissions in a default VPC). */
interface RevokeAnswer {
  Return?: boolean | undefined;
  UnknownIpPermissions?: SdkIpPermission[] | undefined;
}

/** The SDK's IpPermission (every field optional) in the core's shape; sources without their key are dropped. */
function fromSdkPermission(p: SdkIpPermission): IpPermission {
  const d = <T extends { Description?: string | undefined }>(x: T) => (x.Description ? { Description: x.Description } : {});
  return {
    IpProtocol: p.IpProtocol ?? '-1',
    ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}),
    IpRanges: (p.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [{ CidrIp: r.CidrIp, ...d(r) }] : [])),
    Ipv6Ranges: (p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 ? [{ CidrIpv6: r.CidrIpv6, ...d(r) }] : [])),
    PrefixListIds: (p.PrefixListIds ?? []).flatMap((r) => (r.PrefixListId ? [{ PrefixListId: r.PrefixListId, ...d(r) }] : [])),
    UserIdGroupPairs: (p.UserIdGroupPairs ?? []).flatMap((r) => (r.GroupId ? [{ GroupId: r.GroupId, ...d(r) }] : [])),
  };
}

async function revoke(ec2: Ec2, action: RuleAction): Promise<Outcome> {
  const direction: Direction = action.type === 'revoke-ingress' ? 'ingress' : 'egress';
  const send = async (input: { GroupId: string; SecurityGroupRuleIds?: string[]; IpPermissions?: IpPermission[] }) => {
    const res: RevokeAnswer =
      action.type === 'revoke-ingress'
        ? await ec2.send(new RevokeSecurityGroupIngressCommand(input))
        : await ec2.send(new RevokeSecurityGroupEgressCommand(input));
    return checkRevokeAnswer(ec2, action.groupId, direction, res);
  };
  const units: { SecurityGroupRuleIds?: string[]; IpPermissions?: IpPermission[] }[] = action.ruleIds?.length
    ? [{ SecurityGroupRuleIds: action.ruleIds }]
    : [{ IpPermissions: action.permissions ?? [] }];
  let already = 0;
  let total = 0;
  const queue = [...units];
  while (queue.length) {
    const unit = queue.shift()!;
    total++;
    try {
      // 'absent': EC2 matched nothing, and a fresh describe confirms no such rule is left.
      if ((await send({ GroupId: action.groupId, ...unit })) === 'absent') already++;
    } catch (err) {
      if (ALREADY[errorCode(err)] !== 'revoke') throw err;
      // One missing item fails the whole call: retry item by item so the others still go.
      const parts = unit.SecurityGroupRuleIds
        ? unit.SecurityGroupRuleIds.map((id) => ({ SecurityGroupRuleIds: [id] }))
        : splitPermissions(unit.IpPermissions ?? []).map((p) => ({ IpPermissions: [p] }));
      if (parts.length > 1) {
        total--;
        queue.push(...parts);
      } else already++;
    }
  }
  return { action, status: already === total ? 'already' : 'done', ...(already ? { detail: `${already} of ${total} already absent` } : {}) };
}

/**
 * A revoke that "succeeded" is checked: Return false is a failure; UnknownIpPermissions (what EC2
 * answers in a default VPC when nothing matched) is a failure while a fresh describe still shows a
 * matching rule, and 'absent' (already revoked) when it does not. Never reported as reverted.
 */
async function checkRevokeAnswer(ec2: Ec2, groupId: string, direction: Direction, res: RevokeAnswer): Promise<'revoked' | 'absent'> {
  const unknown = splitPermissions((res.UnknownIpPermissions ?? []).map(fromSdkPermission));
  if (res.Return === false && unknown.length === 0) throw new RevokeNotAppliedError(`Revoke on ${groupId} answered Return=false: nothing was revoked`);
  if (unknown.length === 0) return 'revoked';
  const shown = unknown.map(describePermission).join(', ');
  const group = await describeGroup(ec2, groupId);
  if (!group) return 'absent';
  const left = group.rules.filter((r) => r.direction === direction && unknown.some((p) => permissionMatchesRule(p, r)));
  if (left.length > 0) {
    throw new RevokeNotAppliedError(
      `Revoke on ${groupId} answered UnknownIpPermissions (${shown}) and the rule is still there (${left.map((r) => r.ruleId).join(', ')}): not reverted`,
    );
  }
  if (res.Return === false) throw new RevokeNotAppliedError(`Revoke on ${groupId} answered Return=false with UnknownIpPermissions (${shown})`);
  return 'absent';
}

export class RevokeNotAppliedError extends Error {
  override name = 'RevokeNotApplied';
}

const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const protocolName = (p: string): string => PROTOCOL_NUMBERS[p] ?? p.toLowerCase();

/** Does a one-source permission describe this rule (protocol, ports, source)? Descriptions are ignored. */
export function permissionMatchesRule(p: IpPermission, r: SecurityGroupRule): boolean {
  const protocol = protocolName(p.IpProtocol);
  if (protocol !== protocolName(r.protocol)) return false;
  if (protocol !== '-1') {
    const from = p.FromPort === -1 ? undefined : p.FromPort;
    const to = p.ToPort === -1 ? undefined : p.ToPort;
    if (from !== r.fromPort || to !== r.toPort) return false;
  }
  const v4 = p.IpRanges?.[0]?.CidrIp;
  const v6 = p.Ipv6Ranges?.[0]?.CidrIpv6;
  const pl = p.PrefixListIds?.[0]?.PrefixListId;
  const peer = p.UserIdGroupPairs?.[0]?.GroupId;
  if (v4) return r.cidrIpv4 !== undefined && canonicalCidr(v4) === canonicalCidr(r.cidrIpv4);
  if (v6) return r.cidrIpv6 !== undefined && canonicalCidr(v6) === canonicalCidr(r.cidrIpv6);
  if (pl) return r.prefixListId === pl;
  if (peer) return r.referencedGroupId === peer;
  return false;
}

function describePermission(p: IpPermission): string {
  const source = p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? p.PrefixListIds?.[0]?.PrefixListId ?? p.UserIdGroupPairs?.[0]?.GroupId ?? '?';
  const ports = p.IpProtocol === '-1' ? 'all' : p.FromPort === p.ToPort ? `${p.FromPort}` : `${p.FromPort}-${p.ToPort}`;
  return `${p.IpProtocol} ${ports} ${source}`;
}

// ModifyManagedPrefixList takes at most 100 entries to add and 100 to remove per call.
const PREFIX_LIST_BATCH = 100;

/**
 * Applies a planned prefix-list change with CurrentVersion (a concurrent writer makes it fail
 * instead of being overwritten). Small changes are one atomic call; larger ones remove first (the
 * list never exceeds max entries), then add, each call against the version the last one made.
 */
async function modifyPrefixList(ec2: Ec2, action: Extract<Ec2Action, { type: 'modify-prefix-list' }>, pollMs = 1000): Promise<number> {
  const batches: { AddEntries?: typeof action.add; RemoveEntries?: typeof action.remove }[] = [];
  if (action.add.length <= PREFIX_LIST_BATCH && action.remove.length <= PREFIX_LIST_BATCH) {
    batches.push({ ...(action.add.length ? { AddEntries: action.add } : {}), ...(action.remove.length ? { RemoveEntries: action.remove } : {}) });
  } else {
    for (let i = 0; i < action.remove.length; i += PREFIX_LIST_BATCH) batches.push({ RemoveEntries: action.remove.slice(i, i + PREFIX_LIST_BATCH) });
    for (let i = 0; i < action.add.length; i += PREFIX_LIST_BATCH) batches.push({ AddEntries: action.add.slice(i, i + PREFIX_LIST_BATCH) });
  }
  for (const [i, batch] of batches.entries()) {
    // Later batches go against the version the previous one made, once it has settled.
    const version = i === 0 ? action.currentVersion : await waitForPrefixList(ec2, action.prefixListId, pollMs);
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: action.prefixListId, CurrentVersion: version, ...batch }));
  }
  return batches.length;
}

/** Waits until the list is no longer modify-in-progress (the next modify would fail); returns its version. */
async function waitForPrefixList(ec2: Ec2, prefixListId: string, pollMs: number): Promise<number> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const res = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] }));
    const pl = res.PrefixLists?.[0];
    if (pl?.State === 'modify-failed') throw new Error(`${prefixListId}: modify-failed (${pl.StateMessage ?? 'no message'})`);
    if (pl && pl.State !== 'modify-in-progress') return pl.Version ?? 0;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`${prefixListId}: still modify-in-progress after 60 polls`);
}

/** Splits permissions into one-source-each permissions (same protocol and ports). */
export function splitPermissions(perms: IpPermission[]): IpPermission[] {
  const out: IpPermission[] = [];
  for (const p of perms) {
    const base = { IpProtocol: p.IpProtocol, ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}), ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}) };
    for (const r of p.IpRanges ?? []) out.push({ ...base, IpRanges: [r] });
    for (const r of p.Ipv6Ranges ?? []) out.push({ ...base, Ipv6Ranges: [r] });
    for (const r of p.PrefixListIds ?? []) out.push({ ...base, PrefixListIds: [r] });
    for (const r of p.UserIdGroupPairs ?? []) out.push({ ...base, UserIdGroupPairs: [r] });
  }
  return out;
}

export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: string; Code?: string; code?: string };
    return e.Code ?? e.code ?? e.name ?? '';
  }
  return '';
}

function describeError(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

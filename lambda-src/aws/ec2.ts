// The EC2 adapter: reads observed state into core shapes and runs core actions. The only place
// (with ./sns.ts) that talks to the SDK. Every mutation is idempotent: "already done" answers
// (InvalidPermission.Duplicate on authorize, InvalidPermission.NotFound on revoke) are successes.
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import type { Action, IpPermission, ObservedGroup, SecurityGroupRule } from '../core/model.js';
import { ruleFromApi } from '../core/api-rule.js';

export type Ec2 = EC2Client;
export const createEc2 = (): Ec2 => new EC2Client({ maxAttempts: 5 });

// ---- reads ----------------------------------------------------------------------------------

export async function describeGroup(ec2: Ec2, groupId: string): Promise<ObservedGroup | undefined> {
  const groups = await describeGroups(ec2, { GroupIds: [groupId] }).catch((err: unknown) => {
    if (errorCode(err) === 'InvalidGroup.NotFound') return [];
    throw err;
  });
  return groups[0];
}

/** One paginated, filtered DescribeSecurityGroups plus the rules (with IDs) of the groups found. */
export async function describeGroups(ec2: Ec2, query: { GroupIds?: string[]; Filters?: Filter[] }): Promise<ObservedGroup[]> {
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
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  // DescribeSecurityGroupRules takes up to 200 filter values; batch the group IDs.
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 200) {
    for (const rule of await describeRules(ec2, ids.slice(i, i + 200))) byId.get(rule.groupId)?.rules.push(rule);
  }
  return groups;
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

export interface ObservedPrefixList {
  prefixListId: string;
  version: number;
  maxEntries: number;
  addressFamily: 'IPv4' | 'IPv6';
  entries: { cidr: string; description?: string }[];
  tags: Record<string, string>;
}

export async function describePrefixList(ec2: Ec2, prefixListId: string): Promise<ObservedPrefixList | undefined> {
  const res = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] }));
  const pl = res.PrefixLists?.find((p) => p.PrefixListId === prefixListId);
  if (!pl) return undefined;
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
    tags: Object.fromEntries((pl.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

// ---- writes ---------------------------------------------------------------------------------

export type Ec2Action = Extract<Action, { type: 'revoke-ingress' | 'revoke-egress' | 'authorize-ingress' | 'authorize-egress' | 'modify-prefix-list' | 'tag-resource' }>;

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
        await ec2.send(
          new ModifyManagedPrefixListCommand({
            PrefixListId: action.prefixListId,
            CurrentVersion: action.currentVersion,
            ...(action.add.length ? { AddEntries: action.add } : {}),
            ...(action.remove.length ? { RemoveEntries: action.remove } : {}),
          }),
        );
        if (action.tags) await tag(ec2, action.prefixListId, action.tags);
        return { action, status: 'done' };
      }
      case 'tag-resource':
        await tag(ec2, action.resourceId, action.tags);
        return { action, status: 'done' };
    }
  } catch (err) {
    return { action, status: 'failed', detail: describeError(err) };
  }
}

type RuleAction = Extract<Ec2Action, { groupId: string }>;

async function authorize(ec2: Ec2, action: RuleAction): Promise<Outcome> {
  const perms = splitPermissions(action.permissions ?? []);
  // One source per call: a Duplicate then means exactly that source exists, and the rest still go in
  // (EC2 rejects the whole call on one duplicate; moto is not atomic either way).
  const created: string[] = [];
  let already = 0;
  for (const p of perms) {
    const input = { GroupId: action.groupId, IpPermissions: [p] };
    try {
      const res =
        action.type === 'authorize-ingress'
          ? await ec2.send(new AuthorizeSecurityGroupIngressCommand(input))
          : await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
      for (const r of res.SecurityGroupRules ?? []) if (r.SecurityGroupRuleId) created.push(r.SecurityGroupRuleId);
    } catch (err) {
      if (ALREADY[errorCode(err)] === 'authorize') already++;
      else throw err;
    }
  }
  return { action, status: already === perms.length && perms.length > 0 ? 'already' : 'done', createdRuleIds: created, ...(already ? { detail: `${already} of ${perms.length} already present` } : {}) };
}

async function revoke(ec2: Ec2, action: RuleAction): Promise<Outcome> {
  const send = async (input: { GroupId: string; SecurityGroupRuleIds?: string[]; IpPermissions?: IpPermission[] }) => {
    if (action.type === 'revoke-ingress') await ec2.send(new RevokeSecurityGroupIngressCommand(input));
    else await ec2.send(new RevokeSecurityGroupEgressCommand(input));
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
      await send({ GroupId: action.groupId, ...unit });
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

async function tag(ec2: Ec2, resourceId: string, tags: Record<string, string>): Promise<void> {
  await ec2.send(new CreateTagsCommand({ Resources: [resourceId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
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

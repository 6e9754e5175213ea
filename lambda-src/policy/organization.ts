// Where the function acts (pure): its home account and region, plus the enrolled member accounts and
// regions of settings.organization. Which scope a CloudTrail event belongs to, and whether it may be
// acted on there; the member role's ARN in the function's own partition.
import type { Actor } from '../core/model.js';
import type { CloudTrailEvent } from '../events/guard-event.js';
import { isOwnRole, principalArns } from './principals.js';
import type { Settings } from './settings.js';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** One account and region the function acts in; `member`: through the assumed member role. */
export interface Scope {
  accountId: string;
  region: string;
  member: boolean;
}

export const scopeKey = (s: { accountId: string; region: string }): string => `${s.accountId}/${s.region}`;

/** The partition of an ARN (the function's own role: where every ARN it builds lives); aws when unknown. */
export function partitionOf(arn: string | undefined): Partition {
  const p = arn ? /^arn:(aws|aws-cn|aws-us-gov):/.exec(arn)?.[1] : undefined;
  return (p as Partition | undefined) ?? 'aws';
}

export function memberRoleArn(partition: Partition, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** Home first, then every enrolled account and region (the hub account's own extra regions use its own credentials). */
export function scopesOf(settings: Settings, home: { accountId: string; region: string }): Scope[] {
  const out = new Map<string, Scope>([[scopeKey(home), { ...home, member: false }]]);
  for (const t of settings.organization?.targets ?? []) {
    for (const region of t.regions) {
      const s = { accountId: t.accountId, region, member: t.accountId !== home.accountId };
      if (!out.has(scopeKey(s))) out.set(scopeKey(s), s);
    }
  }
  return [...out.values()];
}

/** The member role's ARNs in every enrolled account (its changes are the function's own). */
export function memberRoleArns(settings: Settings): string[] {
  const org = settings.organization;
  if (!org) return [];
  const partition = partitionOf(settings.selfRoleArn);
  return org.targets.map((t) => memberRoleArn(partition, t.accountId, org.memberRoleName));
}

/** The function's own role, or the member role it assumes in an enrolled account: never a trigger. */
export function isOwnActor(actor: Actor, settings: Settings): boolean {
  if (isOwnRole(actor, settings.selfRoleArn)) return true;
  const members = new Set(memberRoleArns(settings));
  return members.size > 0 && principalArns(actor).some((arn) => members.has(arn));
}

/**
 * The scope a CloudTrail event is acted on in, or why it is not. The record names its account
 * (recipientAccountId) and region, but anyone who can put events on the hub bus (every member
 * account) can write those: an event delivered by EventBridge carries the sender's account in its
 * envelope, set by EventBridge, and the two must agree (the region is not compared: a sender can only
 * misplace events within its own account, and tests and tools re-point recorded events). Outside the home account and region only
 * such a vouched-for event is acted on (a raw record or an SNS relay names no sender).
 */
export function eventScope(event: CloudTrailEvent, home: { accountId?: string; region?: string } | undefined, settings: Settings): { scope: Scope } | { problem: string } {
  const what = `${event.eventName} ${event.eventId}`;
  const eb = event.eventBridge;
  if (eb?.account && eb.account !== event.accountId)
    return { problem: `${what}: delivered by account ${eb.account} but recorded for ${event.accountId}: not acted on (forged: an account can only speak for itself)` };
  const isHome = (!home?.accountId || event.accountId === home.accountId) && (!home?.region || !event.region || event.region === home.region);
  if (isHome) return { scope: { accountId: event.accountId, region: event.region || (home?.region ?? ''), member: false } };
  const target = settings.organization?.targets.find((t) => t.accountId === event.accountId);
  const inHomeAccount = home?.accountId !== undefined && event.accountId === home.accountId;
  const homeRegions = inHomeAccount ? (target?.regions ?? []) : [];
  if (!target && !inHomeAccount)
    return settings.organization
      ? { problem: `${what}: recorded in account ${event.accountId}, which is not enrolled (organization.targets): not acted on (forged or misrouted)` }
      : { problem: `${what}: recorded in account ${event.accountId}, but this function guards ${home?.accountId ?? 'its own account'}: not acted on (forged or misrouted)` };
  const regions = inHomeAccount ? homeRegions : target!.regions;
  if (!regions.includes(event.region))
    return settings.organization
      ? { problem: `${what}: recorded in ${event.accountId} / ${event.region}, a region not enrolled for that account: not acted on (forged or misrouted)` }
      : { problem: `${what}: recorded in ${event.region}, but this function guards ${home?.region ?? 'its own region'}: not acted on (forged or misrouted)` };
  if (!eb?.account) return { problem: `${what}: names ${event.accountId} / ${event.region} but did not come from EventBridge (no sender account to check it against): not acted on` };
  return { scope: { accountId: event.accountId, region: event.region, member: !inHomeAccount } };
}

/**
 * An AWS Config event (compliance change, item change) forwarded from a member account: acted on in
 * its account and region when they are enrolled and the EventBridge sender (`sender`, the envelope
 * of a direct delivery) is that account and region. Undefined account or region: home, as before.
 */
export function configEventScope(
  event: { accountId?: string; region?: string },
  sender: { account?: string; region?: string } | undefined,
  home: { accountId?: string; region?: string } | undefined,
  settings: Settings,
): { scope: Scope } | { problem: string } | undefined {
  const accountId = event.accountId ?? home?.accountId;
  const region = event.region ?? home?.region;
  if (!accountId || !region) return undefined;
  if ((!home?.accountId || accountId === home.accountId) && (!home?.region || region === home.region)) return undefined;
  if (!settings.organization) return undefined; // single account: as before
  const enrolled = scopesOf(settings, { accountId: home?.accountId ?? '', region: home?.region ?? '' }).find((s) => s.accountId === accountId && s.region === region);
  if (!enrolled) return { problem: `AWS Config event for ${accountId} / ${region}, which is not enrolled (organization.targets): not acted on` };
  if (!sender?.account || sender.account !== accountId || (sender.region && sender.region !== region))
    return { problem: `AWS Config event for ${accountId} / ${region} delivered by ${sender?.account ?? 'no EventBridge sender'}${sender?.region ? ` / ${sender.region}` : ''}: not acted on (an account can only speak for itself)` };
  return { scope: enrolled };
}

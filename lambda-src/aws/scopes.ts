// The EC2 client of each account and region the function acts in: the home account with the
// function's own credentials, a member account through its assumed role (credentials cached per
// account). One client per scope, each paced within EC2's throttling buckets for that account and
// region (core/pacer.ts) and retrying throttled calls adaptively.
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { type Clock, Pacer, realClock } from '../core/pacer.js';
import { type Scope, memberRoleArn, partitionOf, scopeKey } from '../policy/organization.js';
import type { Settings } from '../policy/settings.js';
import type { Ec2 } from './ec2.js';
import { type AssumeRole, CredentialCache, stsAssumeRole } from './credentials.js';

export interface ScopeClients {
  /** The paced EC2 client for a scope (the same one on every call). */
  ec2(scope: Scope): Ec2;
  /** The pacer of a scope (waits, for the logs). */
  pacer(scope: Scope): Pacer;
  credentials: CredentialCache;
}

export interface ScopeClientOptions {
  settings: Settings;
  /** Extra client configuration (tests: the emulator's endpoint; the home credentials). */
  ec2Config?: Partial<EC2ClientConfig>;
  stsConfig?: STSClientConfig;
  assumeRole?: AssumeRole;
  clock?: Clock;
  /** Attempts per call; throttled calls are retried with the adaptive retry mode's client-side rate limit. */
  maxAttempts?: number;
}

export function createScopeClients(opts: ScopeClientOptions): ScopeClients {
  const { settings } = opts;
  const clock = opts.clock ?? realClock;
  const credentials = new CredentialCache(opts.assumeRole ?? stsAssumeRole(opts.stsConfig), clock.now);
  const partition = partitionOf(settings.selfRoleArn);
  const org = settings.organization;
  const clients = new Map<string, Ec2>();
  const pacers = new Map<string, Pacer>();
  const pacerOf = (scope: Scope) => {
    const key = scopeKey(scope);
    let p = pacers.get(key);
    if (!p) pacers.set(key, (p = new Pacer(clock, org?.mutatingCallsPerSecond)));
    return p;
  };
  return {
    credentials,
    pacer: pacerOf,
    ec2(scope) {
      const key = `${scopeKey(scope)}${scope.member ? ' member' : ''}`;
      const existing = clients.get(key);
      if (existing) return existing;
      const roleArn = memberRoleArn(partition, scope.accountId, org?.memberRoleName ?? 'sg-guardian-member');
      const client = new EC2Client({
        ...opts.ec2Config,
        region: scope.region,
        maxAttempts: opts.maxAttempts ?? 10,
        retryMode: 'adaptive',
        ...(scope.member ? { credentials: () => credentials.get(roleArn, org?.externalId) } : {}),
      });
      const pacer = pacerOf(scope);
      // After the retry step, so every attempt (retries too) takes its token.
      client.middlewareStack.add((next, context) => async (args) => {
        await pacer.acquire(context.commandName ?? '');
        return next(args);
      }, { step: 'finalizeRequest', name: 'sgGuardianPacer' });
      clients.set(key, client);
      return client;
    },
  };
}

// Member-account credentials: one sts:AssumeRole per account, cached until shortly before they
// expire (shared by that account's clients in every region). Concurrent callers share the one
// in-flight request; a failure is not cached.
import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  externalId?: string;
}

export type AssumeRole = (request: AssumeRoleRequest) => Promise<AssumedCredentials>;

/** Renew this long before expiry (the SDK refreshes its own copy 5 minutes ahead too). */
export const REFRESH_BEFORE_MS = 5 * 60_000;
export const SESSION_NAME = 'sg-guardian';

export class CredentialCache {
  private readonly entries = new Map<string, Promise<AssumedCredentials>>();
  /** AssumeRole calls made (for logs and tests). */
  calls = 0;

  constructor(
    private readonly assume: AssumeRole,
    private readonly now: () => number = Date.now,
  ) {}

  get(roleArn: string, externalId?: string): Promise<AssumedCredentials> {
    const key = `${roleArn}\n${externalId ?? ''}`;
    const cached = this.entries.get(key);
    if (cached) return cached.then((c) => (c.expiration.getTime() - this.now() > REFRESH_BEFORE_MS ? c : this.fetch(key, roleArn, externalId, cached)));
    return this.fetch(key, roleArn, externalId);
  }

  private fetch(key: string, roleArn: string, externalId: string | undefined, stale?: Promise<AssumedCredentials>): Promise<AssumedCredentials> {
    // Another caller may have renewed it while this one looked at the stale copy.
    const current = this.entries.get(key);
    if (stale && current && current !== stale) return current;
    this.calls++;
    const pending = this.assume({ roleArn, sessionName: SESSION_NAME, ...(externalId ? { externalId } : {}) });
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    return pending;
  }
}

/** sts:AssumeRole with the function's own credentials. */
export function stsAssumeRole(config: STSClientConfig = {}): AssumeRole {
  const sts = new STSClient({ maxAttempts: 5, ...config });
  return async ({ roleArn, sessionName, externalId }) => {
    const res = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, ...(externalId ? { ExternalId: externalId } : {}), DurationSeconds: 3600 }));
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`sts:AssumeRole ${roleArn} answered without credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
}

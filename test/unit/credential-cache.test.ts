// Member-account credentials (fake STS, injected clock): one AssumeRole per account until shortly
// before expiry, shared by concurrent callers, the external id passed, a failure not cached.
import { describe, expect, it } from 'vitest';
import { type AssumeRoleRequest, CredentialCache, REFRESH_BEFORE_MS } from '../../lambda-src/aws/credentials.js';

function fakeSts(lifetimeMs = 3_600_000) {
  let now = 0;
  const requests: AssumeRoleRequest[] = [];
  let failNext = false;
  return {
    requests,
    clock: () => now,
    advance: (ms: number) => (now += ms),
    failOnce: () => (failNext = true),
    assume: async (r: AssumeRoleRequest) => {
      await Promise.resolve();
      requests.push(r);
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
      }
      const n = requests.length;
      return { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now + lifetimeMs) };
    },
  };
}

const roleA = 'arn:aws:iam::111111111111:role/sg-guardian-member';
const roleB = 'arn:aws:iam::222222222222:role/sg-guardian-member';

describe('CredentialCache (fake STS)', () => {
  it('assumes once per account, with the session name and external id, and reuses until near expiry', async () => {
    const sts = fakeSts();
    const cache = new CredentialCache(sts.assume, sts.clock);
    const first = await cache.get(roleA, 'ext-1');
    expect(await cache.get(roleA, 'ext-1')).toBe(first);
    await cache.get(roleB, 'ext-1');
    expect(sts.requests).toEqual([
      { roleArn: roleA, sessionName: 'sg-guardian', externalId: 'ext-1' },
      { roleArn: roleB, sessionName: 'sg-guardian', externalId: 'ext-1' },
    ]);
    sts.advance(3_600_000 - REFRESH_BEFORE_MS - 1);
    expect(await cache.get(roleA, 'ext-1')).toBe(first);
    sts.advance(2);
    const renewed = await cache.get(roleA, 'ext-1');
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.requests).toHaveLength(3);
    expect(cache.calls).toBe(3);
  });

  it('concurrent callers of one account share one AssumeRole (also when renewing)', async () => {
    const sts = fakeSts();
    const cache = new CredentialCache(sts.assume, sts.clock);
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.get(roleA)));
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
    sts.advance(3_600_000);
    const renewed = await Promise.all(Array.from({ length: 20 }, () => cache.get(roleA)));
    expect(new Set(renewed.map((c) => c.accessKeyId)).size).toBe(1);
    expect(sts.requests).toHaveLength(2);
    expect(sts.requests[0]).toEqual({ roleArn: roleA, sessionName: 'sg-guardian' });
  });

  it('a refused AssumeRole is not cached: the next call asks again', async () => {
    const sts = fakeSts();
    const cache = new CredentialCache(sts.assume, sts.clock);
    sts.failOnce();
    await expect(cache.get(roleA)).rejects.toThrow(/AssumeRole/);
    expect((await cache.get(roleA)).accessKeyId).toBe('ASIA2');
  });
});

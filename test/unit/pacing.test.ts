// EC2 throttling buckets (pure, injected clock): the token bucket, the pacer's call categories, and
// pacing that keeps a burst of calls within size + rate x time.
import { describe, expect, it } from 'vitest';
import { EC2_BUCKETS, Pacer, callCategory } from '../../lambda-src/core/pacer.js';
import { TokenBucket } from '../../lambda-src/core/token-bucket.js';

/** A clock that only moves when someone sleeps on it. */
function steppedClock() {
  let t = 1_000_000;
  return { now: () => t, sleep: (ms: number) => ((t += ms), Promise.resolve()), advance: (ms: number) => (t += ms), get t() { return t; } };
}

describe('TokenBucket', () => {
  it('starts full, empties, refills at its rate, never above its size', () => {
    const c = steppedClock();
    const b = new TokenBucket(50, 5, c.now);
    for (let i = 0; i < 50; i++) expect(b.take()).toBe(0);
    expect(b.take()).toBe(200); // one token at 5/s
    c.advance(1000);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(0);
    expect(b.take()).toBeGreaterThan(0);
    c.advance(3_600_000);
    expect(b.available()).toBe(50);
  });
  it('a clock that goes back never adds tokens', () => {
    let t = 10_000;
    const b = new TokenBucket(2, 1, () => t);
    b.take();
    b.take();
    t = 5_000;
    expect(b.take()).toBe(1000);
  });
  it('refuses a bucket that could never give a token', () => {
    expect(() => new TokenBucket(0, 5, Date.now)).toThrow(RangeError);
    expect(() => new TokenBucket(50, 0, Date.now)).toThrow(RangeError);
  });
});

describe('callCategory', () => {
  it.each([
    ['DescribeSecurityGroupsCommand', 'non-mutating'],
    ['DescribeSecurityGroupRules', 'non-mutating'],
    ['GetManagedPrefixListEntriesCommand', 'non-mutating'],
    ['RevokeSecurityGroupIngressCommand', 'resource-intensive'],
    ['AuthorizeSecurityGroupEgress', 'resource-intensive'],
    ['ModifySecurityGroupRulesCommand', 'mutating'],
    ['ModifyManagedPrefixListCommand', 'mutating'],
  ])('%s -> %s', (op, category) => expect(callCategory(op)).toBe(category));
});

describe('Pacer', () => {
  it('paces 200 revokes to the bucket: 50 at once, then 5/s (30 s for the other 150)', async () => {
    const c = steppedClock();
    const start = c.t;
    const pacer = new Pacer(c);
    const at: number[] = [];
    for (let i = 0; i < 200; i++) {
      await pacer.acquire('RevokeSecurityGroupIngressCommand');
      at.push(c.t - start);
    }
    expect(at[49]).toBe(0);
    expect(at[199]).toBe(30_000);
    // Never more than size + rate x elapsed calls by any time.
    for (let i = 0; i < at.length; i++) expect(i + 1).toBeLessThanOrEqual(EC2_BUCKETS['resource-intensive'].capacity + (at[i]! / 1000) * 5 + 1e-9);
  });

  it('buckets are separate: describes and other mutations do not wait for a drained revoke bucket', async () => {
    const c = steppedClock();
    const pacer = new Pacer(c);
    for (let i = 0; i < 50; i++) await pacer.acquire('RevokeSecurityGroupIngress');
    const before = c.t;
    for (let i = 0; i < 100; i++) await pacer.acquire('DescribeSecurityGroups');
    for (let i = 0; i < 50; i++) await pacer.acquire('ModifyManagedPrefixList');
    expect(c.t).toBe(before);
    await pacer.acquire('DescribeSecurityGroups');
    expect(c.t - before).toBe(50); // 20/s
  });

  it('mutatingCallsPerSecond sets the mutating refill (both buckets), not describes', async () => {
    const c = steppedClock();
    const pacer = new Pacer(c, 2);
    for (let i = 0; i < 51; i++) await pacer.acquire('RevokeSecurityGroupEgress');
    expect(c.t - 1_000_000).toBe(500);
    expect(pacer.waits).toBe(1);
  });

  it('concurrent callers share one bucket (scaled real clock: 100x)', async () => {
    const origin = Date.now();
    const scaled = { now: () => origin + (Date.now() - origin) * 100, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 100)) };
    const pacer = new Pacer(scaled);
    const begin = scaled.now();
    await Promise.all(Array.from({ length: 4 }, async () => { for (let i = 0; i < 25; i++) await pacer.acquire('RevokeSecurityGroupIngress'); }));
    // 100 calls: 50 at once, 50 more at 5/s -> at least 10 s of scaled time.
    expect(scaled.now() - begin).toBeGreaterThanOrEqual(9_900);
  });
});

// Paces one account and region's EC2 calls within EC2's throttling buckets: describe calls
// (non-mutating, 100 tokens, 20/s), mutating calls (50, 5/s), and the resource-intensive
// Authorize/Revoke security-group calls (their own bucket of 50, 5/s). A call waits for its token
// instead of being answered RequestLimitExceeded; the SDK's adaptive retries handle what the pacer
// cannot see (other callers in the same account). Pure: clock and sleep are injected.
import { TokenBucket } from './token-bucket.js';

export type CallCategory = 'non-mutating' | 'mutating' | 'resource-intensive';

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** EC2's documented bucket sizes and refill rates (per second), per category. */
export const EC2_BUCKETS: Readonly<Record<CallCategory, { capacity: number; refillPerSecond: number }>> = {
  'non-mutating': { capacity: 100, refillPerSecond: 20 },
  mutating: { capacity: 50, refillPerSecond: 5 },
  'resource-intensive': { capacity: 50, refillPerSecond: 5 },
};

const RESOURCE_INTENSIVE = new Set(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress']);

/** The bucket an EC2 action draws from (the action name, with or without the SDK's "Command" suffix). */
export function callCategory(operation: string): CallCategory {
  const op = operation.replace(/Command$/, '');
  if (RESOURCE_INTENSIVE.has(op)) return 'resource-intensive';
  return /^(Describe|Get|List)/.test(op) ? 'non-mutating' : 'mutating';
}

export class Pacer {
  private readonly buckets: Record<CallCategory, TokenBucket>;
  /** Calls that had to wait, and for how long in total (ms): for the logs. */
  waits = 0;
  waitedMs = 0;

  /** `mutatingPerSecond` (settings.organization.mutatingCallsPerSecond) sets both mutating buckets' refill. */
  constructor(
    private readonly clock: Clock,
    mutatingPerSecond: number = EC2_BUCKETS.mutating.refillPerSecond,
  ) {
    const b = (c: CallCategory, rate = EC2_BUCKETS[c].refillPerSecond) => new TokenBucket(EC2_BUCKETS[c].capacity, rate, clock.now);
    this.buckets = { 'non-mutating': b('non-mutating'), mutating: b('mutating', mutatingPerSecond), 'resource-intensive': b('resource-intensive', mutatingPerSecond) };
  }

  /** Resolves when the call may go (its token taken). */
  async acquire(operation: string): Promise<void> {
    const bucket = this.buckets[callCategory(operation)];
    for (let wait = bucket.take(); wait > 0; wait = bucket.take()) {
      this.waits++;
      this.waitedMs += wait;
      await this.clock.sleep(wait);
    }
  }
}

// EC2's request throttling is a token bucket per account and region and per kind of call: a call
// takes a token, tokens refill at a fixed rate up to the bucket's size. The pacer (./pacer.ts) keeps
// sg-guardian's calls inside the same buckets, so a sweep of thousands of groups is paced rather than
// throttled. Pure: the clock is injected (tests scale or step it).

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    if (!(capacity >= 1) || !(refillPerSecond > 0)) throw new RangeError(`a token bucket needs capacity >= 1 and refill > 0 (got ${capacity}, ${refillPerSecond})`);
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token and returns 0, or takes nothing and returns the milliseconds until one is there. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.refillPerSecond);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const t = this.now();
    if (t > this.last) this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.refillPerSecond);
    this.last = Math.max(this.last, t);
  }
}

// A token bucket per person: a burst of `capacity` requests, then one every `1 / refillPerSecond` seconds.
// The first refused request is answered politely ("warn"); the rest are dropped silently until the person
// has a token again, so a flood never makes the bot flood back. Time comes from the caller.

export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
}

export type RateDecision = "allow" | "warn" | "drop";

interface Bucket {
  tokens: number;
  at: number;
  warned: boolean;
}

/** Beyond this many buckets, those of people idle long enough to be full again are forgotten. */
const MAX_BUCKETS = 10_000;

export class RateLimiter {
  /** Least recently used first: each take moves its bucket to the end. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions) {}

  take(key: string, nowMs: number): RateDecision {
    const { capacity, refillPerSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: nowMs, warned: false };
    const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * refillPerSecond);
    bucket.at = nowMs;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.forgetFull(nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.warned = false;
      return "allow";
    }
    if (bucket.warned) return "drop";
    bucket.warned = true;
    return "warn";
  }

  /** How many people have a bucket. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Forgets the least recently used buckets while they are full again (forgetting one changes nothing),
   * stopping at the first that is not: a few at a time, so a flood of new people costs each take O(1)
   * instead of a sweep of the whole map. Only people limited within the last capacity / refill seconds
   * (32 s for messages) are kept beyond MAX_BUCKETS.
   */
  private forgetFull(nowMs: number): void {
    const { capacity, refillPerSecond } = this.options;
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= MAX_BUCKETS) return;
      if (bucket.tokens + ((nowMs - bucket.at) / 1000) * refillPerSecond < capacity) return;
      this.buckets.delete(key);
    }
  }
}

/** Questions and commands: a burst of 8, then one every 4 seconds (15 a minute). */
export const MESSAGE_RATE: RateLimitOptions = { capacity: 8, refillPerSecond: 0.25 };
/** Inline queries arrive as the person types: a larger burst, refilled faster. */
export const INLINE_RATE: RateLimitOptions = { capacity: 30, refillPerSecond: 1 };

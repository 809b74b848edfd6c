import { randomUUID } from "node:crypto";
import type { AtomicKv } from "../model/store.js";

// Claims and leases (Store.claimOnce/renewClaim/releaseClaim) and a cache with expiry, over the
// compare-and-set every backend has: the claim is one conditional write with an expiry, so of two
// processes racing for a key exactly one wins, on Redis (SET NX PX inside the compare-and-set script)
// as on SQLite and memory. Claim keys are free text under their own prefix, so they collide with nothing.

interface Claim {
  owner: string;
}

const claimKey = (key: string) => `claim:${nonEmpty(key)}`;
const quotaKey = (key: string) => `quota:${nonEmpty(key)}`;
const cacheKey = (key: string) => `cache:${nonEmpty(key)}`;

export class ClaimKv {
  constructor(private readonly kv: AtomicKv) {}

  async claimOnce(key: string, ttlMs: number, owner: string = randomUUID()): Promise<boolean> {
    // Expired claims read as absent, so a lapsed lease is taken over here.
    const held = await this.kv.update<Claim>(claimKey(key), (current) => current ?? { owner }, { ttlMs });
    return held?.owner === owner;
  }

  async renewClaim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    // A fresh object, not `current`: returning `current` itself would skip the write and keep the old expiry.
    const held = await this.kv.update<Claim>(
      claimKey(key),
      (current) => (current?.owner === owner ? { owner } : current),
      { ttlMs },
    );
    return held?.owner === owner;
  }

  async releaseClaim(key: string, owner: string): Promise<boolean> {
    let released = false;
    await this.kv.update<Claim>(claimKey(key), (current) => {
      released = current?.owner === owner;
      return released ? undefined : current;
    });
    return released;
  }

  async takeQuota(key: string, limit: Quota, nowMs: number): Promise<QuotaOutcome> {
    let outcome: QuotaOutcome = { ok: true };
    // Kept no longer than the window: a person who stops asking leaves nothing behind.
    await this.kv.update<number[]>(
      quotaKey(key),
      (times = []) => {
        const taken = takeFromWindow(times, limit, nowMs);
        outcome = taken.outcome;
        return taken.times;
      },
      { ttlMs: limit.windowMs },
    );
    return outcome;
  }

  getCached<T>(key: string): Promise<T | undefined> {
    return this.kv.get<T>(cacheKey(key));
  }

  setCached<T>(key: string, value: T, ttlMs: number): Promise<void> {
    return this.kv.set(cacheKey(key), value, ttlMs);
  }
}

/** At most `uses` in any `windowMs`. */
export interface Quota {
  uses: number;
  windowMs: number;
}

export type QuotaOutcome = { ok: true } | { ok: false; retryInMs: number };

/**
 * A sliding window over the times of recent uses: one more use at `nowMs`, or, when `limit.uses` of them
 * are younger than the window, how long until the oldest of those leaves it.
 */
export function takeFromWindow(
  times: readonly number[],
  limit: Quota,
  nowMs: number,
): { times: number[]; outcome: QuotaOutcome } {
  const recent = times.filter((at) => at > nowMs - limit.windowMs);
  if (recent.length >= limit.uses) {
    const oldest = recent[recent.length - limit.uses] as number;
    return { times: recent, outcome: { ok: false, retryInMs: oldest + limit.windowMs - nowMs } };
  }
  return { times: [...recent, nowMs], outcome: { ok: true } };
}

function nonEmpty(key: string): string {
  if (key === "") throw new RangeError("a claim or cache key must not be empty");
  return key;
}

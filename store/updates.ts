import type { AtomicKv, UpdateClaim } from "../model/store.js";

// Telegram update ids (model/store.ts, UpdateStore): claims while an update is handled, and the ids handled.
// KvStore delegates to this class. Ids live in buckets of UPDATE_BUCKET, so each claim is one small atomic
// update; Telegram's ids rise, so once a new bucket opens, the one UPDATE_BUCKETS_KEPT back can go and
// memory stays bounded.
//
// An update recorded as handled is not written at once: it waits, up to FINISH_DELAY_MS, for the next claim
// of its bucket and is written with it, so an answer costs one write rather than two (on SQLite each is a
// commit to the write-ahead log, on Redis a round trip: npm run bench, bot latency). Meanwhile a claim in this process already sees it handled, and another process sees the
// update's own claim, still unexpired, and waits; a process killed meanwhile leaves that claim to lapse.

// Small buckets: every update the bot receives reads and rewrites its whole bucket, and a bucket of 1000 ids
// took more of the bot's time per answer than answering did (npm run bench, bot latency).
const UPDATE_BUCKET = 10;
const UPDATE_BUCKETS_KEPT = 1000;
/** How many recent update ids claimUpdate remembers: a repeat older than that is handled again. */
export const UPDATE_ID_MEMORY = UPDATE_BUCKET * UPDATE_BUCKETS_KEPT;
/**
 * A bucket not written for this long is forgotten. Telegram keeps an undelivered update for 24 hours, so
 * nothing older comes back; and when update ids jump, the bucket UPDATE_BUCKETS_KEPT behind the newest is
 * not the oldest one kept, which only this expiry then removes.
 */
export const UPDATE_ID_TTL_MS = 48 * 60 * 60 * 1000;
/** The longest a handled update waits to be written with the next claim of its bucket. */
export const FINISH_DELAY_MS = 50;

/** One bucket of update ids: those handled, and those being handled with their claims' owners and ends. */
interface UpdateBucket {
  done: number[];
  inFlight: { id: number; owner: string; until: number }[];
}

/** A bucket as stored; a plain list is one written before claims expired (every id in it handled). */
function updateBucket(stored: UpdateBucket | number[] | undefined): UpdateBucket {
  if (stored === undefined) return { done: [], inFlight: [] };
  return Array.isArray(stored) ? { done: stored, inFlight: [] } : stored;
}

/** `bucket` with `finished` recorded as handled. */
function withFinished(bucket: UpdateBucket, finished: readonly number[]): UpdateBucket {
  const adding = finished.filter((id) => !bucket.done.includes(id));
  if (adding.length === 0) return bucket;
  return {
    done: [...bucket.done, ...adding],
    inFlight: bucket.inFlight.filter((c) => !adding.includes(c.id)),
  };
}

/** Handled updates of one bucket not written yet, and what their callers wait on. */
interface PendingFinishes {
  ids: number[];
  timer: NodeJS.Timeout;
  settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

export class UpdateKv {
  private readonly pending = new Map<number, PendingFinishes>();

  constructor(
    private readonly kv: AtomicKv,
    private readonly ttlMs: number = UPDATE_ID_TTL_MS,
  ) {}

  async claimUpdate(updateId: number, owner: string, ttlMs: number): Promise<UpdateClaim> {
    const bucket = Math.floor(updateId / UPDATE_BUCKET);
    const now = Date.now();
    let claim: UpdateClaim = "claimed";
    const opened = await this.rewrite(bucket, this.takePending(bucket), ({ done, inFlight }) => {
      const held = inFlight.find((c) => c.id === updateId && c.until > now);
      claim = done.includes(updateId) ? "done" : held && held.owner !== owner ? "busy" : "claimed";
      if (claim !== "claimed") return undefined;
      // Lapsed claims of other updates go with this write: their holders died.
      const live = inFlight.filter((c) => c.id !== updateId && c.until > now);
      return { done, inFlight: [...live, { id: updateId, owner, until: now + ttlMs }] };
    });
    if (opened) await this.kv.delete(`updates:${bucket - UPDATE_BUCKETS_KEPT}`);
    return claim;
  }

  /** Resolves once `updateId` is written as handled: with the next claim of its bucket, or on its own. */
  finishUpdate(updateId: number): Promise<void> {
    const bucket = Math.floor(updateId / UPDATE_BUCKET);
    return new Promise((resolve, reject) => {
      let waiting = this.pending.get(bucket);
      if (waiting === undefined) {
        const timer = setTimeout(() => void this.writePending(bucket), FINISH_DELAY_MS);
        waiting = { ids: [], timer, settle: [] };
        this.pending.set(bucket, waiting);
      }
      waiting.ids.push(updateId);
      waiting.settle.push({ resolve, reject });
    });
  }

  /** Writes every handled update not written yet (before the store closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((bucket) => this.writePending(bucket)));
  }

  private takePending(bucket: number): PendingFinishes | undefined {
    const waiting = this.pending.get(bucket);
    if (waiting === undefined) return undefined;
    clearTimeout(waiting.timer);
    this.pending.delete(bucket);
    return waiting;
  }

  private async writePending(bucket: number): Promise<void> {
    const finishing = this.takePending(bucket);
    // A failed write is its callers' to hear of (rewrite rejects their promises), not the timer's.
    if (finishing !== undefined) await this.rewrite(bucket, finishing, () => undefined).catch(() => {});
  }

  /**
   * Rewrites `bucket` with the ids of `finishing` recorded as handled, and with what `change` makes of
   * that (undefined: nothing more); then tells those ids' callers how the write went. Resolves true when
   * the bucket was new.
   */
  private async rewrite(
    bucket: number,
    finishing: PendingFinishes | undefined,
    change: (current: UpdateBucket) => UpdateBucket | undefined,
  ): Promise<boolean> {
    let opened = false;
    try {
      await this.kv.update<UpdateBucket | number[]>(
        `updates:${bucket}`,
        (stored) => {
          opened = stored === undefined;
          const base = updateBucket(stored);
          const current = withFinished(base, finishing?.ids ?? []);
          return change(current) ?? (current === base ? stored : current);
        },
        { ttlMs: this.ttlMs },
      );
    } catch (error) {
      for (const { reject } of finishing?.settle ?? []) reject(error);
      throw error;
    }
    for (const { resolve } of finishing?.settle ?? []) resolve();
    return opened;
  }
}

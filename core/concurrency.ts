// A concurrency cap for probe cycles: hundreds of (service, country, vantage) probes, a few at a time, so a
// cycle neither floods the vantage's uplink nor looks like a scan to the censor. Abort (the cycle deadline)
// stops starting new work; work already started gets the same signal and finishes or gives up itself.

/** How one item of `mapWithConcurrency` ended. */
export type Settled<R> =
  | { status: "fulfilled"; value: R }
  | { status: "rejected"; reason: unknown }
  /** Never started: the signal was aborted first. */
  | { status: "skipped" };

/**
 * Runs `fn` over `items`, at most `limit` at a time, in order of the items. Never rejects: each item's
 * outcome is in the result, in the items' order, so a deadline still yields the results gathered so far.
 * Resolves once every started call has settled.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal | undefined) => Promise<R>,
  signal?: AbortSignal,
): Promise<Settled<R>[]> {
  checkLimit(limit);
  const results: Settled<R>[] = items.map(() => ({ status: "skipped" }));
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await fn(items[index] as T, index, signal) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface Limiter {
  /** Runs `fn` when fewer than the limit are running; rejects with the signal's reason if aborted first. */
  <R>(fn: () => Promise<R>): Promise<R>;
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly pending: number;
}

/** A shared cap for calls made from many places (p-limit's shape): at most `limit` run at once. */
export function limitConcurrency(limit: number, signal?: AbortSignal): Limiter {
  checkLimit(limit);
  let active = 0;
  const queue: (() => void)[] = [];

  const release = () => {
    active--;
    queue.shift()?.();
  };
  // Queued calls fail at once on abort instead of waiting for a slot only to fail then.
  signal?.addEventListener(
    "abort",
    () => {
      for (const start of queue.splice(0)) start();
    },
    { once: true },
  );

  const run = <R>(fn: () => Promise<R>): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const start = () => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        active++;
        // A synchronous throw in fn becomes a rejection, and the slot is released either way.
        Promise.resolve().then(fn).then(resolve, reject).finally(release);
      };
      if (active < limit || signal?.aborted) start();
      else queue.push(start);
    });

  return Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => queue.length },
  }) as Limiter;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a whole number >= 1: ${limit}`);
}

// Requests to OONI's API pass a token bucket (OONI limits each client and asks for restraint), and a
// 429 pauses every further request until its Retry-After has passed. A request that would have to wait
// for a pause is refused at once rather than queued: answers have a deadline of seconds, a pause lasts
// minutes.

export interface RateLimiterOptions {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  now: () => number;
  /** Waits this long; tests pass their own. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RateLimiter {
  /** Resolves true when a request may go now (after waiting for a token), false while paused. */
  acquire(signal?: AbortSignal): Promise<boolean>;
  /** OONI answered 429: no request before `untilMs` (epoch milliseconds). */
  pauseUntil(untilMs: number): void;
  /** Epoch milliseconds until which requests are refused; 0 when not paused. */
  pausedUntil(): number;
}

const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { capacity, refillPerSecond, now } = options;
  const sleep = options.sleep ?? sleepFor;
  let tokens = capacity;
  let refilledAt = now();
  let paused = 0;

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - refilledAt) / 1000) * refillPerSecond);
    refilledAt = t;
  };

  return {
    async acquire(signal) {
      for (;;) {
        if (now() < paused) return false;
        refill();
        if (tokens >= 1) {
          tokens -= 1;
          return true;
        }
        await sleep(Math.ceil(((1 - tokens) / refillPerSecond) * 1000), signal);
      }
    },
    pauseUntil(untilMs) {
      paused = Math.max(paused, untilMs);
    },
    pausedUntil: () => (now() < paused ? paused : 0),
  };
}

/** A Retry-After header (seconds or an HTTP date) as epoch milliseconds; `fallbackMs` from now if absent. */
export function retryAfterMs(header: string | null, nowMs: number, fallbackMs: number): number {
  if (header !== null) {
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) return nowMs + Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isFinite(date)) return Math.max(nowMs, date);
  }
  return nowMs + fallbackMs;
}

import { performance } from "node:perf_hooks";
import type { Network } from "./network.js";

// What every measurer shares: a clock that gives OONI's t0/t (seconds since the measurement started) and
// a deadline per stage (core/deadline.ts). A stage's signal fires on its own timeout or when the caller
// aborts the whole measurement (the hard abort), whichever is first; network functions destroy their
// sockets on it, so nothing outlives its timeout.

/** Seconds since the measurement started, on a monotonic clock. */
export interface MeasurementClock {
  elapsed(): number;
}

/** A clock starting now; `nowMs` is injectable so tests can drive time. */
export function startClock(nowMs: () => number = () => performance.now()): MeasurementClock {
  const start = nowMs();
  return { elapsed: () => Math.round((nowMs() - start) * 1000) / 1e6 };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects: the caller checks the signal). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** What a measurer is given: the network to use, the measurement's clock, and the caller's hard abort. */
export interface ProbeContext {
  network: Network;
  clock: MeasurementClock;
  signal?: AbortSignal;
}

import { setMaxListeners } from "node:events";
import { MAX_TIMER_MS } from "./timers.js";

// Every place that gives work a time limit, or ties one abort to another, goes through here. Not
// `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 (nodejs/node#57736) such a signal holds
// its sources weakly, and once the garbage collector has run the timeout may never fire, so a stage
// waiting on a black-holed address outlives its time-out and stalls the whole cycle. Here the pending timer
// holds the controller, and each parent holds a listener that holds it too, until `dispose()`.

/** A signal that aborts after a time limit or with any of its parents, whichever comes first. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Clears the timer and detaches from the parents; call it when the work ends. The signal stays as it is. */
  dispose(): void;
}

/** The reason a deadline aborts with: the same as `AbortSignal.timeout`'s, so failures classify alike. */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`The operation timed out after ${ms} ms`, "TimeoutError");
}

/**
 * Aborts after `timeoutMs` (with a TimeoutError) or as soon as one of `parents` aborts (with its reason).
 * `timeoutMs` null: only the parents.
 */
export function deadline(timeoutMs: number | null, ...parents: (AbortSignal | undefined)[]): Deadline {
  const controller = new AbortController();
  const sources = parents.filter((p): p is AbortSignal => p !== undefined);
  const listeners: [AbortSignal, () => void][] = [];
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const [source, listener] of listeners.splice(0)) source.removeEventListener("abort", listener);
  };
  const abort = (reason: unknown) => {
    dispose();
    controller.abort(reason);
  };

  const already = sources.find((s) => s.aborted);
  if (already) {
    abort(already.reason);
    return { signal: controller.signal, dispose };
  }
  for (const source of sources) {
    // A cycle's signal is the parent of every stage in flight (dozens at once): many listeners are the
    // design here, and each is removed when its stage ends, so Node's leak warning would be a false alarm.
    setMaxListeners(0, source);
    const listener = () => abort(source.reason);
    source.addEventListener("abort", listener, { once: true });
    listeners.push([source, listener]);
  }
  if (timeoutMs !== null) {
    const ms = Math.min(MAX_TIMER_MS, Math.max(1, Math.round(timeoutMs)));
    timer = setTimeout(() => abort(timeoutReason(ms)), ms);
  }
  return { signal: controller.signal, dispose };
}

/** Runs `work` under a deadline and disposes of it when the work settles, however it settles. */
export async function withDeadline<T>(
  timeoutMs: number | null,
  parents: readonly (AbortSignal | undefined)[],
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = deadline(timeoutMs, ...parents);
  try {
    return await work(limit.signal);
  } finally {
    limit.dispose();
  }
}

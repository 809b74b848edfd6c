import type { RunCoordinator } from "node-cron";
import type { Store } from "../model/store.js";

// Replicas sharing one store (Redis) each run the same cron schedule; node-cron asks a run coordinator
// before every fire whether this process is the one to run that slot. Ours is a claim in the store, so
// whichever replica claims a slot first runs it and the others skip it.

/** Claims last at least this long: a replica whose tick comes late (a busy event loop) still sees the claim. */
export const MIN_SLOT_CLAIM_MS = 60_000;

/** The store key of one slot's claim; `slotKey` is node-cron's `<task name>:<slot ISO time>`. */
export function slotClaimKey(slotKey: string): string {
  return `cron-slot/${slotKey}`;
}

/**
 * A node-cron RunCoordinator over `store.claimOnce`: the first claim of a slot wins. Claims are per slot,
 * so they are never released on completion (onComplete is absent on purpose): a released claim would let
 * a replica whose clock runs a little behind run the same slot again. They expire instead.
 */
export function storeRunCoordinator(
  store: Pick<Store, "claimOnce">,
  options: { minClaimMs?: number } = {},
): RunCoordinator {
  const minClaimMs = options.minClaimMs ?? MIN_SLOT_CLAIM_MS;
  return {
    shouldRun: (key, ttlMs) => store.claimOnce(slotClaimKey(key), Math.max(ttlMs, minClaimMs)),
  };
}

/**
 * The slot a moment falls in: the latest time at or before `at` the schedule matches, looked for in steps
 * of `stepMs` (a second, or a minute for a schedule that fires on second 0) no further back than
 * `lookBackMs`; undefined when none matches that recently. The start cycle runs "the current slot, late",
 * under the same claim a tick of that slot takes.
 */
export function currentSlot(
  task: { match(date: Date): boolean },
  at: Date,
  lookBackMs: number,
  stepMs = 1000,
): Date | undefined {
  const start = Math.floor(at.getTime() / stepMs) * stepMs;
  for (let t = start; t >= start - lookBackMs; t -= stepMs) {
    const candidate = new Date(t);
    if (task.match(candidate)) return candidate;
  }
  return undefined;
}

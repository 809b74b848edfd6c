import { INITIAL_STATE, type Observation, type StatusChange, step } from "../analysis/status-engine.js";
import type { Logger } from "../core/log.js";
import type { EngineStore, StatusStore } from "../model/store.js";

// One status cycle: the probe engine's observations through the status engine into the store. Per target,
// one atomic store update is the commit point (new engine state + the change it made, queued); the
// status and the timeline are projections of it, written after and repaired by the next cycle if a crash
// comes in between (store/README.md, "Status engine state and the change outbox").

/** What the probe engine hands over for one (service, country); `at` defaults to the cycle's time. */
export type CycleObservation = Omit<Observation, "at"> & { at?: string };

export interface StatusCycleDeps {
  store: Pick<StatusStore, "putStatus"> & Pick<EngineStore, "updateEngineState" | "recordChange">;
  /** Consecutive consistent cycles that confirm a status (STATUS_THRESHOLD). */
  threshold: number;
  /** Cycles that confirm a first status; `threshold` when absent (analysis/status-engine.ts). */
  firstThreshold?: number;
  log: Logger;
  now?: () => Date;
  /** Called once per change after it is on the timeline; alerts hook in here. Errors are logged. */
  onChange?: (change: StatusChange) => void | Promise<void>;
  /** The cycle's deadline: targets not reached when it fires are left for the next cycle. */
  signal?: AbortSignal;
}

/** Feeds one cycle's observations through the status engine; resolves to the changes it confirmed. */
export async function runStatusCycle(
  observations: readonly CycleObservation[],
  deps: StatusCycleDeps,
): Promise<StatusChange[]> {
  const { store, threshold, log, onChange, signal } = deps;
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const changes: StatusChange[] = [];
  const failures: unknown[] = [];

  // One target at a time: store writes are small and this keeps changes in the observations' order.
  for (const [done, input] of observations.entries()) {
    if (signal?.aborted) {
      log.warn("status cycle stopped at its deadline", { done, total: observations.length });
      break;
    }
    const observation: Observation = { ...input, at: input.at ?? at };
    const target = { service: observation.service, country: observation.country };
    try {
      const update = await store.updateEngineState(target, (current) =>
        step(current ?? INITIAL_STATE, observation, {
          threshold,
          ...(deps.firstThreshold !== undefined ? { firstThreshold: deps.firstThreshold } : {}),
        }),
      );
      // Every cycle, not only on change: checkedAt moves, and a status lost to a crash is rewritten.
      if (update.state.confirmed) await store.putStatus(update.state.confirmed);
      // Earlier changes still unrecorded (a crash between writes) are recorded first, in order.
      for (const change of update.unrecorded) await store.recordChange(change);
      if (update.change) {
        const change = update.change;
        changes.push(change);
        log.info("status changed", {
          ...change.target,
          from: change.from,
          to: change.to,
          since: change.since,
        });
        await notify(onChange, change, log);
      }
    } catch (error) {
      failures.push(error);
      log.error("status update failed", { ...target, error });
    }
  }

  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `status update failed for ${failures.length} of ${observations.length}`,
    );
  }
  return changes;
}

async function notify(
  onChange: StatusCycleDeps["onChange"],
  change: StatusChange,
  log: Logger,
): Promise<void> {
  if (!onChange) return;
  try {
    await onChange(change);
  } catch (error) {
    // The change is in the outbox: alerts deliver it from there even if this hook failed.
    log.error("change hook failed", { id: change.id, error });
  }
}

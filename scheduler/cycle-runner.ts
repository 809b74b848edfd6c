import { deadline } from "../core/deadline.js";
import type { Logger } from "../core/log.js";

// What every cycle goes through, whoever starts it (the first cycle at start, a cron tick, runNow):
// a guard so that two cycles never run at once, a deadline that aborts the cycle's signal, and a log
// line with its outcome and duration. No cron here, so it is tested without waiting for clocks.

export type CycleTrigger = "start" | "schedule" | "manual";

/**
 * - `completed`: the cycle resolved before its deadline;
 * - `timed-out`: the deadline aborted it (whatever it did afterwards);
 * - `failed`: it rejected before the deadline;
 * - `skipped`: another cycle was running, so this one never started;
 * - `stopped`: the scheduler was stopping or stopped;
 * - `not-elected`: replicas share the schedule and another one claimed this slot (scheduler.ts).
 */
export type CycleOutcome = "completed" | "timed-out" | "failed" | "skipped" | "stopped" | "not-elected";

export interface CycleReport {
  outcome: CycleOutcome;
  /** 0 for a cycle that never started. */
  durationMs: number;
}

export interface CycleStats {
  started: number;
  completed: number;
  timedOut: number;
  failed: number;
  /** Cycles not started because one was running. */
  overlaps: number;
}

export interface CycleRunnerOptions {
  /** One cycle's work. It should stop soon after `signal` aborts; until it settles no other cycle starts. */
  runCycle: (signal: AbortSignal) => Promise<void>;
  deadlineMs: number;
  log: Logger;
  /** A millisecond clock for durations. */
  now?: () => number;
}

export interface CycleRunner {
  /** Starts a cycle unless one is running; never rejects. */
  run(trigger: CycleTrigger): Promise<CycleReport>;
  /** Aborts the running cycle, waits for it to settle, and refuses new ones. */
  stop(): Promise<void>;
  stats(): CycleStats;
}

export function createCycleRunner(options: CycleRunnerOptions): CycleRunner {
  const { runCycle, deadlineMs, log } = options;
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
    throw new RangeError(`deadlineMs must be a positive number of milliseconds: ${deadlineMs}`);
  }
  const now = options.now ?? (() => performance.now());
  const stats: CycleStats = { started: 0, completed: 0, timedOut: 0, failed: 0, overlaps: 0 };
  let running: { done: Promise<CycleReport>; controller: AbortController; startedAt: number } | undefined;
  let stopping = false;

  const execute = async (trigger: CycleTrigger, controller: AbortController): Promise<CycleReport> => {
    const cycle = ++stats.started;
    const startedAt = now();
    // The deadline and stop() both abort the cycle's signal; the reason tells which came first.
    const limit = deadline(deadlineMs, controller.signal);
    let timedOut = false;
    limit.signal.addEventListener(
      "abort",
      () => {
        if (controller.signal.aborted) return;
        timedOut = true;
        log.warn("cycle deadline reached, aborting", { cycle, deadlineMs });
      },
      { once: true },
    );
    log.info("cycle started", { cycle, trigger });

    let outcome: CycleOutcome;
    let error: unknown;
    try {
      await runCycle(limit.signal);
      outcome = timedOut ? "timed-out" : stopping ? "stopped" : "completed";
    } catch (caught) {
      error = caught;
      outcome = timedOut ? "timed-out" : stopping ? "stopped" : "failed";
    } finally {
      limit.dispose();
    }
    const durationMs = Math.round(now() - startedAt);
    if (outcome === "completed") stats.completed++;
    if (outcome === "timed-out") stats.timedOut++;
    if (outcome === "failed") stats.failed++;
    const fields = { cycle, trigger, outcome, durationMs, ...(error === undefined ? {} : { error }) };
    if (outcome === "completed" || outcome === "stopped") log.info("cycle finished", fields);
    else log.error("cycle finished", fields);
    return { outcome, durationMs };
  };

  return {
    run(trigger) {
      if (stopping) return Promise.resolve({ outcome: "stopped", durationMs: 0 });
      if (running) {
        stats.overlaps++;
        log.warn("cycle overlap, skipped", {
          trigger,
          overlaps: stats.overlaps,
          runningForMs: Math.round(now() - running.startedAt),
        });
        return Promise.resolve({ outcome: "skipped", durationMs: 0 });
      }
      // The cycle starts a microtask later, so `running` is set before any of its code runs: even a cycle
      // that calls run() synchronously sees itself running.
      const controller = new AbortController();
      const current = {
        controller,
        startedAt: now(),
        done: Promise.resolve().then(() => execute(trigger, controller)),
      };
      running = current;
      void current.done.finally(() => {
        if (running === current) running = undefined;
      });
      return current.done;
    },
    async stop() {
      stopping = true;
      if (!running) return;
      running.controller.abort(new DOMException("scheduler stopped", "AbortError"));
      await running.done;
    },
    stats: () => ({ ...stats }),
  };
}

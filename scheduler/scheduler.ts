import cron, { type Logger as CronLogger, type ScheduledTask } from "node-cron";
import type { Logger } from "../core/log.js";
import { type CycleReport, type CycleStats, createCycleRunner } from "./cycle-runner.js";

// The probe scheduler: node-cron ticks on PROBE_SCHEDULE, plus one cycle at start. node-cron only knows
// the ticks it fires, not the first cycle nor runNow(), so overlap is guarded by the cycle runner for all
// three (node-cron's own `noOverlap` stays off: every tick reaches the one guard and is counted there).
// Missed ticks (the process was blocked or asleep past a slot) come from node-cron's `execution:missed`.

/** Cycles are aborted a bit before the next is due, leaving it time to write what it has. */
export const DEADLINE_SHARE = 0.9;
/** The deadline when there is no schedule to derive it from: 90% of the default 10 minutes. */
export const DEFAULT_DEADLINE_MS = 9 * 60_000;

export interface SchedulerOptions {
  /** A node-cron expression (5 or 6 fields), or `off`: no ticks and no cycle at start, runNow() only. */
  schedule: string;
  runCycle: (signal: AbortSignal) => Promise<void>;
  /** Default: 90% of the shortest interval of the schedule. */
  deadlineMs?: number;
  log: Logger;
  /** A millisecond clock for durations. */
  now?: () => number;
  /** Run one cycle right away instead of waiting for the first tick. Default true. */
  runAtStart?: boolean;
  /** Time zone the schedule is read in. Default UTC: no daylight-saving gaps in the interval. */
  timezone?: string;
}

export interface SchedulerStats extends CycleStats {
  /** Ticks node-cron reported as missed. */
  missed: number;
}

export interface Scheduler {
  readonly deadlineMs: number;
  /** The cycle started at start, if any. */
  readonly firstCycle: Promise<CycleReport> | undefined;
  /** Runs a cycle now, unless one is running (then `skipped`, counted as an overlap). */
  runNow(): Promise<CycleReport>;
  /** Stops the ticks, aborts the running cycle and waits for it to settle. */
  stop(): Promise<void>;
  stats(): SchedulerStats;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { schedule, log } = options;
  if (schedule !== "off" && !cron.validate(schedule)) {
    throw new RangeError(`not a cron expression: ${JSON.stringify(schedule)}`);
  }
  let missed = 0;
  let task: ScheduledTask | undefined;
  if (schedule !== "off") {
    task = cron.createTask(schedule, async () => void (await runner.run("schedule")), {
      name: "probe-cycle",
      timezone: options.timezone ?? "UTC",
      logger: cronLogger(log),
    });
    task.on("execution:missed", (context) => {
      missed++;
      log.warn("cycle missed", { slot: context.date.toISOString(), missed });
    });
  }
  const deadlineMs = options.deadlineMs ?? (task ? defaultDeadlineMs(task) : DEFAULT_DEADLINE_MS);
  const runner = createCycleRunner({
    runCycle: options.runCycle,
    deadlineMs,
    log,
    ...(options.now ? { now: options.now } : {}),
  });

  // Listeners first, then the ticks: none can fire before it is observed.
  void task?.start();
  log.info("scheduler started", { schedule, deadlineMs, next: task?.getNextRun()?.toISOString() });
  const firstCycle = task && options.runAtStart !== false ? runner.run("start") : undefined;

  return {
    deadlineMs,
    firstCycle,
    runNow: () => runner.run("manual"),
    async stop() {
      await task?.destroy();
      await runner.stop();
      log.info("scheduler stopped", { ...runner.stats(), missed });
    },
    stats: () => ({ ...runner.stats(), missed }),
  };
}

/** DEADLINE_SHARE of the shortest gap between the next few ticks (schedules need not be regular). */
export function defaultDeadlineMs(task: Pick<ScheduledTask, "getNextRuns">): number {
  const runs = task.getNextRuns(6).map((d) => d.getTime());
  const gaps = runs.slice(1).map((t, i) => t - (runs[i] ?? t));
  const shortest = Math.min(...gaps.filter((g) => g > 0));
  return Number.isFinite(shortest) ? Math.max(1, Math.floor(shortest * DEADLINE_SHARE)) : DEFAULT_DEADLINE_MS;
}

/** node-cron's own messages into our structured log instead of the console. */
function cronLogger(log: Logger): CronLogger {
  const fields = (error?: Error) => ({ source: "node-cron", ...(error ? { error } : {}) });
  const text = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => log.info(message, fields()),
    warn: (message) => log.warn(message, fields()),
    error: (message, error) =>
      log.error(text(message), fields(error ?? (message instanceof Error ? message : undefined))),
    debug: (message, error) => log.debug(text(message), fields(error)),
  };
}

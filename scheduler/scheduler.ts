import cron, { type Logger as CronLogger, type RunCoordinator, type ScheduledTask } from "node-cron";
import type { Logger } from "../core/log.js";
import { MAX_TIMER_MS } from "../core/timers.js";
import { type CycleReport, type CycleStats, createCycleRunner } from "./cycle-runner.js";
import { currentSlot, MIN_SLOT_CLAIM_MS } from "./run-coordinator.js";

// The probe scheduler: node-cron ticks on PROBE_SCHEDULE, plus one cycle at start. node-cron only knows
// the ticks it fires, not the first cycle nor runNow(), so overlap is guarded by the cycle runner for all
// three (node-cron's own `noOverlap` stays off: every tick reaches the one guard and is counted there).
// Missed ticks (the process was blocked or asleep past a slot) come from node-cron's `execution:missed`.
// With a run coordinator (replicas sharing a store), each slot runs on the one replica that claims it: the
// ticks through node-cron's `distributed` option, the start cycle as the current slot under the same claim.

/** The probe cycle's task name: the first part of every slot's claim key, so each schedule claims its own. */
const TASK_NAME = "probe-cycle";
/** How far back the start cycle looks for the slot it belongs to, at most. */
const MAX_SLOT_LOOK_BACK_MS = 24 * 3_600_000;

/** How often the wall clock is compared with the monotonic one. */
const CLOCK_CHECK_MS = 30_000;
/** A change beyond this in wall-minus-monotonic time is a step of the wall clock (NTP, an operator), not drift. */
const CLOCK_STEP_MS = 5_000;

/** Cycles are aborted a bit before the next is due, leaving it time to write what it has. */
export const DEADLINE_SHARE = 0.9;
/** The deadline when there is no schedule to derive it from: 90% of the default 10 minutes. */
export const DEFAULT_DEADLINE_MS = 9 * 60_000;

export interface SchedulerOptions {
  /** The cycle's name in claims and logs; default `probe-cycle`. Two schedules on one store need two names. */
  name?: string;
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
  /**
   * Decides which replica runs each slot (scheduler/run-coordinator.ts). Without it every process runs
   * every slot.
   */
  coordinator?: RunCoordinator;
}

export interface SchedulerStats extends CycleStats {
  /** Ticks node-cron reported as missed. */
  missed: number;
  /** Slots (ticks and the start cycle) another replica claimed first, or the coordinator failed to decide. */
  notElected: number;
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
  const { coordinator } = options;
  const name = options.name ?? TASK_NAME;
  let missed = 0;
  let notElected = 0;
  let task: ScheduledTask | undefined;
  if (schedule !== "off") {
    task = cron.createTask(
      schedule,
      async (context) => {
        if (coordinator) log.info("cycle elected", { slot: context.date.toISOString(), trigger: "schedule" });
        await runner.run("schedule");
      },
      {
        name,
        timezone: options.timezone ?? "UTC",
        logger: cronLogger(log),
        ...(coordinator
          ? { distributed: true, runCoordinator: coordinator, distributedLease: MIN_SLOT_CLAIM_MS }
          : {}),
      },
    );
    task.on("execution:missed", (context) => {
      missed++;
      log.warn("cycle missed", { slot: context.date.toISOString(), missed });
    });
    task.on("execution:skipped", (context) => {
      notElected++;
      const fields = { slot: context.date.toISOString(), reason: context.reason };
      if (context.reason === "coordinator-error") log.error("cycle skipped: no claim could be made", fields);
      else log.debug("cycle not elected: another replica runs this slot", fields);
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
  // node-cron waits for its next slot by wall time: after the clock steps back an hour it would fire
  // nothing for that hour. Re-armed on such a step, it waits for the next slot of the new time instead. A
  // step forward needs nothing: the next beat finds the slots in between missed and waits for the next.
  const stopWatchingClock = task
    ? watchClockSteps((stepMs) => {
        log.warn("wall clock stepped", { stepMs: Math.round(stepMs) });
        if (stepMs < 0) void rearm(task);
      })
    : () => {};
  log.info("scheduler started", { schedule, deadlineMs, next: task?.getNextRun()?.toISOString() });
  const runFirst = async (startTask: ScheduledTask): Promise<CycleReport> => {
    if (coordinator) {
      const slot = startSlot(startTask, schedule);
      let elected = false;
      try {
        elected = await coordinator.shouldRun(`${name}:${slot}`, MIN_SLOT_CLAIM_MS);
      } catch (error) {
        log.error("start cycle skipped: no claim could be made", { slot, error });
      }
      if (!elected) {
        notElected++;
        log.info("start cycle not elected: this slot runs elsewhere", { slot });
        return { outcome: "not-elected", durationMs: 0 };
      }
      log.info("cycle elected", { slot, trigger: "start" });
    }
    return runner.run("start");
  };
  const firstCycle = task && options.runAtStart !== false ? runFirst(task) : undefined;

  return {
    deadlineMs,
    firstCycle,
    runNow: () => runner.run("manual"),
    async stop() {
      stopWatchingClock();
      await task?.destroy();
      await runner.stop();
      log.info("scheduler stopped", { ...runner.stats(), missed, notElected });
    },
    stats: () => ({ ...runner.stats(), missed, notElected }),
  };
}

/**
 * The slot the start cycle stands for, as node-cron names slots (ISO time): the latest one at or before
 * now, so a replica starting after that slot ran elsewhere does not run it again.
 */
function startSlot(task: ScheduledTask, schedule: string): string {
  const onSecondZero = cron.parse(schedule).second.every((s) => s === 0);
  // 90% of the shortest interval, doubled: more than one whole interval of a regular schedule.
  const lookBack = Math.min(MAX_SLOT_LOOK_BACK_MS, 2 * defaultDeadlineMs(task));
  const slot = currentSlot(task, new Date(), lookBack, onSecondZero ? 60_000 : 1000);
  // No slot that recent (an irregular schedule): the start cycle is the one before the next tick.
  return slot?.toISOString() ?? `before-${task.getNextRun()?.toISOString()}`;
}

/** DEADLINE_SHARE of the shortest gap between the next few ticks (schedules need not be regular). */
export function defaultDeadlineMs(task: Pick<ScheduledTask, "getNextRuns">): number {
  const runs = task.getNextRuns(6).map((d) => d.getTime());
  const gaps = runs.slice(1).map((t, i) => t - (runs[i] ?? t));
  const shortest = Math.min(...gaps.filter((g) => g > 0));
  if (!Number.isFinite(shortest)) return DEFAULT_DEADLINE_MS;
  // setTimeout fires at once past 2^31-1 ms (about 24.8 days), which would abort every cycle of a rare
  // schedule (`0 0 1 1 *`) as it starts.
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(shortest * DEADLINE_SHARE)));
}

/** Calls `onStep` with the size of each step of the wall clock against the monotonic one. */
function watchClockSteps(onStep: (stepMs: number) => void): () => void {
  const offset = () => Date.now() - performance.now();
  let last = offset();
  const timer = setInterval(() => {
    const current = offset();
    const step = current - last;
    last = current;
    if (Math.abs(step) > CLOCK_STEP_MS) onStep(step);
  }, CLOCK_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Stops and starts the task: node-cron then plans its next tick from the wall clock as it is now. */
async function rearm(task: ScheduledTask): Promise<void> {
  if (task.getStatus() === "destroyed") return;
  await task.stop();
  await task.start();
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

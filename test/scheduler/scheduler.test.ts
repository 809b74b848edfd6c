import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_DEADLINE_MS, type Scheduler, startScheduler } from "../../scheduler/scheduler.js";
import { memoryLog } from "./memory-log.js";

// Real node-cron with a one-second schedule. Assertions are on counts and order with wide margins, never
// on exact timings.
const EVERY_SECOND = "*/1 * * * * *";

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

/** Blocks the event loop, as a CPU-bound burst or a suspended VM would. */
function blockEventLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe("scheduler", () => {
  it("runs a first cycle at start, then one per tick, never two at once", async () => {
    const { log } = memoryLog();
    let active = 0;
    let maxActive = 0;
    scheduler = startScheduler({
      schedule: EVERY_SECOND,
      log,
      runCycle: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(50);
        active--;
      },
    });
    expect(scheduler.firstCycle).toBeDefined();
    expect((await scheduler.firstCycle)?.outcome).toBe("completed");
    await sleep(3_500);
    await scheduler.stop();
    const stats = scheduler.stats();
    // A tick may land inside the short first cycle and be skipped: counted, never run alongside.
    expect(stats.started + stats.overlaps).toBeGreaterThanOrEqual(4);
    expect(stats.started).toBeGreaterThanOrEqual(3);
    // Every cycle completes, except one a tick may have started just before stop() aborted it.
    expect(stats.completed).toBeGreaterThanOrEqual(stats.started - 1);
    expect(stats.failed + stats.timedOut).toBe(0);
    expect(maxActive).toBe(1);
  });

  it("skips and logs the ticks that come while a cycle is still running", async () => {
    const { log, messages } = memoryLog();
    let cycles = 0;
    scheduler = startScheduler({
      schedule: EVERY_SECOND,
      deadlineMs: 20_000,
      log,
      runCycle: async () => {
        cycles++;
        await sleep(2_600);
      },
    });
    await scheduler.firstCycle;
    expect(cycles).toBe(1);
    const stats = scheduler.stats();
    expect(stats.overlaps).toBeGreaterThanOrEqual(1);
    expect(messages("cycle overlap, skipped").length).toBe(stats.overlaps);
    expect(messages("cycle overlap, skipped")[0]).toMatchObject({ trigger: "schedule" });
  });

  it("logs the ticks it missed while the process was blocked", async () => {
    const { log, messages } = memoryLog();
    scheduler = startScheduler({ schedule: EVERY_SECOND, runAtStart: false, log, runCycle: async () => {} });
    blockEventLoop(3_200);
    await sleep(1_500);
    expect(scheduler.stats().missed).toBeGreaterThanOrEqual(1);
    expect(messages("cycle missed")[0]).toMatchObject({ level: "warn" });
    expect(messages("cycle missed")[0]?.slot).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("stop aborts the running cycle, waits for it, and no tick follows", async () => {
    const { log, messages } = memoryLog();
    let reason: unknown;
    scheduler = startScheduler({
      schedule: EVERY_SECOND,
      log,
      deadlineMs: 20_000,
      runCycle: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            resolve();
          }),
        ),
    });
    await sleep(100);
    await scheduler.stop();
    expect((reason as Error).name).toBe("AbortError");
    const started = scheduler.stats().started;
    await sleep(1_500);
    expect(scheduler.stats().started).toBe(started);
    expect(messages("scheduler stopped")).toHaveLength(1);
    expect((await scheduler.runNow()).outcome).toBe("stopped");
  });

  it("with `off` runs no cycle by itself, but runNow works", async () => {
    const { log } = memoryLog();
    let cycles = 0;
    scheduler = startScheduler({
      schedule: "off",
      log,
      runCycle: async () => {
        cycles++;
      },
    });
    expect(scheduler.firstCycle).toBeUndefined();
    expect(scheduler.deadlineMs).toBe(DEFAULT_DEADLINE_MS);
    await sleep(1_200);
    expect(cycles).toBe(0);
    expect((await scheduler.runNow()).outcome).toBe("completed");
    expect(cycles).toBe(1);
  });

  it.each([
    ["*/10 * * * *", 540_000],
    [EVERY_SECOND, 900],
    ["0 0,6 * * *", 0.9 * 6 * 3_600_000],
    // Once a year: capped at the longest delay a timer honours, not a timer that fires at once.
    ["0 0 1 1 *", 2 ** 31 - 1],
  ])("derives the deadline of %s from its shortest interval: %d ms", async (schedule, deadlineMs) => {
    const { log } = memoryLog();
    scheduler = startScheduler({ schedule, log, runAtStart: false, runCycle: async () => {} });
    expect(scheduler.deadlineMs).toBe(deadlineMs);
  });

  it("takes a configured deadline, and refuses a bad schedule", () => {
    const { log } = memoryLog();
    scheduler = startScheduler({ schedule: "off", deadlineMs: 1234, log, runCycle: async () => {} });
    expect(scheduler.deadlineMs).toBe(1234);
    expect(() => startScheduler({ schedule: "every minute", log, runCycle: async () => {} })).toThrow(
      RangeError,
    );
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createCycleRunner } from "../../scheduler/cycle-runner.js";
import { memoryLog } from "./memory-log.js";

/** A cycle that runs until released from the test. */
function heldCycle() {
  let release: () => void = () => {};
  let calls = 0;
  const signals: AbortSignal[] = [];
  const runCycle = (signal: AbortSignal) => {
    calls++;
    signals.push(signal);
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return { runCycle, release: () => release(), signals, calls: () => calls };
}

/** A cycle that ends only when its signal aborts, rejecting with the reason, as a well-behaved one does. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );

/** A clock that moves 5 ms per reading. */
function steppingClock() {
  let t = 1000;
  return () => (t += 5);
}

describe("cycle runner", () => {
  it("runs a cycle, logging its start, outcome and duration", async () => {
    const { log, messages } = memoryLog();
    const runner = createCycleRunner({
      runCycle: async () => {},
      deadlineMs: 10_000,
      log,
      now: steppingClock(),
    });
    expect(await runner.run("manual")).toEqual({ outcome: "completed", durationMs: 5 });
    expect(messages("cycle started")).toMatchObject([{ level: "info", cycle: 1, trigger: "manual" }]);
    expect(messages("cycle finished")).toMatchObject([
      { level: "info", outcome: "completed", durationMs: 5 },
    ]);
    expect(runner.stats()).toEqual({ started: 1, completed: 1, timedOut: 0, failed: 0, overlaps: 0 });
  });

  it("never runs two cycles at once: a run during a cycle is skipped, logged and counted", async () => {
    const { log, messages } = memoryLog();
    const cycle = heldCycle();
    const runner = createCycleRunner({ runCycle: cycle.runCycle, deadlineMs: 10_000, log });
    const first = runner.run("start");
    const skipped = await Promise.all(Array.from({ length: 20 }, () => runner.run("schedule")));
    expect(skipped.every((r) => r.outcome === "skipped")).toBe(true);
    await sleep(0);
    expect(cycle.calls()).toBe(1);
    expect(messages("cycle overlap, skipped")).toHaveLength(20);
    expect(messages("cycle overlap, skipped")[0]).toMatchObject({
      level: "warn",
      trigger: "schedule",
      overlaps: 1,
    });

    cycle.release();
    expect((await first).outcome).toBe("completed");
    const next = runner.run("schedule");
    await sleep(0);
    cycle.release();
    expect((await next).outcome).toBe("completed");
    expect(runner.stats()).toMatchObject({ started: 2, completed: 2, overlaps: 20 });
  });

  it("counts a cycle that starts another from inside itself as an overlap", async () => {
    const { log } = memoryLog();
    const inner: string[] = [];
    const runner = createCycleRunner({
      runCycle: async () => {
        inner.push((await runner.run("manual")).outcome);
      },
      deadlineMs: 10_000,
      log,
    });
    await runner.run("start");
    expect(inner).toEqual(["skipped"]);
  });

  it("aborts a cycle at its deadline with a TimeoutError", async () => {
    const { log, messages } = memoryLog();
    let reason: unknown;
    const runner = createCycleRunner({
      runCycle: async (signal) => {
        try {
          await untilAborted(signal);
        } catch (error) {
          reason = error;
          throw error;
        }
      },
      deadlineMs: 30,
      log,
    });
    const report = await runner.run("schedule");
    expect(report.outcome).toBe("timed-out");
    expect(report.durationMs).toBeGreaterThanOrEqual(25);
    expect((reason as Error).name).toBe("TimeoutError");
    expect(messages("cycle deadline reached, aborting")).toMatchObject([{ level: "warn", deadlineMs: 30 }]);
    expect(messages("cycle finished")).toMatchObject([{ level: "error", outcome: "timed-out" }]);
    expect(runner.stats().timedOut).toBe(1);
  });

  it("holds off other cycles while an aborted cycle has not settled", async () => {
    const { log } = memoryLog();
    const cycle = heldCycle();
    const runner = createCycleRunner({ runCycle: cycle.runCycle, deadlineMs: 20, log });
    const first = runner.run("start");
    await sleep(60);
    expect(cycle.signals[0]?.aborted).toBe(true);
    expect((await runner.run("schedule")).outcome).toBe("skipped");
    cycle.release();
    expect((await first).outcome).toBe("timed-out");
  });

  it("logs a failed cycle and runs the next one", async () => {
    const { log, messages } = memoryLog();
    let calls = 0;
    const runner = createCycleRunner({
      runCycle: async () => {
        if (++calls === 1) throw new Error("probe engine exploded");
      },
      deadlineMs: 10_000,
      log,
    });
    expect((await runner.run("start")).outcome).toBe("failed");
    expect(messages("cycle finished")[0]).toMatchObject({
      level: "error",
      outcome: "failed",
      error: { message: "probe engine exploded" },
    });
    expect((await runner.run("schedule")).outcome).toBe("completed");
    expect(runner.stats()).toMatchObject({ started: 2, completed: 1, failed: 1 });
  });

  it("stop aborts the running cycle, waits for it to settle, and refuses new ones", async () => {
    const { log } = memoryLog();
    let settled = false;
    let reason: unknown;
    const runner = createCycleRunner({
      runCycle: async (signal) => {
        try {
          await untilAborted(signal);
        } catch (error) {
          reason = error;
          await sleep(20); // cleanup takes a while: stop must wait for it
          settled = true;
        }
      },
      deadlineMs: 10_000,
      log,
    });
    const running = runner.run("start");
    await sleep(0);
    await runner.stop();
    expect(settled).toBe(true);
    expect((reason as Error).name).toBe("AbortError");
    expect((await running).outcome).toBe("stopped");
    expect(await runner.run("manual")).toEqual({ outcome: "stopped", durationMs: 0 });
    await runner.stop();
  });

  it("refuses a deadline that is not a positive number", () => {
    const { log } = memoryLog();
    expect(() => createCycleRunner({ runCycle: async () => {}, deadlineMs: 0, log })).toThrow(RangeError);
    expect(() => createCycleRunner({ runCycle: async () => {}, deadlineMs: Number.NaN, log })).toThrow(
      RangeError,
    );
  });
});

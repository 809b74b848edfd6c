import { afterEach, describe, expect, it, vi } from "vitest";
import { type Scheduler, startScheduler } from "../../scheduler/scheduler.js";
import { memoryLog } from "../scheduler/memory-log.js";

// A wall clock that jumps an hour forward, then an hour back (an NTP step, a VM resumed), under the real
// scheduler and node-cron on `*/10 * * * *`, while cycles run. Virtual time: timers, Date and performance
// are faked; vi.setSystemTime moves the wall clock alone, as a step does, and timers keep real (monotonic)
// time. Pass: never two cycles at once, no two cycle starts closer than one interval, no negative
// duration, and the cycles go on after each jump within two intervals (no hour of silence after a step
// back, no burst of catch-up cycles after a step forward).

const INTERVAL_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;
/** Each cycle takes this long: a jump can land inside one. */
const CYCLE_MS = 3 * 60_000;

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

describe("a clock jumping an hour either way", () => {
  it("runs no cycle twice, none at once, none with a negative duration, and keeps the pace", async () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
      now: new Date("2026-11-21T08:03:00.000Z"),
    });
    const { log, messages } = memoryLog();
    /** Monotonic start of each cycle (performance.now, which a step of the wall clock does not move). */
    const starts: number[] = [];
    let active = 0;
    let maxActive = 0;
    scheduler = startScheduler({
      schedule: "*/10 * * * *",
      log,
      runCycle: async () => {
        starts.push(performance.now());
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, CYCLE_MS));
        active--;
      },
    });
    const run = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
    };
    // Forward an hour inside the 08:30 cycle (08:31 → 09:31).
    await run(28 * 60_000);
    vi.setSystemTime(Date.now() + HOUR_MS);
    // Back an hour between cycles (10:16 → 09:16).
    await run(45 * 60_000);
    vi.setSystemTime(Date.now() - HOUR_MS);
    // Back an hour again, inside the 10:00 cycle (10:01 → 09:01).
    await run(45 * 60_000);
    vi.setSystemTime(Date.now() - HOUR_MS);
    await run(45 * 60_000);
    await scheduler.stop();

    const durations = messages("cycle finished").map((l) => Number(l.durationMs));
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    const shortestGap = Math.min(...gaps.slice(1));
    // The time from the last start to the end counts too: silence after a jump is a gap.
    const longestGap = Math.max(...gaps, performance.now() - (starts.at(-1) ?? 0));
    console.log(
      `fault clock-jump: cycles ${starts.length} over ${(performance.now() / 60_000).toFixed(0)} min of monotonic time, jumps +1 h, -1 h, -1 h; at once ${maxActive}, shortest gap ${(shortestGap / 60_000).toFixed(1)} min, longest gap ${(longestGap / 60_000).toFixed(1)} min, negative durations ${durations.filter((d) => d < 0).length}, overlaps ${scheduler.stats().overlaps}, missed ${scheduler.stats().missed}`,
    );
    expect(maxActive).toBe(1);
    expect(durations.filter((d) => d < 0)).toEqual([]);
    expect(durations.every((d) => d === CYCLE_MS || d === 0)).toBe(true);
    // The start cycle at 08:03 and the 08:10 tick are 7 minutes apart; every later pair at least a slot.
    expect(shortestGap).toBeGreaterThanOrEqual(INTERVAL_MS - 1000);
    expect(messages("wall clock stepped").map((l) => Math.round(Number(l.stepMs) / HOUR_MS))).toEqual([
      1, -1, -1,
    ]);
    expect(longestGap).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(starts.length).toBeGreaterThanOrEqual(15);
  }, 60_000);
});

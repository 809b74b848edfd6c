import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { limitConcurrency, mapWithConcurrency } from "../../core/concurrency.js";

/** Counts calls in flight and remembers the most seen at once. */
function gauge() {
  let now = 0;
  let max = 0;
  return {
    async around<R>(work: () => Promise<R>): Promise<R> {
      now++;
      max = Math.max(max, now);
      try {
        return await work();
      } finally {
        now--;
      }
    },
    get max() {
      return max;
    },
  };
}

describe("mapWithConcurrency", () => {
  it("never has more than the limit in flight, and reaches it", async () => {
    const inFlight = gauge();
    const items = Array.from({ length: 60 }, (_, n) => n);
    const results = await mapWithConcurrency(items, 4, (n) =>
      inFlight.around(() => sleep(n % 5).then(() => n * 2)),
    );
    expect(inFlight.max).toBe(4);
    expect(results).toEqual(items.map((n) => ({ status: "fulfilled", value: n * 2 })));
  });

  it("keeps going past a failure and reports it in place", async () => {
    const results = await mapWithConcurrency([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error("two");
      return n;
    });
    expect(results).toMatchObject([
      { status: "fulfilled", value: 1 },
      { status: "rejected", reason: { message: "two" } },
      { status: "fulfilled", value: 3 },
    ]);
  });

  it("starts nothing after an abort, lets started work finish, and hands it the signal", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let startedAfterAbort = 0;
    const signals = new Set<AbortSignal | undefined>();
    const results = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, n) => n),
      3,
      async (n, _index, signal) => {
        signals.add(signal);
        if (controller.signal.aborted) startedAfterAbort++;
        started.push(n);
        if (n === 4) controller.abort();
        await sleep(2);
        return n;
      },
      controller.signal,
    );
    expect(startedAfterAbort).toBe(0);
    expect(started.length).toBeLessThanOrEqual(7);
    expect(signals).toEqual(new Set([controller.signal]));
    for (const [n, result] of results.entries()) {
      expect(result.status).toBe(started.includes(n) ? "fulfilled" : "skipped");
    }
    expect(results.filter((r) => r.status === "skipped").length).toBeGreaterThanOrEqual(13);
  });

  it("starts nothing when already aborted, and handles no items", async () => {
    const results = await mapWithConcurrency([1, 2], 2, async (n) => n, AbortSignal.abort());
    expect(results).toEqual([{ status: "skipped" }, { status: "skipped" }]);
    expect(await mapWithConcurrency([], 3, async () => 1)).toEqual([]);
  });

  it("refuses a limit that is not a whole number >= 1", async () => {
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(RangeError);
    expect(() => limitConcurrency(2.5)).toThrow(RangeError);
  });
});

describe("limitConcurrency", () => {
  it("runs at most the limit at once across all callers", async () => {
    const limit = limitConcurrency(3);
    const inFlight = gauge();
    const values = await Promise.all(
      Array.from({ length: 30 }, (_, n) => limit(() => inFlight.around(() => sleep(n % 4).then(() => n)))),
    );
    expect(inFlight.max).toBe(3);
    expect(values).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect([limit.active, limit.pending]).toEqual([0, 0]);
  });

  it("counts active and pending calls", async () => {
    const limit = limitConcurrency(1);
    let release = () => {};
    const first = limit(() => new Promise<void>((resolve) => (release = resolve)));
    const second = limit(async () => "second");
    await sleep(0);
    expect([limit.active, limit.pending]).toEqual([1, 1]);
    release();
    await first;
    expect(await second).toBe("second");
  });

  it("turns a synchronous throw into a rejection and frees the slot", async () => {
    const limit = limitConcurrency(1);
    await expect(
      limit(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(await limit(async () => "next")).toBe("next");
  });

  it("on abort rejects queued and later calls at once, and lets running ones finish", async () => {
    const controller = new AbortController();
    const limit = limitConcurrency(1, controller.signal);
    let release = () => {};
    let queuedRan = false;
    const running = limit(() => new Promise<string>((resolve) => (release = () => resolve("done"))));
    const queued = limit(async () => {
      queuedRan = true;
    });
    await sleep(0);
    controller.abort(new Error("deadline"));
    await expect(queued).rejects.toThrow("deadline");
    await expect(limit(async () => 1)).rejects.toThrow("deadline");
    release();
    expect(await running).toBe("done");
    expect(queuedRan).toBe(false);
  });
});

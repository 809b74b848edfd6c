import { describe, expect, it } from "vitest";
import { createRateLimiter, retryAfterMs } from "../../ooni/request-budget.js";

describe("OONI rate limiter", () => {
  it("lets a burst through, then waits for the bucket to refill instead of exceeding the rate", async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      capacity: 2,
      refillPerSecond: 0.5,
      now: () => clock,
      // The clock moves by exactly what the limiter asked to wait: no real time passes.
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(await limiter.acquire()).toBe(true);
    expect(await limiter.acquire()).toBe(true);
    expect(waits).toEqual([]);
    expect(await limiter.acquire()).toBe(true);
    expect(waits).toEqual([2000]);
  });

  it("refuses at once while paused by a 429, and lets requests go once the pause is over", async () => {
    let clock = 1_000;
    const limiter = createRateLimiter({ capacity: 5, refillPerSecond: 1, now: () => clock });
    limiter.pauseUntil(61_000);
    expect(limiter.pausedUntil()).toBe(61_000);
    expect(await limiter.acquire()).toBe(false);
    clock = 61_000;
    expect(limiter.pausedUntil()).toBe(0);
    expect(await limiter.acquire()).toBe(true);
  });

  it("reads Retry-After as seconds or as an HTTP date, with a fallback when absent", () => {
    const now = Date.parse("2026-11-20T14:00:00Z");
    expect(retryAfterMs("120", now, 60_000)).toBe(now + 120_000);
    expect(retryAfterMs("Fri, 20 Nov 2026 14:05:00 GMT", now, 60_000)).toBe(now + 300_000);
    expect(retryAfterMs(null, now, 60_000)).toBe(now + 60_000);
    expect(retryAfterMs("soon", now, 60_000)).toBe(now + 60_000);
  });
});

import { describe, expect, it } from "vitest";
import {
  availability,
  availabilityOf,
  DAY_MS,
  lastDays,
  measuredUntil,
  STALE_AFTER_MS,
  statusSegments,
} from "../../analysis/availability.js";
import type { ServiceStatusValue, TimelineEntry } from "../../model/status.js";

const NOW = Date.parse("2026-06-30T12:00:00.000Z");
const ago = (days: number) => new Date(NOW - days * DAY_MS).toISOString();
const entry = (
  days: number,
  to: ServiceStatusValue,
  from: ServiceStatusValue | null = null,
): TimelineEntry => ({
  at: ago(days),
  from,
  to,
  mechanism: null,
});
const window30 = lastDays(NOW, 30);

describe("statusSegments", () => {
  it("an empty timeline is one stretch of no data", () => {
    expect(statusSegments([], window30)).toEqual([{ start: window30.from, end: NOW, status: null }]);
  });

  it("before the first change there is no data; each change holds until the next", () => {
    const segments = statusSegments([entry(20, "accessible"), entry(5, "blocked", "accessible")], window30);
    expect(segments).toEqual([
      { start: window30.from, end: NOW - 20 * DAY_MS, status: null },
      { start: NOW - 20 * DAY_MS, end: NOW - 5 * DAY_MS, status: "accessible" },
      { start: NOW - 5 * DAY_MS, end: NOW, status: "blocked" },
    ]);
  });

  it("clips changes older than the window, ignores future ones and merges repeats", () => {
    const segments = statusSegments(
      [entry(90, "blocked"), entry(40, "blocked", "blocked"), entry(-1, "accessible", "blocked")],
      window30,
    );
    expect(segments).toEqual([{ start: window30.from, end: NOW, status: "blocked" }]);
  });

  it("sorts out-of-order entries and skips unreadable dates", () => {
    const bad = { at: "yesterday", from: null, to: "outage" as const, mechanism: null };
    const segments = statusSegments([entry(5, "blocked"), bad, entry(10, "accessible")], window30);
    expect(segments.map((s) => s.status)).toEqual([null, "accessible", "blocked"]);
  });

  it("ends the last status at a stale last check: after it, no data", () => {
    const segments = statusSegments([entry(20, "accessible")], window30, NOW - 2 * DAY_MS);
    expect(segments).toEqual([
      { start: window30.from, end: NOW - 20 * DAY_MS, status: null },
      { start: NOW - 20 * DAY_MS, end: NOW - 2 * DAY_MS, status: "accessible" },
      { start: NOW - 2 * DAY_MS, end: NOW, status: null },
    ]);
  });

  it("an empty window has no stretches", () => {
    expect(statusSegments([entry(1, "blocked")], { from: NOW, to: NOW })).toEqual([]);
  });
});

describe("availability", () => {
  it("empty timeline: no data, never 100%", () => {
    const a = availability([], { now: NOW, days: 30 });
    expect(a.ratio).toBeNull();
    expect(a.noData).toBe(30 * DAY_MS);
  });

  it("a single point: the status from then until now", () => {
    const a = availability([entry(0.5, "blocked")], { now: NOW, days: 30 });
    expect(a.ratio).toBe(0);
    expect(a.byStatus.blocked).toBe(0.5 * DAY_MS);
    expect(a.noData).toBe(29.5 * DAY_MS);
  });

  it("is accessible time over time in a known status; unknown and unmeasured count for neither", () => {
    const a = availability(
      [
        entry(40, "accessible"),
        entry(20, "partial", "accessible"),
        entry(15, "outage", "partial"),
        entry(12, "unknown", "outage"),
        entry(6, "accessible", "unknown"),
      ],
      { now: NOW, days: 30 },
    );
    // accessible 10 + 6 days; partial 5; outage 3; unknown 6 (left out).
    expect(a.ratio).toBeCloseTo(16 / 24, 10);
    expect(a.byStatus).toEqual({
      accessible: 16 * DAY_MS,
      partial: 5 * DAY_MS,
      blocked: 0,
      outage: 3 * DAY_MS,
      unknown: 6 * DAY_MS,
    });
  });

  it("only unknown: no data", () => {
    expect(availability([entry(3, "unknown")], { now: NOW, days: 30 }).ratio).toBeNull();
  });

  it("sums stretches given directly", () => {
    const a = availabilityOf([
      { start: 0, end: 10, status: "accessible" },
      { start: 10, end: 40, status: "blocked" },
      { start: 40, end: 50, status: null },
    ]);
    expect(a.ratio).toBe(0.25);
    expect(a.noData).toBe(10);
  });
});

describe("measuredUntil", () => {
  it("is undefined while the last check is fresh, the check's time once it is stale", () => {
    expect(measuredUntil(undefined, NOW)).toBeUndefined();
    expect(measuredUntil(new Date(NOW - 600_000).toISOString(), NOW)).toBeUndefined();
    const stale = NOW - STALE_AFTER_MS - 1;
    expect(measuredUntil(new Date(stale).toISOString(), NOW)).toBe(stale);
    expect(measuredUntil("not a date", NOW)).toBeUndefined();
  });
});

import type { ServiceStatusValue, TimelineEntry } from "../model/status.js";
import { SERVICE_STATUSES } from "../model/status.js";

// Availability over a window, read from the timeline of confirmed status changes: each change holds until
// the next one. Before the first change nothing was measured, and that is "no data", never "accessible":
// a service we have not watched is not 100% available. Pure.

export const DAY_MS = 86_400_000;

export interface TimeWindow {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive; usually now. */
  to: number;
}

/** A stretch of time with one status; `status: null` is time without any measurement. */
export interface StatusSegment {
  start: number;
  end: number;
  status: ServiceStatusValue | null;
}

/**
 * A last check older than this means measuring stopped (the bot was down, the vantage gone): the time after
 * it is no data. A younger one is the normal wait for the next cycle, and the status holds until now.
 */
export const STALE_AFTER_MS = 2 * 3_600_000;

/** Where measured time ends for a target last checked at `checkedAt`: undefined while it is fresh. */
export function measuredUntil(checkedAt: string | undefined, now: Date | number): number | undefined {
  const at = checkedAt === undefined ? Number.NaN : Date.parse(checkedAt);
  const nowMs = typeof now === "number" ? now : now.getTime();
  return Number.isFinite(at) && nowMs - at > STALE_AFTER_MS ? at : undefined;
}

/** The window of the last `days` days up to `now`. */
export function lastDays(now: Date | number, days: number): TimeWindow {
  const to = typeof now === "number" ? now : now.getTime();
  return { from: to - days * DAY_MS, to };
}

/**
 * The window cut into stretches of one status each, in order, covering it exactly. `measuredUntil`
 * (the last check) ends the final status early: after it nothing was measured.
 */
export function statusSegments(
  timeline: readonly TimelineEntry[],
  window: TimeWindow,
  measuredUntil?: number,
): StatusSegment[] {
  const { from, to } = window;
  if (!(to > from)) return [];
  const changes = timeline
    .map((e) => ({ at: Date.parse(e.at), to: e.to }))
    .filter((c) => Number.isFinite(c.at))
    .sort((a, b) => a.at - b.at);
  const end = measuredUntil !== undefined && Number.isFinite(measuredUntil) ? measuredUntil : to;

  const segments: StatusSegment[] = [];
  const push = (start: number, stop: number, status: ServiceStatusValue | null) => {
    const s = Math.max(start, from);
    const e = Math.min(stop, to);
    if (e <= s) return;
    const last = segments[segments.length - 1];
    if (last && last.status === status && last.end === s) last.end = e;
    else segments.push({ start: s, end: e, status });
  };

  // Each change holds from its time until the next change; before the first, nothing was measured.
  let start = Number.NEGATIVE_INFINITY;
  let status: ServiceStatusValue | null = null;
  const stretches: StatusSegment[] = [];
  for (const change of changes) {
    stretches.push({ start, end: change.at, status });
    start = change.at;
    status = change.to;
  }
  stretches.push({ start, end: Number.POSITIVE_INFINITY, status });
  for (const s of stretches) {
    if (s.status === null) push(s.start, s.end, null);
    else {
      push(s.start, Math.min(s.end, end), s.status);
      push(Math.max(s.start, end), s.end, null);
    }
  }
  return segments;
}

export interface Availability {
  /** Share of the time with a known status (not unknown, not unmeasured) that was accessible; null: no data. */
  ratio: number | null;
  /** Milliseconds per status within the window. */
  byStatus: Record<ServiceStatusValue, number>;
  /** Milliseconds without any measurement. */
  noData: number;
  /**
   * Milliseconds with a known status: what `ratio` is a share of. "100%" after four minutes of watching
   * says little; the page says "100% of 4 minutes measured".
   */
  measuredMs: number;
}

/**
 * Time accessible against time in any other known status. `unknown` (the vantages could not tell) and
 * unmeasured time count for neither: counting them as down would be a guess, counting them as up a lie.
 */
export function availabilityOf(segments: readonly StatusSegment[]): Availability {
  const byStatus = Object.fromEntries(SERVICE_STATUSES.map((s) => [s, 0])) as Record<
    ServiceStatusValue,
    number
  >;
  let noData = 0;
  for (const segment of segments) {
    const length = segment.end - segment.start;
    if (segment.status === null) noData += length;
    else byStatus[segment.status] += length;
  }
  const known = byStatus.accessible + byStatus.partial + byStatus.blocked + byStatus.outage;
  return { ratio: known > 0 ? byStatus.accessible / known : null, byStatus, noData, measuredMs: known };
}

/** Availability of a target over the last `days` days, from its timeline. */
export function availability(
  timeline: readonly TimelineEntry[],
  options: { now: Date | number; days: number; measuredUntil?: number },
): Availability {
  return availabilityOf(statusSegments(timeline, lastDays(options.now, options.days), options.measuredUntil));
}

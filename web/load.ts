import { type Availability, availability, measuredUntil } from "../analysis/availability.js";
import type { ServiceStatus, Target, TimelineEntry } from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Store } from "../store/types.js";

// The reads behind the pages and the API: a target's status, timeline and availability over a window.
// Availability stops at a stale last check, so a bot that was down for a week shows a week of no data.

export const AVAILABILITY_DAYS = 30;

export interface TargetSnapshot {
  status: ServiceStatus | undefined;
  timeline: TimelineEntry[];
  availability: Availability;
}

export function availabilityFor(
  status: ServiceStatus | undefined,
  timeline: readonly TimelineEntry[],
  now: Date,
  days = AVAILABILITY_DAYS,
): Availability {
  const until = measuredUntil(status?.checkedAt, now);
  return availability(timeline, { now, days, ...(until !== undefined ? { measuredUntil: until } : {}) });
}

export async function loadTarget(
  store: Store,
  target: Target,
  now: Date,
  days = AVAILABILITY_DAYS,
): Promise<TargetSnapshot> {
  const [status, timeline] = await Promise.all([store.getStatus(target), store.getTimeline(target)]);
  return { status, timeline, availability: availabilityFor(status, timeline, now, days) };
}

/** The measured services of a country that the knowledge base knows, by id, with their timelines. */
export async function loadCountry(
  store: Store,
  kb: KnowledgeBase,
  country: string,
  now: Date,
): Promise<Map<string, TargetSnapshot>> {
  const statuses = (await store.listStatuses(country)).filter((s) => kb.service(s.service) !== undefined);
  const timelines = await Promise.all(statuses.map((s) => store.getTimeline(s)));
  return new Map(
    statuses.map((status, i) => {
      const timeline = timelines[i] ?? [];
      return [status.service, { status, timeline, availability: availabilityFor(status, timeline, now) }];
    }),
  );
}

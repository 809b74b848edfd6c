import { type Availability, availability, measuredUntil } from "../analysis/availability.js";
import type { ServiceStatus, Target, TimelineEntry } from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { type StatusView, statusView } from "../pipeline/status-view.js";
import type { Store } from "../store/types.js";

// The reads behind the pages and the API: what people are told about a target (the read model, with the
// history as its baseline), its timeline, and availability over a window. Availability stops at a stale
// last check, so a bot that was down for a week shows a week of no data.

export const AVAILABILITY_DAYS = 30;

export interface TargetSnapshot {
  view: StatusView;
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
  kb: KnowledgeBase,
  target: Target,
  now: Date,
  days = AVAILABILITY_DAYS,
): Promise<TargetSnapshot> {
  const [[status], timeline] = await Promise.all([store.getStatuses([target]), store.getTimeline(target)]);
  return {
    view: statusView(kb, target, status),
    timeline,
    availability: availabilityFor(status, timeline, now, days),
  };
}

/** Every service of the knowledge base in a country, by id: statuses in one read, timelines of the measured. */
export async function loadCountry(
  store: Store,
  kb: KnowledgeBase,
  country: string,
  now: Date,
): Promise<Map<string, TargetSnapshot>> {
  const targets = kb.services.map((s) => ({ service: s.id, country }));
  const statuses = await store.getStatuses(targets);
  const timelines = await Promise.all(
    targets.map((target, i) => (statuses[i] ? store.getTimeline(target) : Promise.resolve([]))),
  );
  return new Map(
    targets.map((target, i) => {
      const status = statuses[i];
      const timeline = timelines[i] ?? [];
      return [
        target.service,
        {
          view: statusView(kb, target, status),
          timeline,
          availability: availabilityFor(status, timeline, now),
        },
      ];
    }),
  );
}

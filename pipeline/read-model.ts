import { type Availability, availability, measuredUntil } from "../analysis/availability.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Service } from "../kb/schema.js";
import type { ServiceStatus, ServiceStatusValue, Target, TimelineEntry } from "../model/status.js";
import { REPORT_WINDOW_MS, type ReportStore, type StatusStore } from "../model/store.js";
import { type Basis, type KnownStatus, type StatusView, statusView } from "./status-view.js";

// The one read model (docs/design.md, "Life of a question"): what people are told about services, read
// from the store in as few round trips as it takes and told the same way everywhere: the bot, the console,
// `ask --json`, the board, the service page and the API. A status is the read model's view
// (pipeline/status-view.ts, history as the baseline); what works instead is ranked here, once, for answers
// and alerts alike.

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
  store: Pick<StatusStore, "getStatuses" | "getTimeline">,
  kb: KnowledgeBase,
  target: Target,
  now: Date,
  days = AVAILABILITY_DAYS,
): Promise<TargetSnapshot> {
  const [[status], timeline] = await Promise.all([store.getStatuses([target]), store.getTimeline(target)]);
  return {
    view: statusView(kb, target, status, now.getTime()),
    timeline,
    availability: availabilityFor(status, timeline, now, days),
  };
}

/** Every service of the knowledge base in a country, by id: statuses in one read, timelines of the measured. */
export async function loadCountry(
  store: Pick<StatusStore, "getStatuses" | "getTimeline">,
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
          view: statusView(kb, target, status, now.getTime()),
          timeline,
          availability: availabilityFor(status, timeline, now),
        },
      ];
    }),
  );
}

export interface RelatedService {
  service: string;
  status: ServiceStatusValue;
  basis: Basis;
  /** Measured, but the newest measurement is too old to speak in the present tense. */
  stale: boolean;
  e2ee: "yes" | "optional" | "no";
}

/** The status users should be told (pipeline/status-view.ts): a measurement, else history, else unknown. */
export function knownFrom(
  kb: KnowledgeBase,
  target: Target,
  measured: ServiceStatus | undefined,
  nowMs: number,
): KnownStatus {
  const { service: _service, country: _country, ...known } = statusView(kb, target, measured, nowMs);
  return known;
}

const reachability: Record<ServiceStatusValue, number> = {
  accessible: 0,
  partial: 1,
  unknown: 2,
  outage: 3,
  blocked: 4,
};
const privacy = { yes: 0, optional: 1, no: 2 } as const;

/** What works now first; among equals, what keeps messages private. */
export function byUsefulness(a: RelatedService, b: RelatedService): number {
  return reachability[a.status] - reachability[b.status] || privacy[a.e2ee] - privacy[b.e2ee];
}

/**
 * Lists of services by id with their status in a country, each list most useful first. Read in one store
 * read: an answer needs a dozen statuses, and on Redis or SQLite each read of its own is a round trip.
 */
export async function relatedLists(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  groups: string[][],
  country: string,
  nowMs: number,
): Promise<RelatedService[][]> {
  const known = knownServices(kb, groups);
  const targets = known.flat().map((service) => ({ service: service.id, country }));
  const measured = targets.length > 0 ? await store.getStatuses(targets) : [];
  return rankRelated(kb, known, country, measured, nowMs);
}

/** The services of each group that the knowledge base knows. */
function knownServices(kb: KnowledgeBase, groups: string[][]): Service[][] {
  // Plain loops: flat and flatMap took most of this function's time.
  const services: Service[][] = [];
  for (const ids of groups) {
    const list: Service[] = [];
    for (const id of ids) {
      const service = kb.service(id);
      if (service) list.push(service);
    }
    services.push(list);
  }
  return services;
}

/** Each group with its statuses (`measured`, in the order of the groups' services), most useful first. */
function rankRelated(
  kb: KnowledgeBase,
  groups: Service[][],
  country: string,
  measured: readonly (ServiceStatus | undefined)[],
  nowMs: number,
): RelatedService[][] {
  let next = 0;
  return groups.map((list) =>
    list
      .map((service): RelatedService => {
        const known = knownFrom(kb, { service: service.id, country }, measured[next++], nowMs);
        return {
          service: service.id,
          status: known.status,
          basis: known.basis,
          stale: known.stale,
          e2ee: service.e2ee,
        };
      })
      .sort(byUsefulness),
  );
}

/**
 * What works instead of a service in a country: its alternatives (those of its own category when it lists
 * any) and, when it is blocked or partial, the ways around the block; each with its own status there,
 * most useful first. Answers and alerts both use this, so they agree.
 */
export async function whatWorksInstead(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  service: Service,
  country: string,
  status: ServiceStatusValue,
  nowMs: number,
): Promise<{ alternatives: RelatedService[]; circumvention: RelatedService[] }> {
  const [alternatives, tools] = insteadCandidates(kb, service);
  const [alternativesRanked = [], circumvention = []] = await relatedLists(
    kb,
    store,
    [alternatives, troubled(status) ? tools : []],
    country,
    nowMs,
  );
  return { alternatives: alternativesRanked, circumvention };
}

/**
 * Ids of what may work instead of a service: its alternatives (those of its own category when it lists
 * any), then every way around blocks but itself.
 */
function insteadCandidates(kb: KnowledgeBase, service: Service): [string[], string[]] {
  const sameCategory = service.alternatives.filter((id) => kb.service(id)?.category === service.category);
  const tools = kb
    .circumventionTools()
    .map((s) => s.id)
    .filter((id) => id !== service.id);
  return [sameCategory.length > 0 ? sameCategory : service.alternatives, tools];
}

/** One service's line in a country's overview (/list). */
export interface ListedService {
  service: string;
  status: ServiceStatusValue;
  basis: Basis;
  stale: boolean;
}

/** Every service of the knowledge base with its status in one country: one store read for the country. */
export async function countryOverview(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "listStatuses">,
  country: string,
  nowMs: number,
): Promise<ListedService[]> {
  const measured = new Map((await store.listStatuses(country)).map((s) => [s.service, s]));
  return kb.services.map((service) => {
    const view = statusView(kb, { service: service.id, country }, measured.get(service.id), nowMs);
    return { service: service.id, status: view.status, basis: view.basis, stale: view.stale };
  });
}

/** What to use instead of a service (/alternatives): its alternatives and, always, the ways around blocks. */
export interface AlternativesView {
  service: string;
  country: string;
  alternatives: RelatedService[];
  circumvention: RelatedService[];
}

export async function buildAlternatives(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  serviceId: string,
  country: string,
  nowMs: number,
): Promise<AlternativesView> {
  const service = kb.service(serviceId);
  const tools = kb
    .circumventionTools()
    .map((s) => s.id)
    .filter((id) => id !== serviceId);
  const [alternatives = [], circumvention = []] = await relatedLists(
    kb,
    store,
    [service?.alternatives ?? [], tools],
    country,
    nowMs,
  );
  return { service: serviceId, country, alternatives, circumvention };
}

/** The statuses of many targets in one store read: an answer needs a dozen, and each read is a round trip. */
export async function readStatusViews(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  targets: readonly Target[],
  nowMs: number,
): Promise<StatusView[]> {
  if (targets.length === 0) return [];
  const measured = await store.getStatuses(targets);
  return targets.map((target, i) => statusView(kb, target, measured[i], nowMs));
}

/** Every service of the knowledge base in one country, in the knowledge base's order, in one read. */
export function readCountryViews(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  country: string,
  nowMs: number,
): Promise<StatusView[]> {
  return readStatusViews(
    kb,
    store,
    kb.services.map((s) => ({ service: s.id, country })),
    nowMs,
  );
}

/** A service in a country with everything an answer or a service page shows beside its status. */
export interface ServiceModel {
  known: KnownStatus;
  /** Its alternatives in the country, most useful first. */
  alternatives: RelatedService[];
  /** The ways around a block and their own status there, most useful first (read whether shown or not). */
  tools: RelatedService[];
  /** People who reported problems with it in the country in the last hour. */
  recentReports: number;
}

/**
 * The service's status and those of everything that may be offered instead, in one read of the store, and
 * the recent reports beside it: the ways around blocks are read whether or not they are shown, as one read
 * more would cost a round trip on SQLite and Redis where a few more keys in the same read cost next to
 * nothing.
 */
export async function readServiceModel(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses"> & Pick<ReportStore, "countReports">,
  service: Service,
  country: string,
  nowMs: number,
): Promise<ServiceModel> {
  const target = { service: service.id, country };
  const candidates = knownServices(kb, insteadCandidates(kb, service));
  const [measured, recentReports] = await Promise.all([
    store.getStatuses([target, ...candidates.flat().map((s) => ({ service: s.id, country }))]),
    store.countReports(target, nowMs - REPORT_WINDOW_MS),
  ]);
  const [alternatives = [], tools = []] = rankRelated(kb, candidates, country, measured.slice(1), nowMs);
  return { known: knownFrom(kb, target, measured[0], nowMs), alternatives, tools, recentReports };
}

/** Ways around a block are offered only when there is one. */
export const troubled = (status: ServiceStatusValue) => status === "blocked" || status === "partial";

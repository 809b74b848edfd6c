import type { FeatureStatus, Mechanism, ServiceStatusValue, Target } from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent, Service } from "../kb/schema.js";
import { REPORT_WINDOW_MS } from "../store/domain.js";
import type { Store } from "../store/types.js";
import type { ParsedQuestion } from "./parse.js";

/**
 * Where a status comes from. `measurement`: our own probes confirmed it. `history`: nothing measured yet,
 * the knowledge base's latest dated event says so. `none`: neither.
 */
export type Basis = "measurement" | "history" | "none";

export interface KnownStatus {
  status: ServiceStatusValue;
  basis: Basis;
  since: string | null;
  checkedAt: string | null;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  /** The event a history-based status rests on. */
  event: KbEvent | null;
}

export interface RelatedService {
  service: string;
  status: ServiceStatusValue;
  basis: Basis;
  e2ee: "yes" | "optional" | "no";
}

/** Everything an answer says, as data: built from store and knowledge base, rendered by render.ts. */
export interface Answer extends KnownStatus {
  understood: boolean;
  service: string | null;
  domain: string | null;
  country: string;
  region: string | null;
  history: KbEvent[];
  alternatives: RelatedService[];
  /** Only when the service is blocked or partial: the ways around it and their own status there. */
  circumvention: RelatedService[];
  suggestions: string[];
  /** How many people reported problems with the service in the country within the last hour. */
  recentReports?: number;
}

const HISTORY_SHOWN = 3;

export const NOTHING_KNOWN: KnownStatus = {
  status: "unknown",
  basis: "none",
  since: null,
  checkedAt: null,
  mechanism: null,
  features: [],
  event: null,
};

/** The status users should be told: a confirmed measurement, else the latest dated event, else unknown. */
export async function knownStatus(kb: KnowledgeBase, store: Store, target: Target): Promise<KnownStatus> {
  const measured = await store.getStatus(target);
  if (measured) {
    return {
      status: measured.status,
      basis: "measurement",
      since: measured.since,
      checkedAt: measured.checkedAt,
      mechanism: measured.mechanism,
      features: measured.features,
      event: null,
    };
  }
  const latest = kb.eventsFor(target.service, target.country).at(-1);
  if (latest) {
    return {
      status: latest.status,
      basis: "history",
      since: latest.date,
      checkedAt: null,
      mechanism: null,
      features: [],
      event: latest,
    };
  }
  return NOTHING_KNOWN;
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

export async function related(
  kb: KnowledgeBase,
  store: Store,
  ids: string[],
  country: string,
): Promise<RelatedService[]> {
  // Looked up together: on Redis or SQLite each is a round trip, and an answer needs a dozen.
  const found = await Promise.all(
    ids
      .flatMap((id) => kb.service(id) ?? [])
      .map(async (service): Promise<RelatedService> => {
        const known = await knownStatus(kb, store, { service: service.id, country });
        return { service: service.id, status: known.status, basis: known.basis, e2ee: service.e2ee };
      }),
  );
  return found.sort(byUsefulness);
}

export interface AnswerContext {
  kb: KnowledgeBase;
  store: Store;
  /** The chat's default country, else DEFAULT_COUNTRY. */
  defaultCountry: string;
  /** Epoch milliseconds; tests pass their own clock. */
  now?: () => number;
}

export async function buildAnswer(parsed: ParsedQuestion, ctx: AnswerContext): Promise<Answer> {
  const { kb, store } = ctx;
  const country = parsed.country ?? ctx.defaultCountry;
  const base = {
    understood: parsed.understood,
    service: parsed.service,
    domain: parsed.domain,
    country,
    region: parsed.region,
    suggestions: parsed.suggestions,
  };
  const service = parsed.service ? kb.service(parsed.service) : undefined;
  if (!service) {
    return {
      ...base,
      ...NOTHING_KNOWN,
      history: [],
      alternatives: [],
      circumvention: [],
    };
  }
  const known = await knownStatus(kb, store, { service: service.id, country });
  const { alternatives, circumvention } = await whatWorksInstead(kb, store, service, country, known.status);
  const now = ctx.now?.() ?? Date.now();
  const recentReports = await store.countReports({ service: service.id, country }, now - REPORT_WINDOW_MS);
  return {
    ...base,
    ...known,
    history: kb.eventsFor(service.id, country).slice(-HISTORY_SHOWN).reverse(),
    alternatives,
    circumvention,
    recentReports,
  };
}

/**
 * What works instead of a service in a country: its alternatives (those of its own category when it lists
 * any) and, when it is blocked or partial, the ways around the block; each with its own status there,
 * most useful first. Answers and alerts both use this, so they agree.
 */
export async function whatWorksInstead(
  kb: KnowledgeBase,
  store: Store,
  service: Service,
  country: string,
  status: ServiceStatusValue,
): Promise<{ alternatives: RelatedService[]; circumvention: RelatedService[] }> {
  const sameCategory = service.alternatives.filter((id) => kb.service(id)?.category === service.category);
  const troubled = status === "blocked" || status === "partial";
  const tools = kb
    .circumventionTools()
    .map((s) => s.id)
    .filter((id) => id !== service.id);
  const [alternatives, circumvention] = await Promise.all([
    related(kb, store, sameCategory.length > 0 ? sameCategory : service.alternatives, country),
    troubled ? related(kb, store, tools, country) : Promise.resolve([]),
  ]);
  return { alternatives, circumvention };
}

/** One service's line in a country's overview (/list). */
export interface ListedService {
  service: string;
  status: ServiceStatusValue;
  basis: Basis;
}

/** Every service of the knowledge base with its status in one country: one store read for the country. */
export async function countryOverview(
  kb: KnowledgeBase,
  store: Store,
  country: string,
): Promise<ListedService[]> {
  const measured = new Map((await store.listStatuses(country)).map((s) => [s.service, s.status]));
  return kb.services.map((service) => {
    const status = measured.get(service.id);
    if (status) return { service: service.id, status, basis: "measurement" };
    const latest = kb.eventsFor(service.id, country).at(-1);
    return latest
      ? { service: service.id, status: latest.status, basis: "history" }
      : { service: service.id, status: "unknown", basis: "none" };
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
  store: Store,
  serviceId: string,
  country: string,
): Promise<AlternativesView> {
  const service = kb.service(serviceId);
  const tools = kb
    .circumventionTools()
    .map((s) => s.id)
    .filter((id) => id !== serviceId);
  return {
    service: serviceId,
    country,
    alternatives: await related(kb, store, service?.alternatives ?? [], country),
    circumvention: await related(kb, store, tools, country),
  };
}

import type { ServiceStatus, ServiceStatusValue, Target } from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent, Service } from "../kb/schema.js";
import { ooniSummaryWithin } from "../ooni/deadline.js";
import type { OoniQuery, OoniSource, OoniSummary, OoniUnavailable } from "../ooni/types.js";
import { type Basis, nothingKnown, type StatusView, statusView } from "../pipeline/status-view.js";
import type { OnDemandChecks } from "../probes/on-demand.js";
import { REPORT_WINDOW_MS } from "../store/domain.js";
import type { Store } from "../store/types.js";
import type { ParsedQuestion } from "./parse.js";

export type { Basis } from "../pipeline/status-view.js";

/** The status an answer gives: the read model's view (pipeline/status-view.ts) without its target. */
export type KnownStatus = Omit<StatusView, "service" | "country">;

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
  /** OONI's public measurements, asked when our own probes have no status or an unknown one (ooni/). */
  ooni?: OoniSummary | OoniUnavailable;
}

const HISTORY_SHOWN = 3;

const { service: _none, country: _nowhere, ...nothing } = nothingKnown({ service: "", country: "" });
export const NOTHING_KNOWN: KnownStatus = nothing;

/** The status users should be told (pipeline/status-view.ts): a measurement, else history, else unknown. */
function knownFrom(kb: KnowledgeBase, target: Target, measured: ServiceStatus | undefined): KnownStatus {
  const { service: _service, country: _country, ...known } = statusView(kb, target, measured);
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
  store: Store,
  groups: string[][],
  country: string,
): Promise<RelatedService[][]> {
  const known = knownServices(kb, groups);
  const targets = known.flat().map((service) => ({ service: service.id, country }));
  const measured = targets.length > 0 ? await store.getStatuses(targets) : [];
  return rankRelated(kb, known, country, measured);
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
): RelatedService[][] {
  let next = 0;
  return groups.map((list) =>
    list
      .map((service): RelatedService => {
        const known = knownFrom(kb, { service: service.id, country }, measured[next++]);
        return { service: service.id, status: known.status, basis: known.basis, e2ee: service.e2ee };
      })
      .sort(byUsefulness),
  );
}

export interface AnswerContext {
  kb: KnowledgeBase;
  store: Store;
  /** The chat's default country, else DEFAULT_COUNTRY. */
  defaultCountry: string;
  /** Epoch milliseconds; tests pass their own clock. */
  now?: () => number;
  /** OONI as a source for what our probes have not measured; absent means not asked. */
  ooni?: OoniSource;
  /** On-demand probes of any domain ("Check now"); absent means not offered. */
  onDemand?: OnDemandChecks;
}

/** OONI's summary within the answer's deadline, when a source is configured. */
async function askOoni(
  ctx: AnswerContext,
  query: OoniQuery,
): Promise<{ ooni?: OoniSummary | OoniUnavailable }> {
  return ctx.ooni ? { ooni: await ooniSummaryWithin(ctx.ooni, query) } : {};
}

export async function buildAnswer(parsed: ParsedQuestion, ctx: AnswerContext): Promise<Answer> {
  const { kb, store } = ctx;
  const country = parsed.country ?? ctx.defaultCountry;
  const service = parsed.service ? kb.service(parsed.service) : undefined;
  if (!service) {
    return answerOf(parsed, country, NOTHING_KNOWN, {
      history: [],
      alternatives: [],
      circumvention: [],
      ...(parsed.understood && parsed.domain ? await askOoni(ctx, { country, domain: parsed.domain }) : {}),
    });
  }
  const target = { service: service.id, country };
  const now = ctx.now?.() ?? Date.now();
  // The service's status and those of everything that may be offered instead, in one read: the ways around
  // blocks are read whether or not they are shown, as one read more would cost a round trip on SQLite and
  // Redis, where reading a few more keys in the same one costs next to nothing.
  const candidates = knownServices(kb, insteadCandidates(kb, service));
  const [measured, recentReports] = await Promise.all([
    store.getStatuses([target, ...candidates.flat().map((s) => ({ service: s.id, country }))]),
    store.countReports(target, now - REPORT_WINDOW_MS),
  ]);
  const known = knownFrom(kb, target, measured[0]);
  const [alternatives = [], tools = []] = rankRelated(kb, candidates, country, measured.slice(1));
  // Our probes could not decide (no control vantage, vantages offline or in disagreement): OONI's
  // measurements, which carry their own test helper's control, may tell blocked from down.
  const ooni =
    known.basis === "measurement" && known.status !== "unknown"
      ? {}
      : await askOoni(ctx, { country, service: service.id });
  return answerOf(parsed, country, known, {
    history: kb.eventsFor(service.id, country).slice(-HISTORY_SHOWN).reverse(),
    alternatives,
    circumvention: troubled(known.status) ? tools : [],
    recentReports,
    ...ooni,
  });
}

type AnswerRest = Pick<Answer, "history" | "alternatives" | "circumvention" | "recentReports" | "ooni">;

/**
 * The answer, field by field: a literal that spread `known` after other fields was built on V8's slow path,
 * a tenth of the time an answer took (npm run bench, bot latency).
 */
function answerOf(parsed: ParsedQuestion, country: string, known: KnownStatus, rest: AnswerRest): Answer {
  const answer: Answer = {
    understood: parsed.understood,
    service: parsed.service,
    domain: parsed.domain,
    country,
    region: parsed.region,
    suggestions: parsed.suggestions,
    status: known.status,
    basis: known.basis,
    since: known.since,
    checkedAt: known.checkedAt,
    mechanism: known.mechanism,
    features: known.features,
    regions: known.regions,
    confidence: known.confidence,
    method: known.method,
    event: known.event,
    undecidedAt: known.undecidedAt,
    evidence: known.evidence,
    history: rest.history,
    alternatives: rest.alternatives,
    circumvention: rest.circumvention,
  };
  if (known.vantages !== undefined) answer.vantages = known.vantages;
  if (rest.recentReports !== undefined) answer.recentReports = rest.recentReports;
  if (rest.ooni !== undefined) answer.ooni = rest.ooni;
  return answer;
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
  const [alternatives, tools] = insteadCandidates(kb, service);
  const [alternativesRanked = [], circumvention = []] = await relatedLists(
    kb,
    store,
    [alternatives, troubled(status) ? tools : []],
    country,
  );
  return { alternatives: alternativesRanked, circumvention };
}

/** Ways around a block are offered only when there is one. */
const troubled = (status: ServiceStatusValue) => status === "blocked" || status === "partial";

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
}

/** Every service of the knowledge base with its status in one country: one store read for the country. */
export async function countryOverview(
  kb: KnowledgeBase,
  store: Store,
  country: string,
): Promise<ListedService[]> {
  const measured = new Map((await store.listStatuses(country)).map((s) => [s.service, s]));
  return kb.services.map((service) => {
    const view = statusView(kb, { service: service.id, country }, measured.get(service.id));
    return { service: service.id, status: view.status, basis: view.basis };
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
  const [alternatives = [], circumvention = []] = await relatedLists(
    kb,
    store,
    [service?.alternatives ?? [], tools],
    country,
  );
  return { service: serviceId, country, alternatives, circumvention };
}

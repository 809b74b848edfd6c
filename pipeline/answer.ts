import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent } from "../kb/schema.js";
import type { OoniQuery, OoniSource, OoniSummary, OoniUnavailable } from "../model/ooni.js";
import type { ParsedQuestion } from "../model/question.js";
import type { ReportStore, StatusStore } from "../model/store.js";
import type { OnDemandChecks } from "./check-now.js";
import { ooniSummaryWithin } from "./ooni-deadline.js";
import { type RelatedService, readServiceModel, troubled } from "./read-model.js";
import { type KnownStatus, nothingKnown } from "./status-view.js";

export type { RelatedService } from "./read-model.js";
export type { Basis, KnownStatus } from "./status-view.js";

// A question, once parsed, becomes an Answer: the read model's status of the service in the country and
// what works instead (pipeline/read-model.ts, one store read), its dated history, and OONI's public
// measurements when our vantages have not decided. Rendering is the adapters' (bot/render.ts).

/** Everything an answer says, as data: built from store and knowledge base, rendered by render.ts. */
export interface Answer extends KnownStatus {
  /** When it was built (ISO): "measured in the last 6 h" is counted from here. */
  at: string;
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

export interface AnswerContext {
  kb: KnowledgeBase;
  store: StatusStore & Pick<ReportStore, "countReports">;
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
  const nowMs = ctx.now?.() ?? Date.now();
  if (!service) {
    return answerOf(parsed, country, nowMs, NOTHING_KNOWN, {
      history: [],
      alternatives: [],
      circumvention: [],
      ...(parsed.understood && parsed.domain ? await askOoni(ctx, { country, domain: parsed.domain }) : {}),
    });
  }
  const { known, alternatives, tools, recentReports } = await readServiceModel(
    kb,
    store,
    service,
    country,
    nowMs,
  );
  // Nothing measured could decide (no control vantage, vantages offline or in disagreement), or what did is
  // old: OONI's newest measurements, which carry their own test helper's control, may tell.
  const ooni =
    known.basis === "measurement" && known.status !== "unknown" && !known.stale
      ? {}
      : await askOoni(ctx, { country, service: service.id });
  return answerOf(parsed, country, nowMs, known, {
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
function answerOf(
  parsed: ParsedQuestion,
  country: string,
  nowMs: number,
  known: KnownStatus,
  rest: AnswerRest,
): Answer {
  const answer: Answer = {
    at: new Date(nowMs).toISOString(),
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
    sources: known.sources,
    networks: known.networks,
    measuredAt: known.measuredAt,
    stale: known.stale,
    history: rest.history,
    alternatives: rest.alternatives,
    circumvention: rest.circumvention,
  };
  if (known.vantages !== undefined) answer.vantages = known.vantages;
  if (rest.recentReports !== undefined) answer.recentReports = rest.recentReports;
  if (rest.ooni !== undefined) answer.ooni = rest.ooni;
  return answer;
}

import { LAST_KNOWN_AFTER_MS, newestMeasurement } from "../analysis/readings.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent } from "../kb/schema.js";
import type { NetworkStatus, SourceSummary } from "../model/readings.js";
import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatus,
  ServiceStatusValue,
  StatusMethod,
  Target,
  VantageStatus,
} from "../model/status.js";

// The one read model: what people are told about a service in a country, whoever asks (the bot, the
// console, `ask --json`, the board, the service page, the API). A confirmed measurement when there is one
// that decided something; otherwise the knowledge base's last known status, dated and sourced; otherwise
// unknown. A measurement that could not tell never hides the history: a vantage going offline must not
// turn "blocked since September 2017" into "unknown".

/**
 * Where a status comes from. `measurement`: a confirmed status from our vantages. `history`: nothing
 * decided by measurement, the knowledge base's latest dated event says so. `none`: neither.
 */
export type Basis = "measurement" | "history" | "none";

export interface StatusView {
  service: string;
  country: string;
  status: ServiceStatusValue;
  basis: Basis;
  /** Measured: the first cycle of the status. History: the first event of the latest run of this status. */
  since: string | null;
  /** The latest cycle that measured it; null unless measured. */
  checkedAt: string | null;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Each vantage's own status, when they disagree. */
  vantages?: VantageStatus[];
  /** 0..1 for a measurement (analysis/confidence.ts); 0 otherwise. */
  confidence: number;
  /** What a measurement rests on; null for history and none, and for statuses stored before it was kept. */
  method: StatusMethod | null;
  /** The event a history-based status holds since (the first of its latest run): its source is the answer's. */
  event: KbEvent | null;
  /** When our vantages last measured and could not tell (shown beside a history answer). */
  undecidedAt: string | null;
  /** What each vantage saw, for the service page; measured statuses only. */
  evidence: string[];
  /** Who measured it (our probes, agents, OONI's volunteers), each with its own status; measured only. */
  sources: SourceSummary[];
  /** Per network where networks are known ("blocked on China Telecom, works on China Mobile"). */
  networks: NetworkStatus[];
  /** The newest measurement the status rests on; null unless measured. */
  measuredAt: string | null;
  /** That measurement is older than LAST_KNOWN_AFTER_MS: told as the last known status, not the present. */
  stale: boolean;
}

/** The status without its target: what an answer or a related service carries. */
export type KnownStatus = Omit<StatusView, "service" | "country">;

/** Nothing measured and no history: an honest unknown. */
export const nothingKnown = (target: Target): StatusView => ({
  service: target.service,
  country: target.country,
  status: "unknown",
  basis: "none",
  since: null,
  checkedAt: null,
  mechanism: null,
  features: [],
  regions: [],
  confidence: 0,
  method: null,
  event: null,
  undecidedAt: null,
  evidence: [],
  sources: [],
  networks: [],
  measuredAt: null,
  stale: false,
});

/**
 * The event a history-based status holds since: the first of the latest events that all say the same
 * status. A 2025 measurement that confirms a 2018 block leaves it "blocked since 2018", sourced by the
 * 2018 report (the 2025 one stays in the history list).
 */
function runStart(events: readonly KbEvent[]): KbEvent | undefined {
  let start = events.at(-1);
  for (let i = events.length - 2; i >= 0; i--) {
    const event = events[i] as KbEvent;
    if (event.status !== start?.status) break;
    start = event;
  }
  return start;
}

/** What a measured status says of its evidence: who measured, on which networks, and how long ago. */
function provenance(measured: ServiceStatus, nowMs: number) {
  const measuredAt = newestMeasurement(measured);
  return {
    sources: measured.sources ?? [],
    networks: measured.networks ?? [],
    measuredAt,
    stale: nowMs - Date.parse(measuredAt) > LAST_KNOWN_AFTER_MS,
  };
}

/**
 * What people are told about `target`, from its confirmed status (if any) and the knowledge base, at
 * `nowMs` (which decides whether a measured status is still the present or the last known one).
 */
export function statusView(
  kb: KnowledgeBase,
  target: Target,
  measured: ServiceStatus | undefined,
  nowMs: number = Date.now(),
): StatusView {
  if (measured && measured.status !== "unknown") {
    return {
      service: target.service,
      country: target.country,
      status: measured.status,
      basis: "measurement",
      since: measured.since,
      checkedAt: measured.checkedAt,
      mechanism: measured.mechanism,
      features: measured.features,
      regions: measured.regions,
      ...(measured.vantages ? { vantages: measured.vantages } : {}),
      confidence: measured.confidence,
      method: measured.method ?? null,
      event: null,
      undecidedAt: null,
      evidence: measured.evidence ?? [],
      ...provenance(measured, nowMs),
    };
  }
  const events = kb.eventsFor(target.service, target.country);
  const latest = events.at(-1);
  const start = runStart(events);
  const undecidedAt = measured ? measured.checkedAt : null;
  if (latest && start) {
    return {
      ...nothingKnown(target),
      status: latest.status,
      basis: "history",
      since: start.date,
      event: start,
      undecidedAt,
      features: (latest.features ?? []).map((feature) => ({
        feature,
        status: latest.status === "accessible" ? "ok" : "blocked",
        mechanism: latest.mechanism ?? null,
      })),
      mechanism: latest.mechanism ?? null,
    };
  }
  if (measured) {
    // Measured, could not tell, and no history to fall back on: an honest unknown, with what was seen.
    return {
      ...nothingKnown(target),
      basis: "measurement",
      since: measured.since,
      checkedAt: measured.checkedAt,
      regions: measured.regions,
      ...(measured.vantages ? { vantages: measured.vantages } : {}),
      method: measured.method ?? null,
      evidence: measured.evidence ?? [],
      ...provenance(measured, nowMs),
    };
  }
  return nothingKnown(target);
}

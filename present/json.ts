import type { Availability, StatusSegment } from "../analysis/availability.js";
import type { KbEvent, Localized } from "../kb/schema.js";
import type { NetworkStatus, SourceSummary } from "../model/readings.js";
import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
  StatusMethod,
  TimelineEntry,
} from "../model/status.js";
import type { Basis, StatusView } from "../pipeline/status-view.js";

// The JSON of /api/v1, built by pure functions from what the store and the knowledge base hold. The
// shapes are a public contract (README "Status page and API"); test/web/api.test.ts pins them exactly.

/**
 * One service in one country, as every surface tells it (pipeline/status-view.ts). `basis: measurement`:
 * our vantages confirmed it; `history`: the knowledge base's last known status (`source` says where from,
 * `checkedAt` is null); `none`: neither, and `status` is `unknown`.
 */
export interface StatusJson {
  service: string;
  country: string;
  status: ServiceStatusValue;
  basis: Basis;
  mechanism: Mechanism | null;
  since: string | null;
  checkedAt: string | null;
  confidence: number;
  /** What a measured status rests on (vantages, controls, positive evidence); null otherwise. */
  method: StatusMethod | null;
  /** The dated report a history-based status rests on. */
  source: string | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Who measured it: our probes, agents, OONI's volunteers, each with its own status; empty unless measured. */
  sources: SourceSummary[];
  /** Per network, where known (OONI's `probe_asn`, agents' registration). */
  networks: NetworkStatus[];
  /** The newest measurement the status rests on; null unless measured. */
  measuredAt: string | null;
  /** true: that measurement is older than 48 h, and the status is the last known one. */
  stale: boolean;
  /** Accessible share of the measured time in the last 30 days, 0..1; null: no data. */
  availability30d: number | null;
  /** Seconds of the last 30 days with a measured status: what `availability30d` is a share of. */
  measuredSeconds30d: number;
}

export interface StatusListJson {
  country: string;
  generatedAt: string;
  statuses: StatusJson[];
}

/** Seconds in each status within the window; `noData` is time without any measurement. */
export type TimeInStatusJson = Record<ServiceStatusValue | "noData", number>;

export interface HistoryJson {
  service: string;
  country: string;
  days: number;
  from: string;
  to: string;
  availability: number | null;
  timeInStatus: TimeInStatusJson;
  /** The window cut into stretches of one status; `status: null` is no data. */
  segments: { start: string; end: string; status: ServiceStatusValue | null }[];
  /** Measured changes within the window, oldest first. */
  timeline: TimelineEntry[];
  /** The knowledge base's dated events for this service and country, oldest first, each with a source. */
  events: {
    date: string;
    status: ServiceStatusValue;
    features: string[];
    regions: string[];
    summary: Localized;
    source: string;
  }[];
}

/** Ratios to four decimals: 0.9731, not 0.97305555…; enough for 30 days to the minute. */
const ratio = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);
const iso = (ms: number) => new Date(ms).toISOString();

/** The fields every status in JSON has, whoever shapes the rest (the API, `ask --json`). */
export type StatusFields = Omit<StatusJson, "service" | "country" | "availability30d" | "measuredSeconds30d">;

/** A status as JSON: the one place its fields are shaped. */
export function statusFields(view: Omit<StatusView, "service" | "country">): StatusFields {
  return {
    status: view.status,
    basis: view.basis,
    mechanism: view.mechanism,
    since: view.since,
    checkedAt: view.checkedAt,
    confidence: view.confidence,
    method: view.method,
    source: view.event?.source ?? null,
    features: view.features.map((f) => ({ feature: f.feature, status: f.status, mechanism: f.mechanism })),
    regions: view.regions.map((r) => ({ region: r.region, status: r.status })),
    sources: view.sources.map((source) => ({
      kind: source.kind,
      status: source.status,
      vantages: [...source.vantages],
      networks: source.networks.map((n) => ({ asn: n.asn, name: n.name })),
      measurements: source.measurements,
      latestAt: source.latestAt,
      ...(source.earliestAt ? { earliestAt: source.earliestAt } : {}),
    })),
    networks: view.networks.map((n) => ({ asn: n.asn, name: n.name, status: n.status })),
    measuredAt: view.measuredAt,
    stale: view.stale,
  };
}

export function statusJson(view: StatusView, availability: Availability): StatusJson {
  return {
    service: view.service,
    country: view.country,
    ...statusFields(view),
    availability30d: ratio(availability.ratio),
    measuredSeconds30d: Math.round(availability.measuredMs / 1000),
  };
}

export function historyJson(input: {
  service: string;
  country: string;
  days: number;
  window: { from: number; to: number };
  segments: readonly StatusSegment[];
  availability: Availability;
  timeline: readonly TimelineEntry[];
  events: readonly KbEvent[];
}): HistoryJson {
  const { window, availability } = input;
  const seconds = (ms: number) => Math.round(ms / 1000);
  return {
    service: input.service,
    country: input.country,
    days: input.days,
    from: iso(window.from),
    to: iso(window.to),
    availability: ratio(availability.ratio),
    timeInStatus: {
      accessible: seconds(availability.byStatus.accessible),
      partial: seconds(availability.byStatus.partial),
      blocked: seconds(availability.byStatus.blocked),
      outage: seconds(availability.byStatus.outage),
      unknown: seconds(availability.byStatus.unknown),
      noData: seconds(availability.noData),
    },
    segments: input.segments.map((s) => ({ start: iso(s.start), end: iso(s.end), status: s.status })),
    timeline: input.timeline
      .filter((e) => {
        const at = Date.parse(e.at);
        return at >= window.from && at < window.to;
      })
      .map((e) => ({ at: e.at, from: e.from, to: e.to, mechanism: e.mechanism })),
    events: input.events.map((e) => ({
      date: e.date,
      status: e.status,
      features: e.features ?? [],
      regions: e.regions ?? [],
      summary: e.summary,
      source: e.source,
    })),
  };
}

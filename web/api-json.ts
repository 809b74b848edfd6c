import type { Availability, StatusSegment } from "../analysis/availability.js";
import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatus,
  ServiceStatusValue,
  TimelineEntry,
} from "../analysis/types.js";
import type { KbEvent, Localized } from "../kb/schema.js";

// The JSON of /api/v1, built by pure functions from what the store and the knowledge base hold. The
// shapes are a public contract (README "Status page and API"); test/web/api.test.ts pins them exactly.

/** One service in one country. `basis: none` means never measured: `status` is then `unknown`. */
export interface StatusJson {
  service: string;
  country: string;
  status: ServiceStatusValue;
  basis: "measurement" | "none";
  mechanism: Mechanism | null;
  since: string | null;
  checkedAt: string | null;
  confidence: number;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Accessible share of the measured time in the last 30 days, 0..1; null: no data. */
  availability30d: number | null;
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

export function statusJson(
  service: string,
  country: string,
  status: ServiceStatus | undefined,
  availability: Availability,
): StatusJson {
  if (!status) {
    return {
      service,
      country,
      status: "unknown",
      basis: "none",
      mechanism: null,
      since: null,
      checkedAt: null,
      confidence: 0,
      features: [],
      regions: [],
      availability30d: null,
    };
  }
  return {
    service,
    country,
    status: status.status,
    basis: "measurement",
    mechanism: status.mechanism,
    since: status.since,
    checkedAt: status.checkedAt,
    confidence: status.confidence,
    features: status.features.map((f) => ({ feature: f.feature, status: f.status, mechanism: f.mechanism })),
    regions: status.regions.map((r) => ({ region: r.region, status: r.status })),
    availability30d: ratio(availability.ratio),
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

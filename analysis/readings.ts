import type { Network, NetworkStatus, SourceKind, SourceSummary, VantageReading } from "../model/readings.js";
import { SOURCE_KINDS } from "../model/readings.js";
import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
  StatusMethod,
  VantageStatus,
} from "../model/status.js";
import { confidenceOf } from "./confidence.js";
import { combineStatuses, combineVantages, type VantageOutcome } from "./vantages.js";

// Every feed's vantages together (model/readings.ts): which readings still count, and what they say as one
// status, with its sources. Pure. Our own vantages and OONI's networks are combined by the same rules as
// any two vantages (analysis/vantages.ts): when they disagree the status says so (partial for a regional
// split, unknown for a contradiction) and each source's own status is kept beside it, never averaged away.

const HOUR = 3_600_000;

/**
 * How long a reading counts after its newest measurement. Our vantages measure every cycle (ten minutes),
 * so two hours is several missed cycles; OONI's volunteers measure when they can, and a day or two is what
 * its networks give. Past this, a status rests on no fresh evidence and answers say "last known".
 */
export const FRESH_FOR_MS: Record<SourceKind, number> = { probe: 2 * HOUR, agent: 2 * HOUR, ooni: 48 * HOUR };

/**
 * Past this since its newest measurement a status is told as "last known", not in the present tense: the
 * freshness window of OONI's readings, the longest of any source, so no status outlives its evidence.
 */
export const LAST_KNOWN_AFTER_MS = FRESH_FOR_MS.ooni;

/** The newest measurement a status rests on: its sources' newest, else the cycle that last saw it. */
export function newestMeasurement(status: { checkedAt: string; sources?: readonly SourceSummary[] }): string {
  const latest = (status.sources ?? []).reduce((max, s) => (s.latestAt > max ? s.latestAt : max), "");
  return latest === "" ? status.checkedAt : latest;
}

/** At most this many readings are kept per (service, country): enough networks to show a country's split. */
export const MAX_READINGS = 40;
const EVIDENCE_KEPT = 60;

const age = (r: VantageReading, nowMs: number) => nowMs - Date.parse(r.measuredAt);

/** The readings that still count at `nowMs`. */
export function freshReadings(readings: readonly VantageReading[], nowMs: number): VantageReading[] {
  return readings.filter((r) => {
    const ms = age(r, nowMs);
    return Number.isFinite(ms) && ms <= FRESH_FOR_MS[r.kind];
  });
}

/**
 * A feed's new readings over what was kept: each replaces its vantage's, a vantage's older reading never
 * replaces a newer one (two replicas, a late batch), stale readings go, and the newest MAX_READINGS stay.
 */
export function mergeReadings(
  current: readonly VantageReading[],
  incoming: readonly VantageReading[],
  nowMs: number,
): VantageReading[] {
  const byVantage = new Map(current.map((r) => [r.vantage, r]));
  for (const r of incoming) {
    const kept = byVantage.get(r.vantage);
    if (!kept || Date.parse(r.measuredAt) >= Date.parse(kept.measuredAt)) byVantage.set(r.vantage, r);
  }
  return freshReadings([...byVantage.values()], nowMs)
    .sort((a, b) => Date.parse(b.measuredAt) - Date.parse(a.measuredAt))
    .slice(0, MAX_READINGS);
}

/** What the readings say together: the observation a cycle feeds to the status engine. */
export interface CombinedReadings {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  networks: NetworkStatus[];
  confidence: number;
  method: StatusMethod;
  /** Each vantage's own status, when they disagree. */
  vantages: VantageStatus[] | null;
  sources: SourceSummary[];
  evidence: string[];
}

const outcomeOf = (r: VantageReading): VantageOutcome => ({
  vantage: r.vantage,
  region: r.region,
  online: r.online,
  status: r.status,
  mechanism: r.mechanism,
  features: r.features,
});

function summaryOf(kind: SourceKind, readings: readonly VantageReading[]): SourceSummary {
  const online = readings.filter((r) => r.online);
  return {
    kind,
    status: combineStatuses(readings.map(outcomeOf)).status,
    vantages: online.map((r) => r.vantage),
    networks: online.flatMap((r) => (r.network ? [r.network] : [])),
    measurements: readings.reduce((n, r) => n + r.measurements, 0),
    latestAt: readings.reduce((latest, r) => (r.measuredAt > latest ? r.measuredAt : latest), ""),
    earliestAt: readings.reduce(
      (earliest, r) => (earliest === "" || r.measuredAt < earliest ? r.measuredAt : earliest),
      "",
    ),
  };
}

/**
 * One status per network: readings from one network (OONI's volunteers and an agent on the same
 * carrier, say) are combined by the vantage rules; networks whose readings could not tell are left out.
 */
function networkStatuses(online: readonly VantageReading[]): NetworkStatus[] {
  const byAsn = new Map<number, VantageReading[]>();
  for (const r of online) {
    if (!r.network) continue;
    const list = byAsn.get(r.network.asn);
    if (list) list.push(r);
    else byAsn.set(r.network.asn, [r]);
  }
  return [...byAsn.values()].flatMap((readings) => {
    const { status } = combineStatuses(readings.map(outcomeOf));
    const network = (readings[0] as VantageReading).network as Network;
    return status === "unknown" ? [] : [{ asn: network.asn, name: network.name, status }];
  });
}

/** The readings as one status; null when there are none (nothing to observe). */
export function combineReadings(readings: readonly VantageReading[]): CombinedReadings | null {
  if (readings.length === 0) return null;
  const combined = combineVantages(readings.map(outcomeOf));
  const online = readings.filter((r) => r.online);
  const method: StatusMethod = {
    vantages: online.filter((r) => r.status !== "unknown").length,
    controls: online.filter((r) => r.controlled).length,
    measurements: readings.reduce((n, r) => n + r.measurements, 0),
    positive: online.reduce((n, r) => n + r.positive, 0),
    direct: online.reduce((n, r) => n + r.direct, 0),
  };
  const sources = SOURCE_KINDS.flatMap((kind) => {
    const own = readings.filter((r) => r.kind === kind);
    return own.length > 0 ? [summaryOf(kind, own)] : [];
  });
  return {
    status: combined.status,
    mechanism: combined.mechanism,
    features: combined.features,
    regions: combined.regions,
    networks: networkStatuses(online),
    confidence: confidenceOf(combined.confidence, method),
    method,
    vantages: combined.disagreement,
    sources,
    evidence: readings
      .flatMap((r) => r.evidence.map((line) => `${r.vantage} ${line}`))
      .slice(0, EVIDENCE_KEPT),
  };
}

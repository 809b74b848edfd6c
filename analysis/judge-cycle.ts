import { endpointInput } from "../kb/endpoint.js";
import type { Feature, Service } from "../kb/schema.js";
import type { Measurement, Vantage } from "../model/measurement.js";
import type { VantageReading } from "../model/readings.js";
import type {
  EndpointVerdict,
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
  StatusMethod,
  VantageStatus,
} from "../model/status.js";
import { confidenceOf } from "./confidence.js";
import type { Judge } from "./judge.js";
import { withNxdomainEvidence } from "./nxdomain.js";
import type { CycleObservations } from "./observations.js";
import { combineVantages, type VantageOutcome } from "./vantages.js";

// The judging half of a cycle, pure: over every vantage's observations of a cycle (this host's and remote
// agents', analysis/observations.ts), per (service, country), each vantage alone and then combined
// (analysis/vantages.ts). The judge is passed in, so the cycle never decides what "blocked" means.

/** What a cycle probes: a knowledge-base service, or an ad-hoc one (an on-demand check of a domain). */
export type ProbedService = Pick<Service, "id"> & {
  features: Pick<Feature, "id" | "essential" | "endpoints">[];
};

export interface ProbeResult {
  service: string;
  country: string;
  region: string | null;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Probe vantages of that country that were judged, local and remote, offline ones included. */
  vantages: string[];
  /** Agreement of those vantages weighed by the evidence behind it (analysis/confidence.ts); 0 when unknown. */
  confidence: number;
  /** What the status rests on: vantages, controls, and what needed no control. */
  method: StatusMethod;
  /** Each of those vantages' own status. */
  perVantage: VantageStatus[];
  /** `perVantage`, bounded, when the vantages reached different statuses; else null. */
  disagreement: VantageStatus[] | null;
  /** Probe and control measurements of this service that were judged. */
  measurements: Measurement[];
  evidence: string[];
  /** Each vantage's own judgement that measured something, as the readings every feed combines. */
  readings: VantageReading[];
}

const OFFLINE_EVIDENCE = "vantage offline: its canary failed, so its results are unknown";
const SILENT_EVIDENCE =
  "vantage offline: nothing answered any of its measurements (not a resolver, not a server, not a censor), so its results are unknown";
const REMOTE_OFFLINE_EVIDENCE =
  "agent offline: a missed heartbeat or a failed canary, so its results are unknown";
const NOT_MEASURED = "not measured before the deadline";
const REMOTE_NOT_MEASURED = "not measured by this agent in this window";

/** The judging half (pure): one result per service and country that has a probe vantage. */
export function judgeCycle(
  services: readonly ProbedService[],
  observed: CycleObservations,
  judge: Judge,
  country?: string,
  /** ISO time of the cycle: an offline vantage's reading is dated by it. */
  at?: string,
): ProbeResult[] {
  const probes = observed.vantages.filter(
    (v) => v.role === "probe" && (country === undefined || v.country === country),
  );
  const countries = [...new Set(probes.map((v) => v.country))];
  const latest = latestMeasurements(observed.measurements);
  return services.flatMap((service) =>
    countries.map((c) =>
      judgeService(
        service,
        probes.filter((v) => v.country === c),
        observed,
        latest,
        judge,
        at,
      ),
    ),
  );
}

const measurementKey = (vantage: string, service: string | null, feature: string | null, input: string) =>
  `${vantage}\u0000${service}\u0000${feature}\u0000${input}`;

/** Each vantage's latest measurement of each endpoint: an agent may have measured it twice in a window. */
function latestMeasurements(measurements: readonly Measurement[]): Map<string, Measurement> {
  const latest = new Map<string, Measurement>();
  for (const m of measurements) {
    const key = measurementKey(m.vantage, m.service, m.feature, m.input);
    const seen = latest.get(key);
    if (!seen || m.measurement_start_time > seen.measurement_start_time) latest.set(key, m);
  }
  return latest;
}

/** Judges one service in one country: each of its probe vantages alone, against every online control. */
/** The network a vantage registered, named by its number until the pipeline names it (kb/asn.ts). */
const networkOf = (vantage: Vantage) =>
  vantage.asn === undefined ? null : { asn: vantage.asn, name: `AS${vantage.asn}` };

export function judgeService(
  service: ProbedService,
  countryProbes: readonly Vantage[],
  observed: CycleObservations,
  latest: ReadonlyMap<string, Measurement>,
  judge: Judge,
  at?: string,
): ProbeResult {
  const { offline, remote } = observed;
  const controls = observed.vantages.filter((v) => v.role === "control" && !offline.has(v.id));
  const used = new Map<string, Measurement>();
  const find = (vantage: Vantage, feature: string, input: string) => {
    const m = latest.get(measurementKey(vantage.id, service.id, feature, input));
    if (m) used.set(m.id, m);
    return m;
  };

  const evidence: string[] = [];
  const controlsUsed = new Set<string>();
  let positive = 0;
  let direct = 0;
  const readings: VantageReading[] = [];
  const outcomes = countryProbes.map((vantage): VantageOutcome => {
    const isOffline = offline.has(vantage.id);
    // What this vantage alone rests on, for its reading (model/readings.ts).
    const own = {
      measurements: 0,
      newest: "",
      controlled: false,
      positive: 0,
      direct: 0,
      evidence: [] as string[],
    };
    if (isOffline) {
      const why = remote.has(vantage.id)
        ? REMOTE_OFFLINE_EVIDENCE
        : observed.silent?.has(vantage.id)
          ? SILENT_EVIDENCE
          : OFFLINE_EVIDENCE;
      evidence.push(`${vantage.id}: ${why}`);
    }
    const notMeasured = remote.has(vantage.id) ? REMOTE_NOT_MEASURED : NOT_MEASURED;
    let gaps = 0;
    // Names of the service this vantage's resolver denied, every one of them: positive evidence.
    const lied = isOffline
      ? new Set<string>()
      : judge.liedAbout(
          service.id,
          service.features.flatMap((f) =>
            f.endpoints.flatMap(
              (e) => latest.get(measurementKey(vantage.id, service.id, f.id, endpointInput(e))) ?? [],
            ),
          ),
        );
    const features = service.features.map((feature) => {
      const judgements = feature.endpoints.map((endpoint): EndpointVerdict => {
        if (isOffline) return { verdict: "unknown", mechanism: null, evidence: [OFFLINE_EVIDENCE] };
        const input = endpointInput(endpoint);
        const probe = find(vantage, feature.id, input);
        if (!probe) {
          gaps++;
          return { verdict: "unknown", mechanism: null, evidence: [notMeasured] };
        }
        const against = controls.flatMap((c) => find(c, feature.id, input) ?? []);
        const judgement = withNxdomainEvidence(judge.endpoint(probe, against), endpoint.host, lied);
        for (const c of against) controlsUsed.add(c.vantage);
        own.measurements++;
        if (probe.measurement_start_time > own.newest) own.newest = probe.measurement_start_time;
        own.controlled ||= against.length > 0;
        if (against.length === 0 && judgement.verdict === "blocked") own.positive++;
        if (against.length === 0 && judgement.verdict === "ok") own.direct++;
        const lines = judgement.evidence.map((e) => `${input}: ${e}`);
        own.evidence.push(...lines);
        evidence.push(...lines.map((line) => `${vantage.id} ${line}`));
        return judgement;
      });
      return { feature: feature.id, essential: feature.essential, ...judge.feature(judgements) };
    });
    if (gaps > 0 && remote.has(vantage.id))
      evidence.push(`${vantage.id}: ${gaps} endpoint(s) ${notMeasured}`);
    positive += own.positive;
    direct += own.direct;
    const outcome: VantageOutcome = {
      vantage: vantage.id,
      region: vantage.region ?? null,
      online: !isOffline,
      ...judge.service(features),
      features: features.map(({ feature, status, mechanism }) => ({ feature, status, mechanism })),
    };
    if (isOffline && at !== undefined) {
      // Offline says nothing, and replaces what this vantage said before: its old reading must not count.
      readings.push({
        vantage: vantage.id,
        kind: remote.has(vantage.id) ? "agent" : "probe",
        region: outcome.region,
        network: networkOf(vantage),
        online: false,
        status: "unknown",
        mechanism: null,
        features: [],
        measuredAt: at,
        measurements: 0,
        controlled: false,
        positive: 0,
        direct: 0,
        evidence: [evidence.find((e) => e.startsWith(`${vantage.id}: `))?.slice(vantage.id.length + 2) ?? ""],
      });
    } else if (own.measurements > 0) {
      readings.push({
        vantage: vantage.id,
        kind: remote.has(vantage.id) ? "agent" : "probe",
        region: outcome.region,
        network: networkOf(vantage),
        online: outcome.online,
        status: outcome.online ? outcome.status : "unknown",
        mechanism: outcome.mechanism,
        features: outcome.features,
        measuredAt: isoOf(own.newest),
        measurements: own.measurements,
        controlled: own.controlled,
        positive: own.positive,
        direct: own.direct,
        evidence: own.evidence.slice(0, READING_EVIDENCE),
      });
    }
    return outcome;
  });

  const combined = combineVantages(outcomes);
  const regionIds = combined.regions.map((r) => r.region);
  const method: StatusMethod = {
    vantages: outcomes.filter((o) => o.online && o.status !== "unknown").length,
    controls: controlsUsed.size,
    measurements: used.size,
    positive,
    direct,
  };
  return {
    service: service.id,
    country: countryProbes[0]?.country ?? "",
    region: regionIds.length === 1 ? (regionIds[0] ?? null) : null,
    status: combined.status,
    mechanism: combined.mechanism,
    features: combined.features,
    regions: combined.regions,
    vantages: countryProbes.map((v) => v.id),
    confidence: confidenceOf(combined.confidence, method),
    method,
    perVantage: combined.perVantage,
    disagreement: combined.disagreement,
    measurements: [...used.values()],
    evidence,
    readings,
  };
}

/** A reading keeps a few lines of what its vantage saw: the service page shows them. */
const READING_EVIDENCE = 12;

/** OONI's `2017-09-25 12:00:00` (UTC) as ISO. */
const isoOf = (ooniTime: string) => `${ooniTime.replace(" ", "T")}${ooniTime.endsWith("Z") ? "" : "Z"}`;

import { confidenceOf } from "../analysis/confidence.js";
import type { Judge } from "../analysis/judge.js";
import { withNxdomainEvidence } from "../analysis/nxdomain.js";
import { silentVantages } from "../analysis/offline.js";
import type {
  EndpointVerdict,
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
  StatusMethod,
  VantageStatus,
} from "../analysis/types.js";
import { combineVantages, type VantageOutcome } from "../analysis/vantages.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Endpoint, Feature, Service } from "../kb/schema.js";
import { mapWithConcurrency } from "../scheduler/concurrency.js";
import {
  endpointInput,
  type MeasureEndpointOptions,
  measureEndpoint,
  parseEndpointInput,
} from "./endpoint.js";
import type { Network } from "./network.js";
import { type CycleObservations, joinObservations, type RemoteObservations } from "./remote.js";
import type { Measurement, StageTimeouts, Vantage } from "./types.js";
import type { PlannedVantage, VantagePlan } from "./vantages.js";

// One probe cycle in two halves. Measuring (effectful): every endpoint of every asked-for service from
// every local vantage (probe and control), a few at a time. Judging (pure): over the union of those
// vantages and remote agents' (probes/remote.ts), per (service, country), each vantage alone and then
// combined (analysis/vantages.ts). The judge is passed in, so the cycle never decides what "blocked" means.

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
}

export interface ProbeCycleResult {
  results: ProbeResult[];
  canaries: Measurement[];
  /** Every offline vantage, local (canary failed) and remote (heartbeat missed or canary failed). */
  offline: string[];
  /** What this host measured itself, canaries aside. */
  measured: Measurement[];
}

export interface ProbeCycleOptions {
  kb: KnowledgeBase;
  plan: VantagePlan;
  judge: Judge;
  network: Network;
  /** Service ids; every service of the knowledge base when absent. */
  services?: readonly string[];
  /** Services outside the knowledge base, probed instead of `services` (on-demand checks). */
  adHocServices?: readonly ProbedService[];
  /** Extra trusted CAs (PEM) for every handshake; NODE_EXTRA_CA_CERTS applies when absent. */
  ca?: readonly string[];
  /** Only probe vantages of this country, local or remote. */
  country?: string;
  concurrency: number;
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
  /** Remote agents' observations, asked for once this host's measuring is done. */
  remote?: () => Promise<RemoteObservations>;
}

/** What this host's own vantages measured in one cycle. */
export interface LocalMeasurements {
  /** The vantages measured from: probes (of `country` when given) and controls. */
  vantages: PlannedVantage[];
  measurements: Measurement[];
  canaries: Measurement[];
  /** Local vantages whose canary failed. */
  offline: string[];
}

interface Task {
  service: ProbedService;
  feature: string;
  endpoint: Endpoint;
  vantage: PlannedVantage;
}

const OFFLINE_EVIDENCE = "vantage offline: its canary failed, so its results are unknown";
const SILENT_EVIDENCE =
  "vantage offline: nothing answered any of its measurements (not a resolver, not a server, not a censor), so its results are unknown";
const REMOTE_OFFLINE_EVIDENCE =
  "agent offline: a missed heartbeat or a failed canary, so its results are unknown";
const NOT_MEASURED = "not measured before the deadline";
const REMOTE_NOT_MEASURED = "not measured by this agent in this window";

/** How every measurement from `vantage` is taken, its canary's included: same clock, abort and DNS. */
function measureOptions(
  options: ProbeCycleOptions,
  vantage: PlannedVantage,
  timeouts: StageTimeouts,
  signal: AbortSignal | undefined,
): MeasureEndpointOptions {
  return {
    network: options.network,
    timeouts,
    ...(vantage.doh ? { doh: { baseUrl: vantage.doh, format: "wire" as const } } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(signal ? { signal } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
}

async function measureCanaries(
  options: ProbeCycleOptions,
  vantages: readonly PlannedVantage[],
  timeouts: StageTimeouts,
) {
  const canaries: Measurement[] = [];
  const offline = new Set<string>();
  const settled = await mapWithConcurrency(
    vantages,
    options.concurrency,
    async (vantage, _i, signal) => {
      const { canary } = vantage;
      if (!canary) return null;
      return measureEndpoint(parseEndpointInput(canary), vantage, {
        ...measureOptions(options, vantage, timeouts, signal),
        testName: "isblocked_canary",
      });
    },
    options.signal,
  );
  settled.forEach((outcome, i) => {
    const vantage = vantages[i] as Vantage;
    if (outcome.status !== "fulfilled") {
      offline.add(vantage.id);
    } else if (outcome.value) {
      canaries.push(outcome.value);
      if (!options.judge.online(outcome.value)) offline.add(vantage.id);
    }
  });
  return { canaries, offline };
}

function selectServices(options: ProbeCycleOptions): readonly ProbedService[] {
  const { kb, services: ids, adHocServices } = options;
  if (adHocServices) return adHocServices;
  return ids ? ids.map((id) => kb.service(id)).filter((s): s is Service => s !== undefined) : kb.services;
}

/** The measuring half: canaries first, then every endpoint from every local vantage that is online. */
export async function measureVantages(options: ProbeCycleOptions): Promise<LocalMeasurements> {
  const { plan } = options;
  const services = selectServices(options);
  const probes = plan.vantages.filter(
    (v) => v.role === "probe" && (options.country === undefined || v.country === options.country),
  );
  const vantages = [...probes, ...plan.vantages.filter((v) => v.role === "control")];
  const { canaries, offline } = await measureCanaries(options, vantages, plan.timeouts);

  const tasks: Task[] = services.flatMap((service) =>
    service.features.flatMap((feature) =>
      feature.endpoints.flatMap((endpoint) =>
        vantages
          .filter((vantage) => !offline.has(vantage.id))
          .map((vantage) => ({ service, feature: feature.id, endpoint, vantage })),
      ),
    ),
  );
  let done = 0;
  const settled = await mapWithConcurrency(
    tasks,
    options.concurrency,
    async (task, _i, signal) => {
      const measurement = await measureEndpoint(task.endpoint, task.vantage, {
        ...measureOptions(options, task.vantage, plan.timeouts, signal),
        service: task.service.id,
        feature: task.feature,
      });
      options.onProgress?.(++done, tasks.length);
      return measurement;
    },
    options.signal,
  );
  const measurements = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  return { vantages, measurements, canaries, offline: [...offline] };
}

export async function runProbeCycle(options: ProbeCycleOptions): Promise<ProbeCycleResult> {
  const local = await measureVantages(options);
  const joined = joinObservations(local, options.remote ? await options.remote() : undefined);
  // A vantage, ours or an agent's, that heard nothing back at all is offline, whatever its canary said.
  const silent = silentVantages([...local.canaries, ...joined.measurements]);
  const observed = { ...joined, offline: new Set([...joined.offline, ...silent]), silent };
  const services = selectServices(options);
  return {
    results: judgeCycle(services, observed, options.judge, options.country),
    canaries: local.canaries,
    offline: [...observed.offline],
    measured: local.measurements,
  };
}

/** The judging half (pure): one result per service and country that has a probe vantage. */
export function judgeCycle(
  services: readonly ProbedService[],
  observed: CycleObservations,
  judge: Judge,
  country?: string,
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
export function judgeService(
  service: ProbedService,
  countryProbes: readonly Vantage[],
  observed: CycleObservations,
  latest: ReadonlyMap<string, Measurement>,
  judge: Judge,
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
  const outcomes = countryProbes.map((vantage): VantageOutcome => {
    const isOffline = offline.has(vantage.id);
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
        if (against.length === 0 && judgement.verdict === "blocked") positive++;
        if (against.length === 0 && judgement.verdict === "ok") direct++;
        evidence.push(...judgement.evidence.map((e) => `${vantage.id} ${input}: ${e}`));
        return judgement;
      });
      return { feature: feature.id, essential: feature.essential, ...judge.feature(judgements) };
    });
    if (gaps > 0 && remote.has(vantage.id))
      evidence.push(`${vantage.id}: ${gaps} endpoint(s) ${notMeasured}`);
    return {
      vantage: vantage.id,
      region: vantage.region ?? null,
      online: !isOffline,
      ...judge.service(features),
      features: features.map(({ feature, status, mechanism }) => ({ feature, status, mechanism })),
    };
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
  };
}

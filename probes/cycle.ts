import type { Judge } from "../analysis/judge.js";
import type {
  EndpointVerdict,
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
} from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Endpoint, Service } from "../kb/schema.js";
import { mapWithConcurrency } from "../scheduler/concurrency.js";
import {
  endpointInput,
  type MeasureEndpointOptions,
  measureEndpoint,
  parseEndpointInput,
} from "./endpoint.js";
import type { Network } from "./network.js";
import type { Measurement, StageTimeouts, Vantage } from "./types.js";
import type { PlannedVantage, VantagePlan } from "./vantages.js";

// One probe cycle: every endpoint of every asked-for service, measured from every vantage (probe and
// control), a few at a time; then judged per (service, country). Measuring is effectful and lives here;
// judging is pure (analysis/judge.ts) and is passed in, so the cycle never decides what "blocked" means.

export interface ProbeResult {
  service: string;
  country: string;
  region: string | null;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Probe vantages of that country whose measurements were judged. */
  vantages: string[];
  /** Share of those vantages that were online; 0 when the status is unknown. */
  confidence: number;
  /** Probe and control measurements of this service. */
  measurements: Measurement[];
  evidence: string[];
}

export interface ProbeCycleResult {
  results: ProbeResult[];
  canaries: Measurement[];
  offline: string[];
}

export interface ProbeCycleOptions {
  kb: KnowledgeBase;
  plan: VantagePlan;
  judge: Judge;
  network: Network;
  /** Service ids; every service of the knowledge base when absent. */
  services?: readonly string[];
  /** Only probe vantages of this country. */
  country?: string;
  concurrency: number;
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}

interface Task {
  service: Service;
  feature: string;
  endpoint: Endpoint;
  vantage: PlannedVantage;
}

const OFFLINE_EVIDENCE = "vantage offline: its canary failed, so its results are unknown";

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

export async function runProbeCycle(options: ProbeCycleOptions): Promise<ProbeCycleResult> {
  const { kb, plan, judge } = options;
  const services = options.services
    ? options.services.map((id) => kb.service(id)).filter((s): s is Service => s !== undefined)
    : [...kb.services];
  const probes = plan.vantages.filter(
    (v) => v.role === "probe" && (options.country === undefined || v.country === options.country),
  );
  const controls = plan.vantages.filter((v) => v.role === "control");
  const vantages = [...probes, ...controls];
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

  const countries = [...new Set(probes.map((v) => v.country))];
  const results = services.flatMap((service) =>
    countries.map((country) =>
      judgeService(
        service,
        probes.filter((v) => v.country === country),
        measurements,
        offline,
        judge,
      ),
    ),
  );
  return { results, canaries, offline: [...offline] };
}

/** Judges one service in one country from the measurements of its probe vantages and all controls. */
export function judgeService(
  service: Service,
  countryProbes: readonly Vantage[],
  measurements: readonly Measurement[],
  offline: ReadonlySet<string>,
  judge: Judge,
): ProbeResult {
  const country = countryProbes[0]?.country ?? "";
  const mine = measurements.filter((m) => m.service === service.id);
  const judgeVantages = (vantages: readonly Vantage[]) => {
    const evidence: string[] = [];
    const features = service.features.map((feature) => {
      const judgements = feature.endpoints.flatMap((endpoint) => {
        const input = endpointInput(endpoint);
        const forEndpoint = mine.filter((m) => m.feature === feature.id && m.input === input);
        const controls = forEndpoint.filter((m) => m.vantage_role === "control");
        return vantages.map((vantage): EndpointVerdict => {
          if (offline.has(vantage.id))
            return { verdict: "unknown", mechanism: null, evidence: [OFFLINE_EVIDENCE] };
          const probe = forEndpoint.find((m) => m.vantage === vantage.id);
          if (!probe)
            return { verdict: "unknown", mechanism: null, evidence: ["not measured before the deadline"] };
          const judgement = judge.endpoint(probe, controls);
          evidence.push(...judgement.evidence.map((e) => `${vantage.id} ${input}: ${e}`));
          return judgement;
        });
      });
      const verdict = judge.feature(judgements);
      return { feature: feature.id, essential: feature.essential, ...verdict };
    });
    const overall = judge.service(features);
    return {
      ...overall,
      features: features.map(({ feature, status, mechanism }) => ({ feature, status, mechanism })),
      evidence,
    };
  };

  const whole = judgeVantages(countryProbes);
  const regionIds = [...new Set(countryProbes.flatMap((v) => (v.region ? [v.region] : [])))];
  const regions = regionIds.map((region) => ({
    region,
    status: judgeVantages(countryProbes.filter((v) => v.region === region)).status,
  }));
  return {
    service: service.id,
    country,
    region: regionIds.length === 1 ? (regionIds[0] ?? null) : null,
    status: whole.status,
    mechanism: whole.mechanism,
    features: whole.features,
    regions,
    vantages: countryProbes.map((v) => v.id),
    confidence:
      whole.status === "unknown" || countryProbes.length === 0
        ? 0
        : countryProbes.filter((v) => !offline.has(v.id)).length / countryProbes.length,
    measurements: mine.filter(
      (m) => m.vantage_role === "control" || countryProbes.some((v) => v.id === m.vantage),
    ),
    evidence: whole.evidence,
  };
}

import type { Judge } from "../analysis/judge.js";
import { judgeCycle, type ProbedService, type ProbeResult } from "../analysis/judge-cycle.js";
import { joinObservations, type RemoteObservations } from "../analysis/observations.js";
import { silentVantages } from "../analysis/offline.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import { parseEndpointInput } from "../kb/endpoint.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Endpoint, Service } from "../kb/schema.js";
import type { Measurement, StageTimeouts, Vantage } from "../model/measurement.js";
import type { PlannedVantage, VantagePlan } from "./vantages.js";

// The measuring half of a cycle: canaries first, then every endpoint of every asked-for service from every
// local vantage (probe and control), a few at a time, each through `measure` (probes/endpoint.ts bound to
// a network by the composition root); then the judging half (analysis/judge-cycle.ts) over those and the
// remote agents' observations.

/** What measuring one endpoint takes, besides the network the composition root binds. */
export interface MeasureOptions {
  timeouts: StageTimeouts;
  /** Wall clock for `measurement_start_time`. */
  now?: () => Date;
  /** The hard abort: every stage still open ends with `interrupted`. */
  signal?: AbortSignal;
  /** Extra trusted CAs (PEM); the CLI relies on NODE_EXTRA_CA_CERTS instead. */
  ca?: readonly string[];
  service?: string | null;
  feature?: string | null;
  testName?: Measurement["test_name"];
  /** Resolve over DNS-over-HTTPS (a control's lookups) instead of the vantage's resolver. */
  doh?: { baseUrl: string; format: "json" | "wire" };
}

/** One endpoint from one vantage, as a measurement: the port the probes implement. Never rejects for a network failure. */
export type MeasureEndpoint = (
  endpoint: Endpoint,
  vantage: Vantage,
  options: MeasureOptions,
) => Promise<Measurement>;

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
  measure: MeasureEndpoint;
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

/** How every measurement from `vantage` is taken, its canary's included: same clock, abort and DNS. */
function measureOptions(
  options: ProbeCycleOptions,
  vantage: PlannedVantage,
  timeouts: StageTimeouts,
  signal: AbortSignal | undefined,
): MeasureOptions {
  return {
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
      return options.measure(parseEndpointInput(canary), vantage, {
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
      const measurement = await options.measure(task.endpoint, task.vantage, {
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
    results: judgeCycle(
      services,
      observed,
      options.judge,
      options.country,
      (options.now ?? (() => new Date()))().toISOString(),
    ),
    canaries: local.canaries,
    offline: [...observed.offline],
    measured: local.measurements,
  };
}

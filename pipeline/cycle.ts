import { createJudge } from "../analysis/judge.js";
import { NO_REMOTE_OBSERVATIONS, type RemoteObservations } from "../analysis/observations.js";
import type { StatusChange } from "../analysis/status-engine.js";
import type { Config } from "../core/config.js";
import type { Logger } from "../core/log.js";
import { type IsblockedMetrics, recordVantagesOnline } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Store } from "../model/store.js";
import { type MeasureEndpoint, type ProbeCycleResult, runProbeCycle } from "./measure.js";
import { recordProbeMetrics } from "./probe-metrics.js";
import { confirmReadings } from "./readings.js";
import { type VantagePlan, vantagePlan } from "./vantages.js";

// The only cycle: measure (this host's vantages, through the probes the composition root binds to the real
// network) → judge (pure analysis, with the remote agents' observations) → confirm (the status engine, one
// atomic update per target) → changes, which alerts pick up. `isblocked probe`, the scheduler of
// `isblocked start` and every later feed run it (docs/design.md, "Life of a measurement").

export const DEFAULT_CONCURRENCY = 16;

/**
 * Where `start` and `probe` measure from: the vantages file, else this host, which claims a country only
 * with HOST_COUNTRY; then it is trusted to be there, and the log says so once.
 */
export function measuringPlan(
  app: Pick<CycleApp, "kb" | "config" | "log">,
  file: string | undefined,
): VantagePlan {
  const { config, kb, log } = app;
  const plan = vantagePlan(kb, {
    ...(file ? { file } : {}),
    ...(config.hostCountry ? { hostCountry: config.hostCountry } : {}),
  });
  if (!file && config.hostCountry) {
    log.warn(
      `HOST_COUNTRY=${config.hostCountry}: this host is trusted to be in ${config.hostCountry}; its measurements decide statuses there`,
    );
  }
  return plan;
}

/** What a cycle needs of the app: no Telegram, no web, no OONI; the network comes as `measure`. */
export interface CycleApp {
  kb: KnowledgeBase;
  store: Store;
  config: Pick<Config, "statusThreshold" | "hostCountry">;
  log: Logger;
  metrics: IsblockedMetrics;
  measure: MeasureEndpoint;
}

export interface FullCycleOptions {
  plan: VantagePlan;
  services?: readonly string[];
  country?: string;
  concurrency?: number;
  /** Measure and judge, but leave the store as it was. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  onChange?: (change: StatusChange) => void | Promise<void>;
  /**
   * Remote agents' observations for this cycle, asked for once this host's measuring is done; they are
   * judged together with this host's vantages. Without it, only this host's vantages are judged.
   */
  remote?: () => Promise<RemoteObservations>;
}

/** One cycle end to end: measure, judge, then confirm statuses through the status engine into the store. */
export async function runFullCycle(
  app: CycleApp,
  options: FullCycleOptions,
): Promise<{ cycle: ProbeCycleResult; changes: StatusChange[] }> {
  const { kb, store, config, log } = app;
  const { remote } = options;
  const cycle = await runProbeCycle({
    kb,
    plan: options.plan,
    judge: createJudge(kb),
    measure: app.measure,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.services ? { services: options.services } : {}),
    ...(options.country ? { country: options.country } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    // Agents that cannot be read this cycle leave it to this host's vantages: a store hiccup must not
    // cost the cycle, and their countries simply get no observation this time.
    ...(remote
      ? {
          remote: () =>
            remote().catch((error: unknown) => {
              log.warn("remote observations unavailable: judging this host's vantages only", { error });
              return NO_REMOTE_OBSERVATIONS;
            }),
        }
      : {}),
  });
  // This host's own probes only: agents count theirs where they run.
  recordProbeMetrics(app.metrics, cycle.measured);
  recordVantagesOnline(app.metrics, options.plan.vantages, cycle.offline);
  if (cycle.offline.length > 0) {
    log.warn("vantages offline (canary failed or heartbeat missed): their results count as unknown", {
      vantages: cycle.offline,
    });
  }
  if (options.dryRun) return { cycle, changes: [] };
  // A cycle cut short by its deadline measured only part of the endpoints: feeding its gaps to the
  // status engine as "unknown" would be a guess, so it confirms nothing and the next cycle starts afresh.
  if (options.signal?.aborted) {
    log.warn("probe cycle hit its deadline: its results are not fed to the status engine");
    return { cycle, changes: [] };
  }
  // Every vantage's own reading replaces its last; each status then combines every fresh reading of every
  // feed (OONI's networks included), so this cycle and the OONI cycle observe the same evidence.
  const changes = await confirmReadings(
    cycle.results.map((r) => ({ target: { service: r.service, country: r.country }, readings: r.readings })),
    {
      kb,
      store,
      threshold: config.statusThreshold,
      log,
      ...(options.onChange ? { onChange: options.onChange } : {}),
    },
  );
  app.metrics.statusChanges.inc(changes.length);
  return { cycle, changes };
}

import { historyBaseline } from "../analysis/history.js";
import { createJudge } from "../analysis/judge.js";
import type { StatusChange } from "../analysis/status-engine.js";
import { type ProbeCycleResult, runProbeCycle } from "../probes/cycle.js";
import { realNetwork } from "../probes/network.js";
import { recordProbeMetrics } from "../probes/probe-metrics.js";
import { NO_REMOTE_OBSERVATIONS, type RemoteObservations } from "../probes/remote.js";
import { type VantagePlan, vantagePlan } from "../probes/vantages.js";
import { runStatusCycle } from "../scheduler/cycle.js";
import type { App } from "./app.js";

export const DEFAULT_CONCURRENCY = 16;

/**
 * Where `start` and `probe` measure from: the vantages file, else this host, which claims a country only
 * with HOST_COUNTRY; then it is trusted to be there, and the log says so once.
 */
export function measuringPlan(app: CycleApp, file: string | undefined): VantagePlan {
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
const EVIDENCE_KEPT = 60;

/** What a cycle needs of the app: no Telegram, no web, no OONI. */
export type CycleApp = Pick<App, "kb" | "store" | "config" | "log" | "metrics">;

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

/**
 * One cycle end to end, as `isblocked probe` and the scheduler of `isblocked start` both run it: measure
 * (real network), judge (pure analysis), then confirm statuses through the status engine into the store.
 */
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
    network: realNetwork,
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
  const changes = await runStatusCycle(
    cycle.results.map((r) => ({
      service: r.service,
      country: r.country,
      status: r.status,
      mechanism: r.mechanism,
      features: r.features,
      regions: r.regions,
      confidence: r.confidence,
      method: r.method,
      // What answers showed before any measurement: a first status equal to it is not news.
      baseline: historyBaseline(kb, r.service, r.country),
      // Shown, not averaged away: which vantage saw what, when they disagree.
      ...(r.disagreement ? { vantages: r.disagreement } : {}),
      // Enough to show which vantage saw what, bounded so a status stays a small value in the store.
      evidence: r.evidence.slice(0, EVIDENCE_KEPT),
    })),
    {
      store,
      threshold: config.statusThreshold,
      log,
      ...(options.onChange ? { onChange: options.onChange } : {}),
    },
  );
  app.metrics.statusChanges.inc(changes.length);
  return { cycle, changes };
}

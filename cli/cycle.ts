import { createJudge } from "../analysis/judge.js";
import type { StatusChange } from "../analysis/status-engine.js";
import { type ProbeCycleResult, runProbeCycle } from "../probes/cycle.js";
import { realNetwork } from "../probes/network.js";
import { recordProbeMetrics } from "../probes/probe-metrics.js";
import type { VantagePlan } from "../probes/vantages.js";
import { runStatusCycle } from "../scheduler/cycle.js";
import type { App } from "./app.js";

export const DEFAULT_CONCURRENCY = 16;
const EVIDENCE_KEPT = 60;

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
}

/**
 * One cycle end to end, as `isblocked probe` and the scheduler of `isblocked start` both run it: measure
 * (real network), judge (pure analysis), then confirm statuses through the status engine into the store.
 */
export async function runFullCycle(
  app: App,
  options: FullCycleOptions,
): Promise<{ cycle: ProbeCycleResult; changes: StatusChange[] }> {
  const { kb, store, config, log } = app;
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
  });
  // A control's measurements appear in the result of every country it was compared with: count once.
  const measured = new Map(cycle.results.flatMap((r) => r.measurements).map((m) => [m.id, m]));
  recordProbeMetrics(app.metrics, [...measured.values()]);
  if (cycle.offline.length > 0) {
    log.warn("vantages offline: their canary failed, their results count as unknown", {
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

import { targetFromInput, walkPath } from "../analysis/path.js";
import type { IsblockedMetrics } from "../core/metrics.js";
import type { Measurement } from "../model/measurement.js";
import type { Mechanism } from "../model/status.js";

// What a probe cycle adds to /metrics: one probe per endpoint measurement (canaries are not probes of a
// service), and a failure counted by the first stage on the user's path that failed, read by the same
// path walk the analyzer uses, so the metric and the verdicts agree about where things broke.

export interface ProbeTally {
  probes: number;
  failures: Record<Mechanism, number>;
}

/**
 * Pure: how many endpoint measurements, and how many failed at each stage. A measurement is counted once
 * by its id, so the cycle's results can be passed as they are (a control's measurement is in the result of
 * every country it served as control for).
 */
export function tallyProbes(measurements: readonly Measurement[]): ProbeTally {
  const tally: ProbeTally = { probes: 0, failures: { dns: 0, tcp: 0, tls: 0, http: 0 } };
  const seen = new Set<string>();
  for (const m of measurements) {
    if (m.test_name !== "isblocked_endpoint" || seen.has(m.id)) continue;
    seen.add(m.id);
    tally.probes += 1;
    const target = targetFromInput(m.input);
    if (!target) continue;
    const { outcome } = walkPath(m.test_keys, target);
    if (outcome.kind === "failure") tally.failures[outcome.stage] += 1;
  }
  return tally;
}

/** Adds one cycle's measurements to `isblocked_probes_total` and `isblocked_probe_failures_total`. */
export function recordProbeMetrics(
  metrics: Pick<IsblockedMetrics, "probes" | "probeFailures">,
  measurements: readonly Measurement[],
): ProbeTally {
  const tally = tallyProbes(measurements);
  metrics.probes.inc(tally.probes);
  for (const [mechanism, count] of Object.entries(tally.failures)) {
    if (count > 0) metrics.probeFailures.labels({ mechanism }).inc(count);
  }
  return tally;
}

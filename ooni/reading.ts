import type { FeatureStatus, FileAnalysis, Mechanism, ServiceStatusValue } from "../model/status.js";

// Several of OONI's raw measurements, each judged by our analyzer, as one reading. Measurements our rules
// cannot decide (unknown) are left out; among the rest the most frequent status wins, a tie going to the
// newest measurement's, so one odd network does not outvote the others and a fresh change is not hidden
// by an equal number of older readings. Pure.

export interface OoniReading {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  /** Raw measurements read. */
  analysed: number;
}

function mostFrequent<T>(values: readonly T[]): T | undefined {
  const tally = new Map<T, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  // `values` is newest first: on a tie the earlier (newer) value is kept.
  for (const v of values) {
    const n = tally.get(v) ?? 0;
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

/** `analyses` newest first. */
export function readingOf(analyses: readonly FileAnalysis[]): OoniReading {
  const decided = analyses.filter((a) => a.status !== "unknown");
  const status = mostFrequent(decided.map((a) => a.status));
  if (status === undefined) {
    return { status: "unknown", mechanism: null, features: [], analysed: analyses.length };
  }
  const agreeing = decided.filter((a) => a.status === status);
  const mechanisms = agreeing.map((a) => a.mechanism).filter((m): m is Mechanism => m !== null);
  const newest = agreeing[0];
  return {
    status,
    mechanism: mostFrequent(mechanisms) ?? null,
    features: newest ? newest.features.map((f) => ({ ...f })) : [],
    analysed: analyses.length,
  };
}

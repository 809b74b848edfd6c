import type { Measurement, TestKeys } from "../model/measurement.js";
import { normalizeFailure } from "./failures.js";

// A vantage that heard nothing back is offline, not censored (DESIGN rule 5). Its canary says so when it
// has one; this is the second guard, for a canary that was itself unlucky or a vantage without one: when
// every measurement of a cycle met only silence (time-outs, no route), the resolver silent for every name,
// nothing it measured says anything about a censor. A reset, a refusal, a forged answer or an NXDOMAIN is
// an answer from somebody, so a vantage that saw any of those is online.

/** Failures that mean no packet came back: nobody answered, not even a censor. */
const SILENCE = new Set(["generic_timeout_error", "network_unreachable", "host_unreachable", "interrupted"]);

/** Below this many measurements in a cycle, silence is not telling enough to call a vantage offline. */
export const MIN_SILENT_MEASUREMENTS = 3;

const silent = (failure: unknown) => {
  const f = normalizeFailure(failure);
  return f !== null && SILENCE.has(f);
};

/** Whether anything at all answered during this measurement: a resolver, a server, or a censor. */
export function heardBack(keys: TestKeys): boolean {
  if (
    (keys.queries ?? []).some(
      (q) => (q.answers?.length ?? 0) > 0 || (q.failure !== null && !silent(q.failure)),
    )
  )
    return true;
  if ((keys.tcp_connect ?? []).some((c) => c.status.success || !silent(c.status.failure))) return true;
  if ((keys.tls_handshakes ?? []).some((h) => !silent(h.failure))) return true;
  return (keys.requests ?? []).some((r) => r.response !== null || !silent(r.failure));
}

/**
 * Vantages that heard nothing back in a whole cycle: at least MIN_SILENT_MEASUREMENTS measurements and
 * not one answer among them. Canaries count as measurements of the vantage.
 */
export function silentVantages(measurements: readonly Measurement[]): Set<string> {
  const counts = new Map<string, { total: number; heard: boolean }>();
  for (const m of measurements) {
    const seen = counts.get(m.vantage) ?? { total: 0, heard: false };
    seen.total++;
    seen.heard ||= heardBack(m.test_keys);
    counts.set(m.vantage, seen);
  }
  return new Set(
    [...counts].filter(([, c]) => !c.heard && c.total >= MIN_SILENT_MEASUREMENTS).map(([vantage]) => vantage),
  );
}

import type { Measurement, Vantage } from "../model/measurement.js";

// The boundary with remote agents: what they contributed to a cycle, and how it joins this host's own
// measurements before judging. The registry (config) is the authority on who a vantage is: an agent's
// measurements are relabelled with its registered country, region and role, whatever they claim.

/** What remote agents contributed to a cycle (the agents helper builds it from the store). */
export interface RemoteObservations {
  /** Registered remote vantages (id, country, region, role probe|control) — agents. */
  vantages: Vantage[];
  /** Their fresh measurements of services (same `Measurement` shape as ours, OONI vocabulary). */
  measurements: Measurement[];
  /** Remote vantages that count as offline: a missed heartbeat or a failed canary → results unknown. */
  offline: string[];
}

export const NO_REMOTE_OBSERVATIONS: RemoteObservations = Object.freeze({
  vantages: [],
  measurements: [],
  offline: [],
});

/** Every vantage a cycle judges, this host's and remote agents', with what they measured. */
export interface CycleObservations {
  vantages: Vantage[];
  measurements: Measurement[];
  /** Vantages whose results are unknown: a local canary failed, or an agent is offline. */
  offline: ReadonlySet<string>;
  /** Those of `offline` that heard nothing back at all this cycle (analysis/offline.ts). */
  silent?: ReadonlySet<string>;
  /** Which of `vantages` are remote agents (their gaps are "not measured in this window"). */
  remote: ReadonlySet<string>;
  /** Remote vantages left out because a local vantage has the same id. */
  ignored: string[];
}

/** This host's observations joined with the agents'; a remote id that a local vantage uses is ignored. */
export function joinObservations(
  local: { vantages: readonly Vantage[]; measurements: readonly Measurement[]; offline: readonly string[] },
  remote: RemoteObservations = NO_REMOTE_OBSERVATIONS,
): CycleObservations {
  const localIds = new Set(local.vantages.map((v) => v.id));
  const ignored = remote.vantages.filter((v) => localIds.has(v.id)).map((v) => v.id);
  const agents = new Map(remote.vantages.filter((v) => !localIds.has(v.id)).map((v) => [v.id, v]));
  const theirs = remote.measurements.flatMap((m): Measurement[] => {
    const vantage = agents.get(m.vantage);
    if (!vantage || m.test_name !== "isblocked_endpoint") return [];
    return [
      { ...m, probe_cc: vantage.country, probe_region: vantage.region ?? null, vantage_role: vantage.role },
    ];
  });
  return {
    vantages: [...local.vantages, ...agents.values()],
    measurements: [...local.measurements, ...theirs],
    offline: new Set([...local.offline, ...remote.offline.filter((id) => agents.has(id))]),
    remote: new Set(agents.keys()),
    ignored,
  };
}

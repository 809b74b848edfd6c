import type {
  Baseline,
  Candidate,
  EngineState,
  Observation,
  StatusChange,
  StepResult,
} from "../model/changes.js";
import type { ServiceStatus, Target } from "../model/status.js";

export type { Baseline, Candidate, EngineState, Observation, StatusChange, StepResult };

// The status engine: a small pure state machine per (service, country), after Gatus' failure/success
// thresholds (docs/design.md rule 6). A status is confirmed only after `threshold` consecutive cycles agree
// on it, so a flapping probe never reaches users or alerts. Decisions (scheduler/README.md):
// - The first status is confirmed like any other, after `threshold` consistent cycles; until then the
//   target has no status and answers rest on the knowledge base's history (its last known status).
// - `unknown` never becomes a first status: a cycle that could not tell (an offline vantage, no control)
//   has nothing to say where nothing was confirmed yet, and must not replace the history answers show.
// - `unknown` is a status like the others: a blip never displaces a confirmed status; `threshold`
//   consecutive unknown cycles do (the vantages really cannot tell any more, and users should know).
// - Only the status value counts. A new mechanism, feature list, regions or confidence under the same
//   status is not a change: the confirmed status takes the latest details, and no event is emitted.
// - Any observation that differs from the streak's status restarts the streak, unknown included:
//   "consecutive" means consecutive.
// - An observation no newer than the last one seen is ignored, so feeding a cycle twice (a retry after
//   a crash) never counts twice.

/**
 * Whether people should be told: a change from a status they could have known. A first measured status
 * is news only when it differs from the history answers showed ("blocked since 2017" → now accessible);
 * equal to it, or with no history at all, it tells nobody anything new.
 */
export function isNews(change: StatusChange): boolean {
  if (change.from !== null) return true;
  return change.baseline != null && change.baseline.status !== change.to;
}

export interface EngineOptions {
  /** Consecutive consistent cycles needed to confirm a status, 1 or more (STATUS_THRESHOLD). */
  threshold: number;
  /**
   * Cycles that confirm a first status (none confirmed before); `threshold` when absent. A feed whose
   * cycles are hours apart (OONI's) takes its first status from its first cycle: waiting a second hour
   * would only leave the history in place that long.
   */
  firstThreshold?: number;
}

export const INITIAL_STATE: EngineState = Object.freeze({
  confirmed: null,
  candidate: null,
  observedAt: null,
});

/** Applies one cycle's observation. Pure: returns the same `state` object when it ignores the observation. */
export function step(state: EngineState, observation: Observation, options: EngineOptions): StepResult {
  if (!Number.isInteger(options.threshold) || options.threshold < 1) {
    throw new RangeError(`threshold must be a whole number >= 1, got ${options.threshold}`);
  }
  const at = Date.parse(observation.at);
  if (Number.isNaN(at)) throw new RangeError(`observation.at is not a timestamp: ${observation.at}`);
  if (state.observedAt !== null && at <= Date.parse(state.observedAt)) return { state, change: null };

  const { confirmed } = state;
  if (confirmed === null && observation.status === "unknown") {
    // Nothing to confirm: a cycle that could not tell leaves the history answers show in place.
    return { state: { confirmed, candidate: null, observedAt: observation.at }, change: null };
  }
  if (confirmed !== null && observation.status === confirmed.status) {
    // Agreement: the confirmed status was measured again; any streak towards another status is broken.
    return {
      state: {
        confirmed: { ...withoutVantages(confirmed), ...details(observation), checkedAt: observation.at },
        candidate: null,
        observedAt: observation.at,
      },
      change: null,
    };
  }

  const previous = state.candidate;
  const candidate: Candidate =
    previous !== null && previous.status === observation.status
      ? { ...previous, mechanism: observation.mechanism, count: previous.count + 1 }
      : { status: observation.status, mechanism: observation.mechanism, count: 1, firstSeen: observation.at };

  const needed = confirmed === null ? (options.firstThreshold ?? options.threshold) : options.threshold;
  if (candidate.count < needed) {
    return { state: { confirmed, candidate, observedAt: observation.at }, change: null };
  }

  const next: ServiceStatus = {
    service: observation.service,
    country: observation.country,
    status: candidate.status,
    ...details(observation),
    since: candidate.firstSeen,
    checkedAt: observation.at,
  };
  const change: StatusChange = {
    id: changeId(observation, observation.at),
    target: { service: observation.service, country: observation.country },
    from: confirmed?.status ?? null,
    to: next.status,
    since: next.since,
    at: observation.at,
    mechanism: next.mechanism,
    features: next.features,
    ...(confirmed === null ? { baseline: observation.baseline ?? null } : {}),
    ...(observation.sources ? { sources: observation.sources } : {}),
  };
  return { state: { confirmed: next, candidate: null, observedAt: observation.at }, change };
}

/** Runs a sequence of observations; the changes in order. For tests and replays. */
export function replay(
  observations: readonly Observation[],
  options: EngineOptions,
  state: EngineState = INITIAL_STATE,
): { state: EngineState; changes: StatusChange[] } {
  const changes: StatusChange[] = [];
  let current = state;
  for (const observation of observations) {
    const result = step(current, observation, options);
    current = result.state;
    if (result.change) changes.push(result.change);
  }
  return { state: current, changes };
}

/** The details a confirmed status takes from the latest cycle that measured it. */
function details(
  o: Observation,
): Pick<
  ServiceStatus,
  | "mechanism"
  | "features"
  | "regions"
  | "confidence"
  | "evidence"
  | "vantages"
  | "method"
  | "sources"
  | "networks"
> {
  return {
    mechanism: o.mechanism,
    features: o.features,
    regions: o.regions,
    confidence: o.confidence,
    ...(o.method ? { method: o.method } : {}),
    ...(o.sources ? { sources: o.sources } : {}),
    ...(o.networks ? { networks: o.networks } : {}),
    ...(o.evidence ? { evidence: o.evidence } : {}),
    ...(o.vantages ? { vantages: o.vantages } : {}),
  };
}

/** A disagreement belongs to the cycle that saw it: vantages that agree again clear it. */
function withoutVantages(status: ServiceStatus): ServiceStatus {
  const { vantages: _previous, ...rest } = status;
  return rest;
}

/** One change per target and confirming cycle, so target and time make a unique, repeatable id. */
function changeId(target: Target, at: string): string {
  return `${target.service}/${target.country}/${at}`;
}

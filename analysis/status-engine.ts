import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatus,
  ServiceStatusValue,
  StatusMethod,
  Target,
  VantageStatus,
} from "./types.js";

// The status engine: a small pure state machine per (service, country), after Gatus' failure/success
// thresholds (DESIGN.md rule 6). A status is confirmed only after `threshold` consecutive cycles agree
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

/** What one cycle observed for one target: the analysis of that cycle's measurements. */
export interface Observation extends Target {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  confidence: number;
  evidence?: string[];
  /** Each vantage's own status, present only when they disagree. */
  vantages?: VantageStatus[];
  /** What the status rests on (vantages, controls, positive evidence). */
  method?: StatusMethod;
  /**
   * What people were told before anything was measured: the knowledge base's last known status. A first
   * confirmed status is news only when it differs from this (alerts read it from the change).
   */
  baseline?: Baseline | null;
  /** ISO timestamp of the cycle. */
  at: string;
}

/** The history-based status answers showed before the first measurement: the latest dated event. */
export interface Baseline {
  status: ServiceStatusValue;
  /** The event's date, as precise as its source (YYYY, YYYY-MM or YYYY-MM-DD). */
  date: string;
  source: string;
}

/** A streak of consistent cycles showing a status other than the confirmed one. */
export interface Candidate {
  status: ServiceStatusValue;
  /** The latest cycle's mechanism. */
  mechanism: Mechanism | null;
  /** Consecutive cycles that showed `status`, this one included. */
  count: number;
  /** ISO timestamp of the streak's first cycle: the `since` of the status if it is confirmed. */
  firstSeen: string;
}

export interface EngineState {
  confirmed: ServiceStatus | null;
  candidate: Candidate | null;
  /** ISO timestamp of the latest observation applied: older or equal ones are ignored. */
  observedAt: string | null;
}

/** A confirmed status change: goes on the timeline and to alerts. */
export interface StatusChange {
  /** Unique and deterministic: the same change computed twice has the same id. */
  id: string;
  target: Target;
  /** null for the first status ever confirmed. */
  from: ServiceStatusValue | null;
  to: ServiceStatusValue;
  /** ISO timestamp of the first cycle of the streak that confirmed `to`. */
  since: string;
  /** ISO timestamp of the cycle that confirmed it. */
  at: string;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  /** For a first status (`from` null): the history-based status it replaced, null when there was none. */
  baseline?: Baseline | null;
}

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
}

export interface StepResult {
  state: EngineState;
  change: StatusChange | null;
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

  if (candidate.count < options.threshold) {
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
  "mechanism" | "features" | "regions" | "confidence" | "evidence" | "vantages" | "method"
> {
  return {
    mechanism: o.mechanism,
    features: o.features,
    regions: o.regions,
    confidence: o.confidence,
    ...(o.method ? { method: o.method } : {}),
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

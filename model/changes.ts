import type { NetworkStatus, SourceSummary } from "./readings.js";
import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatus,
  ServiceStatusValue,
  StatusMethod,
  Target,
  VantageStatus,
} from "./status.js";

// The status engine's data (analysis/status-engine.ts is its logic): what a cycle observed, the state kept
// per (service, country), and the confirmed changes that go on the timeline and to alerts. Types only.

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
  /** Who measured it (model/readings.ts). */
  sources?: SourceSummary[];
  networks?: NetworkStatus[];
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
  /** Who measured the confirming cycle: alerts name the source. */
  sources?: SourceSummary[];
}

export interface StepResult {
  state: EngineState;
  change: StatusChange | null;
}

import type { FeatureStatus, Mechanism, Network, ServiceStatusValue, SourceKind } from "./status.js";

export type { Network, NetworkStatus, SourceKind, SourceSummary } from "./status.js";
export { SOURCE_KINDS } from "./status.js";

// What each vantage concluded about a service on its own, kept per (service, country) so that every cycle
// of every feed (our probes, agents, OONI's networks) combines the same evidence: a feed replaces its own
// vantages' readings and reads everyone's. A status then knows its sources.

/** One vantage's own judgement of one service in one country. */
export interface VantageReading {
  /** "local", "bj-1", or "ooni:AS4134" for OONI's measurements from one network. */
  vantage: string;
  kind: SourceKind;
  region: string | null;
  network: Network | null;
  /** false: its canary failed or its agent is silent; its status counts for nothing. */
  online: boolean;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  /** ISO timestamp of the newest measurement it rests on. */
  measuredAt: string;
  /** Measurements it rests on. */
  measurements: number;
  /** Whether a control (ours, or OONI's test helper) took part in its verdicts. */
  controlled: boolean;
  /** Endpoints it found blocked on positive evidence alone, and reached directly, with no control. */
  positive: number;
  direct: number;
  /** What it saw, a few lines ("tls://mmg.whatsapp.net:443: probe: connection_reset at TLS ..."). */
  evidence: string[];
}

// The vocabulary of docs/design.md, shared by analysis, store, bot and web.

/** Verdict for one endpoint or feature. */
export const VERDICTS = ["ok", "blocked", "down", "unknown"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Which layer failed: the censor's mechanism, or where an outage shows. */
export const MECHANISMS = ["dns", "tcp", "tls", "http"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** What users see for one service in one country. */
export const SERVICE_STATUSES = ["accessible", "partial", "blocked", "outage", "unknown"] as const;
export type ServiceStatusValue = (typeof SERVICE_STATUSES)[number];

export interface FeatureStatus {
  feature: string;
  status: Verdict;
  mechanism: Mechanism | null;
}

export interface RegionStatus {
  region: string;
  status: ServiceStatusValue;
}

/** One vantage's own status for a service: kept on a status when its vantages disagree. */
export interface VantageStatus {
  vantage: string;
  region: string | null;
  status: ServiceStatusValue;
}

/**
 * What a status rests on, so that every sentence about method can be true for it: how many vantages
 * in the country counted, whether a control (an uncensored network) took part, and what the verdicts
 * needed no control for.
 */
export interface StatusMethod {
  /** Online probe vantages of the country whose results counted. */
  vantages: number;
  /** Control vantages whose measurements were compared with the probes'. */
  controls: number;
  /** Measurements judged, probes' and controls'. */
  measurements: number;
  /** Endpoints found blocked on positive evidence alone (a forged answer, a blockpage): no control took part. */
  positive: number;
  /** Endpoints the probe reached itself (a connect, a valid TLS session): no control took part. */
  direct: number;
}

/** The confirmed status of (service, country), as the status engine stores it. */
export interface ServiceStatus {
  service: string;
  country: string;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  /** ISO timestamp of the first cycle that showed this status. */
  since: string;
  /** ISO timestamp of the latest cycle that measured it. */
  checkedAt: string;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** 0..1: how much the vantages agree, weighed by how much evidence there is (analysis/confidence.ts). */
  confidence: number;
  /** What the status rests on; absent on statuses stored before it was recorded. */
  method?: StatusMethod;
  /** Who measured it: our vantages, agents, OONI's networks, each with its own status (model/readings.ts). */
  sources?: SourceSummary[];
  /** Per network, where the networks are known (OONI's, agents'): "blocked on Chinanet, works on China Mobile". */
  networks?: NetworkStatus[];
  /** What the vantages saw, one line each ("bj-1 tls://mmg.whatsapp.net:443: probe: connection_reset ..."). */
  evidence?: string[];
  /**
   * Present only when the country's vantages reached different statuses: each one's own, bounded
   * (analysis/vantages.ts), so a disagreement is shown rather than averaged away.
   */
  vantages?: VantageStatus[];
}

/** One change on the (service, country) timeline. */
export interface TimelineEntry {
  at: string;
  from: ServiceStatusValue | null;
  to: ServiceStatusValue;
  mechanism: Mechanism | null;
  /** What the change rested on, for feeds: its features and sources; absent on entries kept before. */
  features?: FeatureStatus[];
  sources?: SourceSummary[];
}

export interface Target {
  service: string;
  country: string;
}

/** What the analyzer concluded about one endpoint from one probe vantage (DESIGN rules 1-5). */
export interface EndpointVerdict {
  verdict: Verdict;
  mechanism: Mechanism | null;
  /** Short, human-readable reasons: "probe: connection_reset at TLS; control: handshake ok". */
  evidence: string[];
}

/** A feature's verdict with the reasons that led to it. */
export interface FeatureVerdict extends EndpointVerdict {
  feature: string;
}

/** `isblocked analyze`: what one measurement file says, one object per file. */
export interface FileAnalysis {
  file: string;
  test_name: string | null;
  input: string | null;
  probe_cc: string | null;
  /** The knowledge-base id of the service measured, when known. */
  service: string | null;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  evidence: string[];
  /** Why the file could not be analysed (unreadable, not a measurement, a test we do not analyse). */
  error?: string;
}

/** Where a reading comes from: this host's vantages, a remote agent, or an OONI network. */
export const SOURCE_KINDS = ["probe", "agent", "ooni"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** An autonomous system, as the IP-to-ASN dataset or OONI names it. */
export interface Network {
  asn: number;
  name: string;
}

/** One network's status, for "blocked on China Telecom and China Unicom; works on China Mobile". */
export interface NetworkStatus extends Network {
  status: ServiceStatusValue;
}

/** What one kind of source says about a status, so answers can say who measured what, and when. */
export interface SourceSummary {
  kind: SourceKind;
  /** What this source's own vantages say together. */
  status: ServiceStatusValue;
  /** Its vantages (or OONI networks) that counted. */
  vantages: string[];
  /** The networks among them, when known. */
  networks: Network[];
  measurements: number;
  /** ISO timestamp of its newest measurement. */
  latestAt: string;
  /** ISO timestamp of its oldest measurement still counted: "on 6 networks in the last 24 h". */
  earliestAt?: string;
}

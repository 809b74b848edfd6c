import type { FeatureStatus, Mechanism, ServiceStatusValue } from "./status.js";

// What the rest of isblocked asks of OONI's public API (ooni/README.md): a summary of recent public
// measurements of one service or domain in one country, judged by our own analyzer.

/** What to look up: a knowledge-base service (its OONI test or its domains) or any domain. */
export interface OoniQuery {
  /** ISO 3166-1 alpha-2, as OONI's `probe_cc`. */
  country: string;
  /** A knowledge-base service id. */
  service?: string;
  /** A host name, for services outside the knowledge base ("example.org"). */
  domain?: string;
}

/** OONI's public measurements of one query, judged by analysis/ (never by OONI's own conclusions). */
export interface OoniSummary {
  source: "ooni";
  query: OoniQuery;
  /** Measurements in the window, from the aggregation or listing API. */
  measurements: number;
  /** Measurements OONI flagged as anomaly or confirmed, in the same window. */
  anomalies: number;
  windowDays: number;
  /** ISO timestamp of the newest measurement; null when there is none. */
  lastAt: string | null;
  /** Our analyzer's reading of the raw measurements fetched (unknown when none could be read). */
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  /** How many of the newest raw measurements our analyzer read for `status` (absent in older caches). */
  analysed?: number;
  /** When this summary was fetched from OONI (cached summaries keep their original time). */
  fetchedAt: string;
}

/** OONI could not be asked: unreachable, rate-limited, or an answer we could not read. */
export interface OoniUnavailable {
  source: "ooni";
  unavailable: true;
  reason: "unreachable" | "rate-limited" | "bad-response" | "disabled";
}

export interface OoniSource {
  /** A cached summary when fresh enough, else asks OONI; never rejects: failures are `OoniUnavailable`. */
  summary(query: OoniQuery, signal?: AbortSignal): Promise<OoniSummary | OoniUnavailable>;
}

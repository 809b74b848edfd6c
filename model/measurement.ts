// Measurements in OONI's data-format vocabulary (ooni/spec data-formats: df-002-dnst, df-005-tcpconnect,
// df-006-tlshandshake, df-001-httpt), so that one analyzer reads ours and real OONI measurements alike.
// Network failures are data: a closed set of failure strings, never exceptions.

/** The closed set of failure strings a measurer may record (OONI's names). */
export const FAILURES = [
  "generic_timeout_error",
  "connection_reset",
  "connection_refused",
  "host_unreachable",
  "network_unreachable",
  "eof_error",
  "dns_nxdomain_error",
  "dns_no_answer",
  "dns_refused_error",
  "dns_server_failure",
  "dns_non_recoverable_failure",
  "ssl_invalid_hostname",
  "ssl_unknown_authority",
  "ssl_invalid_certificate",
  "ssl_failed_handshake",
  "http_too_many_redirects",
  "http_invalid_redirect_location",
  "http_request_failed",
  "interrupted",
  // Ours, in OONI's style: the guarded network refused the destination (private address, wrong port), so
  // no packet was sent. Never a sign of censorship.
  "ssrf_refused",
  "unknown_failure",
] as const;
export type KnownFailure = (typeof FAILURES)[number];
/**
 * A failure string. Ours are always a KnownFailure, or `unknown_failure: <message>` with addresses
 * scrubbed; OONI's may be any string, so the analyzer treats this as open.
 */
export type Failure = string;

export interface DnsAnswer {
  answer_type: "A" | "AAAA" | "CNAME";
  ipv4?: string;
  ipv6?: string;
  hostname?: string;
  ttl: number | null;
}

export interface DnsQuery {
  engine: "system" | "udp" | "doh";
  /** `ip:port` of the resolver, or the DoH URL; empty for the system resolver. */
  resolver_address: string;
  query_type: "A" | "AAAA";
  hostname: string;
  answers: DnsAnswer[] | null;
  failure: Failure | null;
  /** Seconds since the measurement started, as OONI records them. */
  t0: number;
  t: number;
}

export interface TcpConnect {
  ip: string;
  port: number;
  status: { success: boolean; failure: Failure | null; blocked?: boolean | null };
  t0: number;
  t: number;
}

export interface TlsHandshake {
  /** `ip:port`, IPv6 in brackets. */
  address: string;
  server_name: string;
  failure: Failure | null;
  tls_version: string;
  cipher_suite: string;
  negotiated_protocol: string;
  /** DER certificates, leaf first, base64. */
  peer_certificates: { data: string; format: "base64" }[];
  no_tls_verify: boolean;
  t0: number;
  t: number;
}

export interface HttpRequestRecord {
  url: string;
  method: string;
  headers: Record<string, string>;
}

export interface HttpResponseRecord {
  code: number;
  headers: Record<string, string>;
  /** The body up to the cap, as text; OONI may also record `{format: "base64", data}`. */
  body: string | { format: "base64"; data: string } | null;
  body_is_truncated: boolean;
  /** Bytes received (up to the cap). */
  body_length?: number;
  body_sha256?: string;
  title?: string;
}

/** One HTTP round trip; a redirect chain is several, newest first as OONI records them. */
export interface HttpTransaction {
  request: HttpRequestRecord;
  response: HttpResponseRecord | null;
  failure: Failure | null;
  t0: number;
  t: number;
}

export interface TestKeys {
  queries: DnsQuery[];
  tcp_connect: TcpConnect[];
  tls_handshakes: TlsHandshake[];
  requests: HttpTransaction[];
}

export type VantageRole = "probe" | "control";

export interface Vantage {
  id: string;
  country: string;
  region?: string;
  role: VantageRole;
  /** `ip:port` of this vantage's DNS resolver; the system resolver when absent. */
  resolver?: string;
  /** Source address its connections bind to. */
  localAddress?: string;
  /**
   * The network (autonomous system) it measures from, as its operator registered it: answers then say
   * "blocked on China Telecom, works on China Mobile" for our own vantages as for OONI's.
   */
  asn?: number;
}

/** What one vantage observed for one endpoint: OONI's top-level keys plus ours. */
export interface Measurement {
  id: string;
  test_name: "isblocked_endpoint" | "isblocked_canary";
  data_format_version: "0.2.0";
  measurement_start_time: string;
  test_runtime: number;
  probe_cc: string;
  probe_region: string | null;
  vantage: string;
  vantage_role: VantageRole;
  /** The endpoint as a URL: `tcp://host:port`, `tls://host:port`, `https://host/path`. */
  input: string;
  service: string | null;
  feature: string | null;
  test_keys: TestKeys;
}

/** Per-stage timeouts in milliseconds; every stage has its own. */
export interface StageTimeouts {
  dns: number;
  tcp: number;
  tls: number;
  /** From request sent to response headers. */
  httpHeaders: number;
  /** From headers to the end of the (capped) body. */
  httpBody: number;
}

export const DEFAULT_TIMEOUTS: StageTimeouts = {
  dns: 4000,
  tcp: 5000,
  tls: 5000,
  httpHeaders: 8000,
  httpBody: 10000,
};

/** A measurement's start time (OONI's `2017-09-25 12:00:00`, UTC) in epoch ms; 0 when unreadable. */
export function startOf(m: Measurement): number {
  const at = Date.parse(`${m.measurement_start_time.replace(" ", "T")}Z`);
  return Number.isFinite(at) ? at : 0;
}

/**
 * How far a measurement's start may be ahead of this host's clock: past it the measurement is from the
 * future, no evidence at all, and would otherwise be "the latest" until real time caught up with it.
 */
export const MAX_AHEAD_MS = 5 * 60_000;

/** Whether a measurement started (epoch ms `startedAt`) more than MAX_AHEAD_MS after `nowMs`. */
export function fromTheFuture(startedAt: number, nowMs: number): boolean {
  return startedAt > nowMs + MAX_AHEAD_MS;
}

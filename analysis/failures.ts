import type { Mechanism } from "../model/status.js";

// Failure strings come from three generations of measurers: ours (probes/failures.ts), OONI's Go probe,
// and the older MK probe and the test helper, which use different names for the same events. They are
// normalised to one vocabulary before any rule looks at them.

const SYNONYMS: Record<string, string> = {
  // The web_connectivity test helper's names.
  dns_name_error: "dns_nxdomain_error",
  dns_lookup_error: "dns_server_failure",
  connection_refused_error: "connection_refused",
  connection_reset_error: "connection_reset",
  // The MK probe's names.
  connect_error: "connection_refused",
  "generic_timeout_error ": "generic_timeout_error",
  response_never_received: "eof_error",
};

/** One spelling per event; null stays null. Booleans (`failure: false` in old MK records) mean none. */
export function normalizeFailure(failure: unknown): string | null {
  if (failure === null || failure === undefined || failure === false || failure === "") return null;
  const text = String(failure).trim();
  return SYNONYMS[text] ?? text;
}

export const isDnsFailure = (f: string): boolean =>
  f.startsWith("dns_") || f === "android_dns_cache_no_data" || f.includes("no such host");

export const isTlsFailure = (f: string): boolean => f.startsWith("ssl_") || f.includes("certificate");

/** A certificate problem (as opposed to a reset or timeout during the handshake). */
export const isCertificateFailure = (f: string): boolean =>
  f === "ssl_invalid_hostname" || f === "ssl_unknown_authority" || f === "ssl_invalid_certificate";

const CONNECT_FAILURES = new Set(["connection_refused", "host_unreachable", "network_unreachable"]);

/**
 * Failures that come from the site's own answer, not from the path to it: a redirect the client cannot
 * follow or too many redirects. A censor is not known to produce these, so they never prove blocking.
 */
export function isSiteFault(f: string): boolean {
  return (
    f.startsWith("http_invalid_redirect") ||
    f === "http_too_many_redirects" ||
    f.includes("too many redirects") ||
    f === "http_request_failed: invalid location"
  );
}

/**
 * The stage a failure string itself names, when it names one; generic failures (timeout, reset, EOF)
 * name none, and the caller decides from which stage was under way.
 */
export function stageOfFailure(f: string): Mechanism | null {
  if (isDnsFailure(f)) return "dns";
  if (isTlsFailure(f)) return "tls";
  if (CONNECT_FAILURES.has(f)) return "tcp";
  if (f.startsWith("http_") || isSiteFault(f)) return "http";
  return null;
}

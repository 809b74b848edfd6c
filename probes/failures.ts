import { IsblockedError } from "../core/errors.js";
import type { Failure, KnownFailure } from "../model/measurement.js";

// Every error a measurer sees becomes one string of the closed FAILURES set (OONI's names), so that the
// analyzer reads failures as data. What we cannot name becomes `unknown_failure: <message>` with every
// address and port scrubbed: a measurement must not leak the vantage's own addresses.

/** Node and c-ares error codes, and OpenSSL verification codes, by the failure they mean. */
const BY_CODE: Record<string, KnownFailure> = {
  ECONNRESET: "connection_reset",
  ECONNREFUSED: "connection_refused",
  ETIMEDOUT: "generic_timeout_error",
  ETIMEOUT: "generic_timeout_error", // c-ares: the resolver did not answer
  EHOSTUNREACH: "host_unreachable",
  EHOSTDOWN: "host_unreachable",
  ENETUNREACH: "network_unreachable",
  ENETDOWN: "network_unreachable",
  EPIPE: "eof_error",
  ERR_STREAM_PREMATURE_CLOSE: "eof_error",
  UND_ERR_SOCKET: "eof_error",
  ECONNABORTED: "interrupted",
  ECANCELLED: "interrupted", // c-ares: resolver.cancel()
  // DNS (c-ares codes as node:dns reports them).
  ENOTFOUND: "dns_nxdomain_error",
  ENODATA: "dns_no_answer",
  ESERVFAIL: "dns_server_failure",
  EREFUSED: "dns_refused_error",
  EFORMERR: "dns_non_recoverable_failure",
  ENOTIMP: "dns_non_recoverable_failure",
  EBADRESP: "dns_non_recoverable_failure",
  EAI_FAIL: "dns_non_recoverable_failure",
  EAI_NONAME: "dns_nxdomain_error",
  EAI_NODATA: "dns_no_answer",
  EAI_AGAIN: "generic_timeout_error",
  // TLS: the certificate names another host.
  ERR_TLS_CERT_ALTNAME_INVALID: "ssl_invalid_hostname",
  HOSTNAME_MISMATCH: "ssl_invalid_hostname",
  // TLS: nobody we trust vouches for the certificate.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "ssl_unknown_authority",
  SELF_SIGNED_CERT_IN_CHAIN: "ssl_unknown_authority",
  DEPTH_ZERO_SELF_SIGNED_CERT: "ssl_unknown_authority",
  UNABLE_TO_GET_ISSUER_CERT: "ssl_unknown_authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "ssl_unknown_authority",
  CERT_UNTRUSTED: "ssl_unknown_authority",
  // TLS: a trusted chain, but the certificate itself is not acceptable.
  CERT_HAS_EXPIRED: "ssl_invalid_certificate",
  CERT_NOT_YET_VALID: "ssl_invalid_certificate",
  CERT_REVOKED: "ssl_invalid_certificate",
  CERT_REJECTED: "ssl_invalid_certificate",
  CERT_SIGNATURE_FAILURE: "ssl_invalid_certificate",
  CERT_CHAIN_TOO_LONG: "ssl_invalid_certificate",
  INVALID_CA: "ssl_invalid_certificate",
  INVALID_PURPOSE: "ssl_invalid_certificate",
  PATH_LENGTH_EXCEEDED: "ssl_invalid_certificate",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "ssl_invalid_certificate",
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "ssl_invalid_certificate",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "ssl_invalid_certificate",
  // HTTP: the peer spoke something that is not HTTP, or stopped mid-message.
  HPE_INVALID_CONSTANT: "http_request_failed",
  HPE_INVALID_VERSION: "http_request_failed",
  HPE_INVALID_STATUS: "http_request_failed",
  HPE_INVALID_HEADER_TOKEN: "http_request_failed",
  HPE_HEADER_OVERFLOW: "http_request_failed",
  HPE_INVALID_CHUNK_SIZE: "http_request_failed",
  HPE_UNEXPECTED_CONTENT_LENGTH: "http_request_failed",
};

/** A failure our own code raises where Node has no error: a stage deadline, a closed stream. */
export class ProbeFailure extends IsblockedError {
  override name = "ProbeFailure";
  constructor(
    readonly failure: KnownFailure,
    message: string = failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const IPV6_BRACKETED = /\[[0-9A-Fa-f:.%\w]*:[0-9A-Fa-f:.%\w]*\](?::\d{1,5})?/g;
// Bare IPv6 is either abbreviated (contains `::`) or has eight groups; Node prints `::1:443` for address
// and port, which the first form swallows whole. Clock times (12:30:45) match neither.
const IPV6_BARE =
  /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:)*::(?:[0-9A-Fa-f]{0,4}:)*(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])/g;
const PORT_WORDS = /\bport\s+\d{1,5}\b/gi;

/** Replaces every IPv4/IPv6 address (with its port) and every "port N" in a message by `[scrubbed]`. */
export function scrubAddresses(message: string): string {
  return message
    .replace(IPV6_BRACKETED, "[scrubbed]")
    .replace(IPV6_BARE, (match) =>
      match.includes("::") || match.split(":").length === 8 ? "[scrubbed]" : match,
    )
    .replace(IPV4, "[scrubbed]")
    .replace(PORT_WORDS, "port [scrubbed]");
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const asErrorLike = (value: unknown): ErrorLike | null =>
  typeof value === "object" && value !== null ? (value as ErrorLike) : null;

/** Node calls a peer's FIN during a TLS handshake ECONNRESET; OONI calls it eof_error. */
const TLS_EOF = /disconnected before secure TLS connection|socket hang up|unexpected eof|premature close/i;
const TLS_ALERT = /alert|handshake failure|wrong version number|no shared cipher|unsupported protocol/i;

function classifyOne(error: ErrorLike): KnownFailure | null {
  if (error instanceof ProbeFailure) return error.failure;
  const name = typeof error.name === "string" ? error.name : "";
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : "";
  if (name === "TimeoutError") return "generic_timeout_error";
  if (code === "ECONNRESET" && TLS_EOF.test(message)) return "eof_error";
  const known = BY_CODE[code];
  if (known !== undefined) return known;
  if (code.startsWith("ERR_SSL_") || (code.startsWith("ERR_TLS_") && TLS_ALERT.test(message))) {
    return "ssl_failed_handshake";
  }
  if (code.startsWith("HPE_")) return "http_request_failed";
  if (TLS_EOF.test(message)) return "eof_error";
  if (name === "AbortError") {
    // An abort carries its reason as the cause: a deadline is a timeout, anything else an interruption.
    const cause = asErrorLike(error.cause);
    return cause !== null && cause.name === "TimeoutError" ? "generic_timeout_error" : "interrupted";
  }
  return null;
}

/** The failure string for anything a network function threw or emitted. */
export function classifyFailure(error: unknown): Failure {
  // Wrapped errors (fetch's "fetch failed", AbortError with a reason) name the real failure in `cause`.
  let current: ErrorLike | null = asErrorLike(error);
  for (let depth = 0; current !== null && depth < 5; depth++) {
    const known = classifyOne(current);
    if (known !== null) return known;
    current = asErrorLike(current.cause);
  }
  const outer = asErrorLike(error);
  const message =
    outer !== null && typeof outer.message === "string" && outer.message !== ""
      ? outer.message
      : String(error);
  return `unknown_failure: ${scrubAddresses(message)}`;
}

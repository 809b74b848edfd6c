import { describe, expect, it } from "vitest";
import { FAILURES } from "../../model/measurement.js";
import { classifyFailure, ProbeFailure, scrubAddresses } from "../../probes/failures.js";

const withCode = (code: string, message = `some ${code} error`) =>
  Object.assign(new Error(message), { code });

describe("classifyFailure", () => {
  const table: [string, unknown, string][] = [
    ["connect reset", withCode("ECONNRESET", "read ECONNRESET"), "connection_reset"],
    ["connect refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"), "connection_refused"],
    ["connect timeout", withCode("ETIMEDOUT"), "generic_timeout_error"],
    ["host unreachable", withCode("EHOSTUNREACH"), "host_unreachable"],
    ["network unreachable", withCode("ENETUNREACH"), "network_unreachable"],
    ["broken pipe", withCode("EPIPE"), "eof_error"],
    ["premature close", withCode("ERR_STREAM_PREMATURE_CLOSE"), "eof_error"],
    [
      "FIN during the TLS handshake",
      withCode(
        "ECONNRESET",
        "Client network socket disconnected before secure TLS connection was established",
      ),
      "eof_error",
    ],
    ["NXDOMAIN", withCode("ENOTFOUND", "queryA ENOTFOUND x.test"), "dns_nxdomain_error"],
    ["NOERROR without answers", withCode("ENODATA"), "dns_no_answer"],
    ["SERVFAIL", withCode("ESERVFAIL"), "dns_server_failure"],
    ["REFUSED", withCode("EREFUSED"), "dns_refused_error"],
    ["resolver silent", withCode("ETIMEOUT"), "generic_timeout_error"],
    ["resolver cancelled", withCode("ECANCELLED"), "interrupted"],
    ["malformed DNS", withCode("EBADRESP"), "dns_non_recoverable_failure"],
    ["certificate for another name", withCode("ERR_TLS_CERT_ALTNAME_INVALID"), "ssl_invalid_hostname"],
    ["unknown issuer", withCode("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "ssl_unknown_authority"],
    ["self-signed in chain", withCode("SELF_SIGNED_CERT_IN_CHAIN"), "ssl_unknown_authority"],
    ["self-signed leaf", withCode("DEPTH_ZERO_SELF_SIGNED_CERT"), "ssl_unknown_authority"],
    ["local issuer missing", withCode("UNABLE_TO_GET_ISSUER_CERT_LOCALLY"), "ssl_unknown_authority"],
    ["expired", withCode("CERT_HAS_EXPIRED"), "ssl_invalid_certificate"],
    ["not yet valid", withCode("CERT_NOT_YET_VALID"), "ssl_invalid_certificate"],
    ["TLS alert", withCode("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"), "ssl_failed_handshake"],
    ["not TLS at all", withCode("ERR_SSL_WRONG_VERSION_NUMBER"), "ssl_failed_handshake"],
    ["not HTTP at all", withCode("HPE_INVALID_CONSTANT"), "http_request_failed"],
    [
      "AbortSignal.timeout",
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      "generic_timeout_error",
    ],
    ["caller abort", new DOMException("This operation was aborted", "AbortError"), "interrupted"],
    [
      "abort caused by a timeout",
      Object.assign(new Error("aborted"), {
        name: "AbortError",
        cause: new DOMException("t", "TimeoutError"),
      }),
      "generic_timeout_error",
    ],
    [
      "fetch failed, reset underneath",
      new TypeError("fetch failed", { cause: withCode("ECONNRESET") }),
      "connection_reset",
    ],
    [
      "our own deadline",
      new ProbeFailure("generic_timeout_error", "HTTP body timeout"),
      "generic_timeout_error",
    ],
  ];

  it.each(table)("%s", (_name, error, expected) => {
    expect(classifyFailure(error)).toBe(expected);
  });

  it("names every known failure from the closed set", () => {
    for (const [, error] of table) {
      const failure = classifyFailure(error);
      expect(FAILURES as readonly string[]).toContain(failure);
    }
  });

  it("scrubs addresses and ports from what it cannot name", () => {
    const failure = classifyFailure(
      withCode("EADDRNOTAVAIL", "connect EADDRNOTAVAIL 198.51.100.7:443 - Local (10.0.0.2:51234)"),
    );
    expect(failure).toBe("unknown_failure: connect EADDRNOTAVAIL [scrubbed] - Local ([scrubbed])");
  });

  it("turns non-errors into unknown failures too", () => {
    expect(classifyFailure("weird")).toBe("unknown_failure: weird");
    expect(classifyFailure(undefined)).toBe("unknown_failure: undefined");
  });
});

describe("scrubAddresses", () => {
  it.each([
    ["connect ECONNREFUSED 127.0.0.1:9", "connect ECONNREFUSED [scrubbed]"],
    ["connect ECONNREFUSED ::1:443", "connect ECONNREFUSED [scrubbed]"],
    ["from [2001:db8::1]:8080 to 2001:db8:0:0:0:0:0:2", "from [scrubbed] to [scrubbed]"],
    ["bind 10.1.2.3 failed on port 5353", "bind [scrubbed] failed on port [scrubbed]"],
    ["::ffff:192.0.2.1 said no", "[scrubbed] said no"],
    ["at 12:30:45 nothing happened", "at 12:30:45 nothing happened"],
    ["std::string is not an address", "std::string is not an address"],
  ])("%s", (input, expected) => {
    expect(scrubAddresses(input)).toBe(expected);
  });
});

import type { HttpTransaction, TcpConnect, TestKeys, TlsHandshake } from "../../model/measurement.js";
import { normalizeFailure } from "../failures.js";
import { addressHost, isIp } from "../ip.js";
import { headersOf, isObject, type Json, type ObservedAnswer, str } from "./normalize.js";

// The web_connectivity test helper's `control` object is the control vantage's raw observation of the
// same URL: its DNS answers, its TCP connects (to its own and the probe's addresses), its TLS handshakes
// and the page it finally got. Here it becomes TestKeys, so that one analyzer compares like with like.
// OONI's derived fields (blocking, dns_consistency, *_match, ...) are never read.

function controlAnswers(dns: Json, ipInfo: Json): ObservedAnswer[] {
  const addrs = Array.isArray(dns.addrs) ? dns.addrs : [];
  return addrs.flatMap((a): ObservedAnswer[] => {
    const ip = str(a);
    // The helper lists CNAME targets among the addresses; only addresses are answers.
    if (!ip || !isIp(ip)) return [];
    const info = isObject(ipInfo[ip]) ? (ipInfo[ip] as Json) : {};
    const asn = typeof info.asn === "number" && info.asn > 0 ? { asn: info.asn } : {};
    return [
      ip.includes(":")
        ? { answer_type: "AAAA", ipv6: ip, ttl: null, ...asn }
        : { answer_type: "A", ipv4: ip, ttl: null, ...asn },
    ];
  });
}

function endpointsOf(map: unknown): [string, Json][] {
  return isObject(map) ? Object.entries(map).filter((e): e is [string, Json] => isObject(e[1])) : [];
}

const portOf = (key: string) => Number(/:(\d+)$/.exec(key)?.[1] ?? 0);

/**
 * The control as TestKeys, or null when there is no usable control (the helper failed, or answered
 * nothing): then the analysis has only positive evidence to go on.
 */
export function controlTestKeys(
  control: unknown,
  controlFailure: unknown,
  input: string,
  host: string,
): TestKeys | null {
  if (normalizeFailure(controlFailure) !== null || !isObject(control)) return null;
  const keys: TestKeys = { queries: [], tcp_connect: [], tls_handshakes: [], requests: [] };
  const ipInfo = isObject(control.ip_info) ? control.ip_info : {};
  if (isObject(control.dns)) {
    const answers = controlAnswers(control.dns, ipInfo);
    keys.queries.push({
      engine: "system",
      resolver_address: "",
      query_type: "A",
      hostname: host,
      answers,
      failure: normalizeFailure(control.dns.failure),
      t0: 0,
      t: 0,
    });
  }
  for (const [key, value] of endpointsOf(control.tcp_connect)) {
    const ip = addressHost(key);
    if (!ip) continue;
    const ok = value.status === true;
    const entry: TcpConnect = {
      ip,
      port: portOf(key),
      status: { success: ok, failure: ok ? null : (normalizeFailure(value.failure) ?? "unknown_failure") },
      t0: 0,
      t: 0,
    };
    keys.tcp_connect.push(entry);
  }
  for (const [key, value] of endpointsOf(control.tls_handshake)) {
    const ok = value.status === true;
    const entry: TlsHandshake = {
      address: key,
      server_name: str(value.server_name) ?? host,
      failure: ok ? null : (normalizeFailure(value.failure) ?? "unknown_failure"),
      tls_version: "",
      cipher_suite: "",
      negotiated_protocol: "",
      peer_certificates: [],
      no_tls_verify: false,
      t0: 0,
      t: 0,
    };
    keys.tls_handshakes.push(entry);
  }
  const http = control.http_request;
  if (isObject(http)) {
    const failure = normalizeFailure(http.failure);
    const code = typeof http.status_code === "number" ? http.status_code : 0;
    const length =
      typeof http.body_length === "number" && http.body_length >= 0 ? { body_length: http.body_length } : {};
    const title = str(http.title);
    const transaction: HttpTransaction = {
      request: { url: input, method: "GET", headers: {} },
      // The helper followed the redirects itself: this is the final page, and it has no body, only its length.
      response:
        failure === null && code > 0
          ? {
              code,
              headers: headersOf(http.headers),
              body: null,
              body_is_truncated: false,
              ...length,
              ...(title !== null ? { title } : {}),
            }
          : null,
      failure: failure ?? (code > 0 ? null : "unknown_failure"),
      t0: 0,
      t: 0,
    };
    keys.requests.push(transaction);
  }
  const empty =
    keys.queries.length + keys.tcp_connect.length + keys.tls_handshakes.length + keys.requests.length === 0;
  return empty ? null : keys;
}

import type {
  DnsAnswer,
  DnsQuery,
  HttpResponseRecord,
  HttpTransaction,
  TcpConnect,
  TestKeys,
  TlsHandshake,
} from "../../model/measurement.js";
import { normalizeFailure } from "../failures.js";
import { textOf } from "../http-body.js";

// OONI's test_keys as our TestKeys, tolerating a decade of variety: null lists, engines named
// getaddrinfo or missing (MK), `failure: false`, headers stored as base64 objects or lists, bodies as
// `{format: "base64", data}`, requests without a URL. Two of OONI's raw fields are kept beside our
// shape because rules need them: the ASN of each DNS answer and the address each request went to.

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown, fallback = 0): number =>
  typeof v === "number" && Number.isFinite(v) ? v : fallback;

/** A DNS answer with OONI's ASN annotation. */
export type ObservedAnswer = DnsAnswer & { asn?: number };
/** An HTTP transaction with the address OONI says it was sent to. */
export type ObservedTransaction = HttpTransaction & { address?: string | null };

function engineOf(raw: unknown): DnsQuery["engine"] {
  const e = str(raw)?.toLowerCase() ?? "";
  if (e === "doh") return "doh";
  if (e === "udp" || e === "tcp" || e === "dot" || e === "dnscrypt") return "udp";
  // getaddrinfo, go, system, android, or missing in MK records: the device's own resolver.
  return "system";
}

function answer(raw: unknown): ObservedAnswer | null {
  if (!isObject(raw)) return null;
  const type = str(raw.answer_type)?.toUpperCase();
  const asn = typeof raw.asn === "number" ? { asn: raw.asn } : {};
  if (type === "A" && str(raw.ipv4))
    return { answer_type: "A", ipv4: str(raw.ipv4) as string, ttl: null, ...asn };
  if (type === "AAAA" && str(raw.ipv6))
    return { answer_type: "AAAA", ipv6: str(raw.ipv6) as string, ttl: null, ...asn };
  if (type === "CNAME" && str(raw.hostname))
    return { answer_type: "CNAME", hostname: str(raw.hostname) as string, ttl: null };
  return null;
}

function query(raw: unknown): DnsQuery | null {
  if (!isObject(raw)) return null;
  const answers = Array.isArray(raw.answers)
    ? raw.answers.map(answer).filter((a): a is ObservedAnswer => a !== null)
    : null;
  return {
    engine: engineOf(raw.engine),
    resolver_address: str(raw.resolver_address) ?? "",
    query_type: str(raw.query_type) === "AAAA" ? "AAAA" : "A",
    hostname: str(raw.hostname) ?? "",
    answers,
    failure: normalizeFailure(raw.failure),
    t0: num(raw.t0),
    t: num(raw.t),
  };
}

function tcp(raw: unknown): TcpConnect | null {
  if (!isObject(raw) || !str(raw.ip)) return null;
  const status = isObject(raw.status) ? raw.status : {};
  const failure = normalizeFailure(status.failure);
  const success = typeof status.success === "boolean" ? status.success : failure === null;
  return {
    ip: str(raw.ip) as string,
    port: num(raw.port),
    status: { success, failure },
    t0: num(raw.t0),
    t: num(raw.t),
  };
}

function tls(raw: unknown): TlsHandshake | null {
  if (!isObject(raw)) return null;
  return {
    address: str(raw.address) ?? "",
    server_name: str(raw.server_name) ?? "",
    failure: normalizeFailure(raw.failure),
    tls_version: str(raw.tls_version) ?? "",
    cipher_suite: str(raw.cipher_suite) ?? "",
    negotiated_protocol: str(raw.negotiated_protocol) ?? "",
    peer_certificates: [],
    no_tls_verify: raw.no_tls_verify === true,
    t0: num(raw.t0),
    t: num(raw.t),
  };
}

/** Headers as name → text, from a map (values may be base64 objects or lists) or a list of pairs. */
export function headersOf(map: unknown, pairs?: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(map)) {
    for (const [k, v] of Object.entries(map)) {
      const value = Array.isArray(v) ? v.map((x) => textOf(x) ?? "").join(", ") : textOf(v);
      if (value !== null) out[k] = value;
    }
  } else {
    for (const pair of list(pairs)) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string") continue;
      const value = textOf(pair[1]);
      if (value !== null) out[pair[0]] = out[pair[0]] === undefined ? value : `${out[pair[0]]}, ${value}`;
    }
  }
  return out;
}

function response(raw: unknown): HttpResponseRecord | null {
  if (!isObject(raw)) return null;
  const body = raw.body;
  const keptBody =
    typeof body === "string" || (isObject(body) && body.format === "base64" && typeof body.data === "string")
      ? (body as HttpResponseRecord["body"])
      : null;
  return {
    code: num(raw.code),
    headers: headersOf(raw.headers, raw.headers_list),
    body: keptBody,
    body_is_truncated: raw.body_is_truncated === true,
  };
}

function transaction(raw: unknown): ObservedTransaction | null {
  if (!isObject(raw)) return null;
  const request = isObject(raw.request) ? raw.request : {};
  const resp = response(raw.response);
  return {
    request: {
      url: str(request.url) ?? "",
      method: str(request.method) ?? "GET",
      headers: headersOf(request.headers, request.headers_list),
    },
    // OONI writes `code: 0` and an empty body for a request that got no response at all.
    response: resp && (resp.code > 0 || resp.body) ? resp : null,
    failure: normalizeFailure(raw.failure),
    t0: num(raw.t0),
    t: num(raw.t),
    ...(str(raw.address) ? { address: str(raw.address) } : {}),
  };
}

const keep = <T>(items: (T | null)[]): T[] => items.filter((x): x is T => x !== null);

/** OONI test_keys (any test that records these four lists) as TestKeys. */
export function testKeysOf(raw: unknown): TestKeys {
  const tk = isObject(raw) ? raw : {};
  return {
    queries: keep(list(tk.queries).map(query)),
    tcp_connect: keep(list(tk.tcp_connect).map(tcp)),
    tls_handshakes: keep(list(tk.tls_handshakes).map(tls)),
    requests: keep(list(tk.requests).map(transaction)),
  };
}

import type {
  DnsQuery,
  HttpResponseRecord,
  HttpTransaction,
  TestKeys,
  TlsHandshake,
} from "../model/measurement.js";
import type { Mechanism } from "../model/status.js";
import { normalizeFailure, stageOfFailure } from "./failures.js";
import { responseHeader } from "./http-body.js";
import { addressHost, canonicalIp, isIp } from "./ip.js";

// The path a user's device would take to an endpoint, read back from one vantage's observations: resolve
// the name with its own resolver, connect to what that resolver answered, handshake, request, follow
// redirects. Observations off that path (OONI also connects to the control's addresses) are ignored here,
// so that a detour the probe took does not hide what the user's device meets. Pure.

export type TargetStage = "tcp" | "tls" | "http";

/** What an endpoint asks for: a TCP connect, a TLS handshake, or an HTTP(S) page. */
export interface Target {
  stage: TargetStage;
  host: string;
  port: number;
  /** The URL of an HTTP target. */
  url: string | null;
}

const RESOLVER_PREFERENCE = ["system", "udp", "doh"];
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 20;

export const normalizeHost = (host: string): string =>
  host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");

function normalizeUrl(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

/** `tcp://host:port`, `tls://host:port`, or an http(s) URL; null when the input is none of them. */
export function targetFromInput(input: string): Target | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const host = normalizeHost(url.hostname);
  if (host === "") return null;
  if (scheme === "tcp" || scheme === "tls") {
    const port = Number(url.port || (scheme === "tls" ? 443 : 0));
    return port > 0 ? { stage: scheme, host, port, url: null } : null;
  }
  if (scheme === "http" || scheme === "https") {
    const port = Number(url.port || (scheme === "https" ? 443 : 80));
    return { stage: "http", host, port, url: url.href };
  }
  return null;
}

export interface DnsObservation {
  observed: boolean;
  /** Addresses the preferred resolver answered (the host itself when it is an IP literal). */
  ips: string[];
  failure: string | null;
  /** Which resolver the answer came from: system, udp or doh. */
  engine: string | null;
}

export interface StageObservation {
  observed: boolean;
  ok: boolean;
  failure: string | null;
  attempts: number;
  failed: number;
}

export interface TlsObservation extends StageObservation {
  /** A handshake completed and the certificate was verified for the name. */
  valid: boolean;
}

export interface HttpObservation extends StageObservation {
  response: HttpResponseRecord | null;
}

export interface Hop {
  url: string | null;
  host: string;
  port: number;
  https: boolean;
  dns: DnsObservation;
  tcp: StageObservation;
  tls: TlsObservation;
  http: HttpObservation;
}

export type PathOutcome =
  | { kind: "success"; final: HttpResponseRecord | null; overValidTls: boolean }
  | {
      kind: "failure";
      stage: Mechanism;
      failure: string;
      /** The response received before the failure (a stalled body after the headers). */
      partial: HttpResponseRecord | null;
    }
  | { kind: "incomplete"; reason: string };

export interface PathResult {
  target: Target;
  hops: Hop[];
  outcome: PathOutcome;
}

function queryIps(query: DnsQuery): string[] {
  return (query.answers ?? []).flatMap((a) => {
    const ip = a.ipv4 ?? a.ipv6;
    return typeof ip === "string" && isIp(ip) ? [ip] : [];
  });
}

/** The answers of the resolver a device uses (system first), for one name. */
export function observeDns(keys: TestKeys, host: string): DnsObservation {
  if (isIp(host)) return { observed: false, ips: [host], failure: null, engine: null };
  const queries = (keys.queries ?? []).filter((q) => normalizeHost(q.hostname ?? "") === host);
  if (queries.length === 0) return { observed: false, ips: [], failure: null, engine: null };
  const engine =
    RESOLVER_PREFERENCE.find((e) => queries.some((q) => q.engine === e)) ?? queries[0]?.engine ?? null;
  const chosen = queries.filter((q) => q.engine === engine);
  const ips = [...new Map(chosen.flatMap(queryIps).map((ip) => [canonicalIp(ip), ip])).values()];
  const failures = chosen.map((q) => normalizeFailure(q.failure)).filter((f): f is string => f !== null);
  // AAAA "no answer" next to A answers is not a failure; only a lookup without any address is.
  const failure =
    ips.length > 0 ? null : (failures.find((f) => f !== "dns_no_answer") ?? failures[0] ?? "dns_no_answer");
  return { observed: true, ips, failure, engine };
}

function stage(results: { ok: boolean; failure: string | null }[]): StageObservation {
  const failed = results.filter((r) => !r.ok);
  return {
    observed: results.length > 0,
    ok: results.some((r) => r.ok),
    failure: results.some((r) => r.ok) ? null : (failed[0]?.failure ?? null),
    attempts: results.length,
    failed: failed.length,
  };
}

function observeTcp(keys: TestKeys, ips: string[], port: number): StageObservation {
  const wanted = new Set(ips.map(canonicalIp));
  const entries = (keys.tcp_connect ?? []).filter((t) => t.port === port && wanted.has(canonicalIp(t.ip)));
  return stage(
    entries.map((t) => {
      const failure = normalizeFailure(t.status?.failure);
      const ok = t.status?.success === true || (t.status?.success === undefined && failure === null);
      return { ok, failure: ok ? null : (failure ?? "unknown_failure") };
    }),
  );
}

function tlsEntries(keys: TestKeys, host: string, ips: string[] | null): TlsHandshake[] {
  const wanted = ips ? new Set(ips.map(canonicalIp)) : null;
  return (keys.tls_handshakes ?? []).filter((h) => {
    if (normalizeHost(h.server_name ?? "") !== host) return false;
    const ip = addressHost(h.address);
    return ip === null || wanted === null || wanted.has(canonicalIp(ip));
  });
}

function observeTls(keys: TestKeys, host: string, ips: string[] | null): TlsObservation {
  const entries = tlsEntries(keys, host, ips);
  const base = stage(
    entries.map((h) => {
      const failure = normalizeFailure(h.failure);
      return { ok: failure === null, failure };
    }),
  );
  const valid = entries.some((h) => normalizeFailure(h.failure) === null && h.no_tls_verify !== true);
  return { ...base, valid };
}

/** Whether an address completed a verified TLS handshake for the name (rule 3's consistency test). */
export function verifiedTlsAt(keys: TestKeys, host: string, ip: string): boolean {
  return tlsEntries(keys, host, [ip]).some(
    (h) =>
      addressHost(h.address) !== null && normalizeFailure(h.failure) === null && h.no_tls_verify !== true,
  );
}

function requestsFor(
  keys: TestKeys,
  url: string,
  ips: string[] | null,
  addressed: boolean,
): HttpTransaction[] {
  const wanted = ips ? new Set(ips.map(canonicalIp)) : null;
  return (keys.requests ?? []).filter((r) => {
    if (normalizeUrl(r.request?.url ?? "") !== url) return false;
    // OONI records the address a request went to; one sent to an address off the user's path (the
    // control's answer, tried for comparison) does not show what the user's device gets.
    const ip = addressHost((r as { address?: string | null }).address);
    if (ip === null) return !addressed;
    return wanted === null || wanted.has(canonicalIp(ip));
  });
}

function observeHttp(keys: TestKeys, url: string, ips: string[] | null, addressed = false): HttpObservation {
  const transactions = requestsFor(keys, url, ips, addressed);
  const results = transactions.map((t) => {
    const failure = normalizeFailure(t.failure);
    return { ok: failure === null && t.response !== null && t.response !== undefined, failure, t };
  });
  const base = stage(
    results.map((r) => ({ ok: r.ok, failure: r.ok ? null : (r.failure ?? "unknown_failure") })),
  );
  // A successful attempt is what the user could get; otherwise the first failed one shows why not.
  const chosen = results.find((r) => r.ok) ?? results[0];
  return { ...base, response: chosen?.t.response ?? null };
}

const notObserved: StageObservation = { observed: false, ok: false, failure: null, attempts: 0, failed: 0 };

/** The stage a failed request failed at: named by the failure, else by what was still to be done. */
function requestStage(failure: string, hop: Hop, response: HttpResponseRecord | null): Mechanism {
  const named = stageOfFailure(failure);
  if (named) return named;
  const gotResponse = response !== null && response.code >= 100;
  if (!gotResponse && hop.https && !hop.tls.observed) return "tls";
  return "http";
}

/**
 * What the vantage observed at other addresses for the first hop: OONI also connects to the control's
 * answers, which tells whether the right address would have worked where the probe's answer failed.
 */
export function observeAt(keys: TestKeys, target: Target, ips: string[]): Pick<Hop, "tcp" | "tls" | "http"> {
  const https = target.stage === "tls" || (target.url?.startsWith("https:") ?? false);
  return {
    tcp: observeTcp(keys, ips, target.port),
    tls: https ? observeTls(keys, target.host, ips) : { ...notObserved, valid: false },
    http: target.url ? observeHttp(keys, target.url, ips, true) : { ...notObserved, response: null },
  };
}

/** Follows the target from one vantage's observations. */
export function walkPath(keys: TestKeys, target: Target): PathResult {
  const hops: Hop[] = [];
  let url = target.url;
  let host = target.host;
  let port = target.port;
  let https = target.stage === "tls" || (url?.startsWith("https:") ?? false);
  const seen = new Set<string>();
  const done = (outcome: PathOutcome): PathResult => ({ target, hops, outcome });

  for (;;) {
    const dns = observeDns(keys, host);
    // After a failed lookup the device has no address to go to: what OONI fetched from addresses found
    // elsewhere (the control's, DoH's) is off the path. Without a recorded lookup, anything recorded is on it.
    const known = dns.observed || dns.ips.length > 0 ? dns.ips : null;
    const hop: Hop = {
      url,
      host,
      port,
      https,
      dns,
      tcp: known ? observeTcp(keys, known, port) : notObserved,
      tls: https ? observeTls(keys, host, known) : { ...notObserved, valid: false },
      http: url ? observeHttp(keys, url, known) : { ...notObserved, response: null },
    };
    hops.push(hop);
    const answered = hop.http.ok;
    if (dns.observed && dns.failure && !answered)
      return done({ kind: "failure", stage: "dns", failure: dns.failure, partial: null });
    // A later stage that succeeded proves the earlier one did too (one of several addresses worked).
    if (hop.tcp.observed && !hop.tcp.ok && !hop.tls.ok && !answered) {
      return done({
        kind: "failure",
        stage: "tcp",
        failure: hop.tcp.failure ?? "unknown_failure",
        partial: null,
      });
    }
    if (hop.tls.observed && !hop.tls.ok && !answered) {
      return done({
        kind: "failure",
        stage: "tls",
        failure: hop.tls.failure ?? "unknown_failure",
        partial: null,
      });
    }
    if (target.stage === "tcp") {
      return hop.tcp.ok
        ? done({ kind: "success", final: null, overValidTls: false })
        : done({ kind: "incomplete", reason: "no connection attempt recorded" });
    }
    if (target.stage === "tls") {
      return hop.tls.ok
        ? done({ kind: "success", final: null, overValidTls: hop.tls.valid })
        : done({ kind: "incomplete", reason: "no TLS handshake recorded" });
    }
    if (!hop.http.observed || url === null) {
      return done({ kind: "incomplete", reason: `no HTTP request recorded for ${url ?? host}` });
    }
    const response = hop.http.response;
    if (!answered || response === null) {
      const failure = hop.http.failure ?? "unknown_failure";
      return done({
        kind: "failure",
        stage: requestStage(failure, hop, response),
        failure,
        partial: response,
      });
    }
    const location = REDIRECTS.has(response.code) ? responseHeader(response, "location") : undefined;
    if (location === undefined) {
      // OONI's client verifies certificates; an https answer without a recorded handshake was verified.
      const overValidTls = https && (hop.tls.valid || !hop.tls.observed);
      return done({ kind: "success", final: response, overValidTls });
    }
    let next: URL;
    try {
      next = new URL(location.trim(), url);
    } catch {
      return done({
        kind: "failure",
        stage: "http",
        failure: "http_invalid_redirect_location",
        partial: response,
      });
    }
    seen.add(url);
    if (seen.has(next.href) || hops.length >= MAX_HOPS) {
      return done({ kind: "failure", stage: "http", failure: "http_too_many_redirects", partial: response });
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      return done({
        kind: "failure",
        stage: "http",
        failure: "http_invalid_redirect_location",
        partial: response,
      });
    }
    url = next.href;
    host = normalizeHost(next.hostname);
    https = next.protocol === "https:";
    port = Number(next.port || (https ? 443 : 80));
  }
}

/** The Location of every redirect the probe was sent, in order (to look for blockpage hosts in). */
export function redirectLocations(path: PathResult): string[] {
  return path.hops.flatMap((hop) => {
    const response = hop.http.response;
    const location =
      response && REDIRECTS.has(response.code) ? responseHeader(response, "location") : undefined;
    return location ? [location] : [];
  });
}

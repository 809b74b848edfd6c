import { createHash } from "node:crypto";
import type { HttpResponseRecord, HttpTransaction } from "../model/measurement.js";
import { classifyFailure, ProbeFailure } from "./failures.js";
import type { Connection, HttpResponseHead } from "./network.js";
import type { ProbeContext } from "./stage.js";

// HTTP GET over connections the TCP and TLS measurers opened, so that every hop of a redirect chain is a
// new target whose DNS, connect and handshake are measured (and may be censored) on their own. Each
// round trip has a headers deadline and then a body deadline, under the caller's hard abort; the body is
// capped, hashed and searched for a <title>, which is what blockpage fingerprints need.

export const DEFAULT_BODY_CAP_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 10;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What a common browser sends, so that servers and censors treat us as one. */
const REQUEST_HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "en-US;q=0.8,en;q=0.5",
  Connection: "close",
};

export interface HttpTimeouts {
  /** From request sent to response head. */
  headersMs: number;
  /** From response head to the end of the capped body. */
  bodyMs: number;
}

export interface RoundTripOptions extends HttpTimeouts {
  connection: Connection;
  url: URL;
  bodyCapBytes?: number;
}

export interface RoundTripResult {
  transaction: HttpTransaction;
  /** The Location of a redirect response, as sent; null otherwise. */
  location: string | null;
}

function headerRecord(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text when it is UTF-8, base64 otherwise (OONI's two forms). */
function bodyField(body: Buffer, truncated: boolean): HttpResponseRecord["body"] {
  // A cap may cut a multi-byte character: drop at most 3 trailing bytes before deciding.
  for (let trim = 0; trim <= (truncated ? 3 : 0) && trim < body.length + 1; trim++) {
    try {
      return utf8.decode(body.subarray(0, body.length - trim));
    } catch {
      // not UTF-8 at this length; try shorter, then fall back to base64
    }
  }
  return { format: "base64", data: body.toString("base64") };
}

/** The document's <title>, whitespace collapsed, at most 256 characters. */
export function extractTitle(body: Buffer): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(body.toString("utf8"));
  if (match?.[1] === undefined) return undefined;
  return match[1].replace(/\s+/g, " ").trim().slice(0, 256);
}

function responseRecord(
  status: number,
  headers: Record<string, string>,
  chunks: Buffer[],
  truncated: boolean,
) {
  const body = Buffer.concat(chunks);
  const title = extractTitle(body);
  const record: HttpResponseRecord = {
    code: status,
    headers,
    body: bodyField(body, truncated),
    body_is_truncated: truncated,
    body_length: body.length,
    body_sha256: createHash("sha256").update(body).digest("hex"),
    ...(title !== undefined ? { title } : {}),
  };
  return record;
}

/** One GET over `connection`, which it consumes; never throws for network failures. */
export async function measureHttpRoundTrip(
  context: ProbeContext,
  options: RoundTripOptions,
): Promise<RoundTripResult> {
  const t0 = context.clock.elapsed();
  const cap = options.bodyCapBytes ?? DEFAULT_BODY_CAP_BYTES;
  const requestHeaders = { Host: options.url.host, ...REQUEST_HEADERS };
  const request = { url: options.url.toString(), method: "GET", headers: requestHeaders };
  // One controller for the whole round trip: phase deadlines and the caller's hard abort all fire it,
  // and the network function destroys the connection on it.
  const phase = new AbortController();
  const abortFromCaller = () => phase.abort(context.signal?.reason);
  if (context.signal?.aborted) abortFromCaller();
  context.signal?.addEventListener("abort", abortFromCaller, { once: true });
  const deadline = (ms: number, what: string) =>
    setTimeout(() => phase.abort(new ProbeFailure("generic_timeout_error", `${what} timeout`)), ms);
  const failureOf = (error: unknown) => classifyFailure(phase.signal.aborted ? phase.signal.reason : error);

  let timer = deadline(options.headersMs, "HTTP headers");
  try {
    let head: HttpResponseHead;
    try {
      head = await context.network.httpGet({
        connection: options.connection,
        path: `${options.url.pathname}${options.url.search}`,
        headers: requestHeaders,
        signal: phase.signal,
      });
    } catch (error) {
      options.connection.destroy();
      return {
        transaction: { request, response: null, failure: failureOf(error), t0, t: context.clock.elapsed() },
        location: null,
      };
    }
    clearTimeout(timer);
    timer = deadline(options.bodyMs, "HTTP body");
    const headers = headerRecord(head.rawHeaders);
    const chunks: Buffer[] = [];
    let received = 0;
    let truncated = false;
    let failure: string | null = null;
    try {
      for await (const chunk of head.body) {
        const room = cap - received;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          received = cap;
          truncated = true;
          break;
        }
        chunks.push(chunk);
        received += chunk.length;
      }
      if (phase.signal.aborted) failure = failureOf(null);
    } catch (error) {
      failure = failureOf(error);
    }
    options.connection.destroy();
    const location = REDIRECT_STATUSES.has(head.status) ? (headerValue(headers, "location") ?? null) : null;
    return {
      transaction: {
        request,
        response: responseRecord(head.status, headers, chunks, truncated),
        failure,
        t0,
        t: context.clock.elapsed(),
      },
      location: failure === null ? location : null,
    };
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener("abort", abortFromCaller);
  }
}

/** Opens a measured connection to the next hop: DNS, TCP and TLS recorded by the caller. */
export type HopDialer = (url: URL) => Promise<Connection | null>;

export interface RedirectChainOptions extends HttpTimeouts {
  url: URL;
  /** The first hop's connection, already measured. */
  connection: Connection;
  dial: HopDialer;
  bodyCapBytes?: number;
  maxRedirects?: number;
}

/** The next hop, or null when `location` is not an http(s) URL. */
export function redirectTarget(location: string, base: URL): URL | null {
  if (location.trim() === "") return null;
  try {
    const next = new URL(location, base);
    return (next.protocol === "http:" || next.protocol === "https:") && next.hostname !== "" ? next : null;
  } catch {
    return null;
  }
}

/**
 * Follows redirects up to `maxRedirects`; returns the transactions newest first, as OONI records them.
 * A hop whose connection fails ends the chain without a transaction: its failure is in the DNS, TCP or
 * TLS records the dialer made. A bad Location or one redirect too many is the failure of the
 * transaction that carried it.
 */
export async function measureRedirectChain(
  context: ProbeContext,
  options: RedirectChainOptions,
): Promise<HttpTransaction[]> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const transactions: HttpTransaction[] = [];
  let url = options.url;
  let connection: Connection | null = options.connection;
  for (let redirects = 0; connection !== null; redirects++) {
    const { transaction, location } = await measureHttpRoundTrip(context, {
      connection,
      url,
      headersMs: options.headersMs,
      bodyMs: options.bodyMs,
      ...(options.bodyCapBytes !== undefined ? { bodyCapBytes: options.bodyCapBytes } : {}),
    });
    transactions.unshift(transaction);
    if (location === null) break;
    const next = redirectTarget(location, url);
    if (next === null) {
      transaction.failure = "http_invalid_redirect_location";
      break;
    }
    if (redirects >= maxRedirects) {
      transaction.failure = "http_too_many_redirects";
      break;
    }
    if (context.signal?.aborted) break;
    url = next;
    connection = await options.dial(next);
  }
  return transactions;
}

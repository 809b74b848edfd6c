import { withDeadline } from "../core/deadline.js";
import type { DnsAnswer, DnsQuery, KnownFailure } from "../model/measurement.js";
import { decodeMessage, encodeQuery, RCODES, RECORD_TYPES } from "./dns-wire.js";
import { classifyFailure, ProbeFailure } from "./failures.js";
import type { ProbeContext } from "./stage.js";

// DNS-over-HTTPS for control lookups: what the name resolves to away from the vantage's resolver, which
// a censor on the path cannot forge. JSON (`application/dns-json`, as dns.google and Cloudflare serve it)
// or RFC 8484 wire format, against a configurable base URL.

export interface DohOptions {
  /** e.g. `https://cloudflare-dns.com/dns-query`. */
  baseUrl: string;
  format: "json" | "wire";
  timeoutMs: number;
}

/** Big enough for any answer a resolver sends over DoH. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const FAILURE_BY_RCODE: Record<number, KnownFailure> = {
  [RCODES.FORMERR]: "dns_non_recoverable_failure",
  [RCODES.SERVFAIL]: "dns_server_failure",
  [RCODES.NXDOMAIN]: "dns_nxdomain_error",
  [RCODES.NOTIMP]: "dns_non_recoverable_failure",
  [RCODES.REFUSED]: "dns_refused_error",
};

interface Outcome {
  rcode: number;
  answers: { type: number; ttl: number; data: string }[];
}

function toAnswer(record: Outcome["answers"][number]): DnsAnswer | null {
  if (record.type === RECORD_TYPES.A) return { answer_type: "A", ipv4: record.data, ttl: record.ttl };
  if (record.type === RECORD_TYPES.AAAA) return { answer_type: "AAAA", ipv6: record.data, ttl: record.ttl };
  if (record.type === RECORD_TYPES.CNAME) {
    return { answer_type: "CNAME", hostname: record.data.replace(/\.$/, ""), ttl: record.ttl };
  }
  return null;
}

async function readCapped(response: Response): Promise<Buffer> {
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_RESPONSE_BYTES) {
    throw new ProbeFailure("dns_non_recoverable_failure", "DoH response too large");
  }
  return body;
}

interface JsonAnswer {
  type?: unknown;
  TTL?: unknown;
  data?: unknown;
}

function parseJson(body: Buffer): Outcome {
  const parsed = JSON.parse(body.toString("utf8")) as { Status?: unknown; Answer?: unknown };
  if (typeof parsed.Status !== "number") throw new Error("DoH JSON without a Status");
  const answers = Array.isArray(parsed.Answer) ? (parsed.Answer as JsonAnswer[]) : [];
  return {
    rcode: parsed.Status,
    answers: answers.flatMap((a) =>
      typeof a.type === "number" && typeof a.data === "string"
        ? [{ type: a.type, ttl: typeof a.TTL === "number" ? a.TTL : 0, data: a.data }]
        : [],
    ),
  };
}

function parseWire(body: Buffer): Outcome {
  const message = decodeMessage(body);
  return {
    rcode: message.rcode,
    answers: message.answers.flatMap((a) =>
      a.data === null ? [] : [{ type: a.type, ttl: a.ttl, data: a.data }],
    ),
  };
}

/** One DoH request and its body, within the stage's timeout (the body counts: a server may stall it). */
function exchange(
  context: ProbeContext,
  hostname: string,
  type: "A" | "AAAA",
  options: DohOptions,
): Promise<Outcome> {
  return withDeadline(options.timeoutMs, [context.signal], (signal) =>
    exchangeWithin(context, hostname, type, options, signal),
  );
}

async function exchangeWithin(
  context: ProbeContext,
  hostname: string,
  type: "A" | "AAAA",
  options: DohOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const url = new URL(options.baseUrl);
  if (options.format === "json") {
    url.searchParams.set("name", hostname);
    url.searchParams.set("type", type);
  } else {
    // RFC 8484 asks for id 0 so that responses cache well.
    url.searchParams.set("dns", encodeQuery(0, hostname, type).toString("base64url"));
  }
  const response = await context.network.fetch(url.toString(), {
    method: "GET",
    headers: { accept: options.format === "json" ? "application/dns-json" : "application/dns-message" },
    redirect: "error",
    signal,
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProbeFailure("dns_server_failure", `DoH server answered HTTP ${response.status}`);
  }
  const body = await readCapped(response);
  try {
    return options.format === "json" ? parseJson(body) : parseWire(body);
  } catch (error) {
    throw new ProbeFailure("dns_non_recoverable_failure", "malformed DoH response", { cause: error });
  }
}

/** One A or AAAA lookup over DoH; never throws for network failures. */
export async function measureDohQuery(
  context: ProbeContext,
  hostname: string,
  type: "A" | "AAAA",
  options: DohOptions,
): Promise<DnsQuery> {
  const t0 = context.clock.elapsed();
  const base = { engine: "doh", resolver_address: options.baseUrl, query_type: type, hostname } as const;
  try {
    const outcome = await exchange(context, hostname, type, options);
    const failure = FAILURE_BY_RCODE[outcome.rcode];
    if (failure !== undefined) return { ...base, answers: null, failure, t0, t: context.clock.elapsed() };
    const answers = outcome.answers.map(toAnswer).filter((a): a is DnsAnswer => a !== null);
    const addressed = answers.some((a) => a.answer_type === type);
    return {
      ...base,
      answers: answers.length > 0 ? answers : null,
      failure: addressed ? null : "dns_no_answer",
      t0,
      t: context.clock.elapsed(),
    };
  } catch (error) {
    return { ...base, answers: null, failure: classifyFailure(error), t0, t: context.clock.elapsed() };
  }
}

/** A and AAAA for `hostname` over DoH, in parallel; A first. */
export function measureDoh(
  context: ProbeContext,
  hostname: string,
  options: DohOptions,
): Promise<DnsQuery[]> {
  return Promise.all([
    measureDohQuery(context, hostname, "A", options),
    measureDohQuery(context, hostname, "AAAA", options),
  ]);
}

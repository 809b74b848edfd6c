import { deadline } from "../core/deadline.js";
import type { DnsQuery } from "../model/measurement.js";
import { classifyFailure } from "./failures.js";
import type { ProbeContext } from "./stage.js";

// DNS through the vantage's own resolver: a censor that forges or drops answers does it there. Each
// query is one OONI `queries` entry, with TTLs, and its own timeout.

export interface DnsOptions {
  /** `ip:port` of the vantage's resolver; the system's configured servers when absent. */
  resolver?: string;
  /** The vantage's source address, so a lab (or a censor) can tell vantages apart. */
  localAddress?: string;
  timeoutMs: number;
}

/** One A or AAAA query; never throws for network failures. */
export async function measureDnsQuery(
  context: ProbeContext,
  hostname: string,
  type: "A" | "AAAA",
  options: DnsOptions,
): Promise<DnsQuery> {
  const t0 = context.clock.elapsed();
  const base = {
    engine: options.resolver === undefined ? "system" : "udp",
    resolver_address: options.resolver ?? "",
    query_type: type,
    hostname,
  } as const;
  const stage = deadline(options.timeoutMs, context.signal);
  try {
    const records = await context.network.resolve({
      hostname,
      type,
      ...(options.resolver !== undefined ? { server: options.resolver } : {}),
      ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
      timeoutMs: options.timeoutMs,
      signal: stage.signal,
    });
    const answers = records.map((r) =>
      type === "A"
        ? { answer_type: "A" as const, ipv4: r.address, ttl: r.ttl }
        : { answer_type: "AAAA" as const, ipv6: r.address, ttl: r.ttl },
    );
    // An empty NOERROR is "no answer" to OONI, whichever way the resolver reported it.
    const failure = answers.length === 0 ? "dns_no_answer" : null;
    return { ...base, answers: answers.length > 0 ? answers : null, failure, t0, t: context.clock.elapsed() };
  } catch (error) {
    return { ...base, answers: null, failure: classifyFailure(error), t0, t: context.clock.elapsed() };
  } finally {
    stage.dispose();
  }
}

/** Addresses answered by a set of queries, in answer order, without duplicates. */
export function answeredAddresses(queries: readonly DnsQuery[]): { ipv4: string[]; ipv6: string[] } {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  for (const query of queries) {
    for (const answer of query.answers ?? []) {
      if (answer.ipv4 !== undefined) ipv4.add(answer.ipv4);
      if (answer.ipv6 !== undefined) ipv6.add(answer.ipv6);
    }
  }
  return { ipv4: [...ipv4], ipv6: [...ipv6] };
}

/** A and AAAA for `hostname`, in parallel; A first in the result. */
export function measureDns(
  context: ProbeContext,
  hostname: string,
  options: DnsOptions,
): Promise<DnsQuery[]> {
  return Promise.all([
    measureDnsQuery(context, hostname, "A", options),
    measureDnsQuery(context, hostname, "AAAA", options),
  ]);
}

import type { DnsQuery } from "../model/measurement.js";
import type { EndpointVerdict } from "../model/status.js";
import { normalizeFailure } from "./failures.js";
import { normalizeHost } from "./path.js";

// Positive evidence without a control (DESIGN rule 1): the knowledge base lists a service's names because
// they exist; when a network's resolver says that every one of them does not exist, the resolver is lying
// about the service. OONI's signal test has no control, and this is how Iran's resolvers blocked Signal.
// At least two names, so that one name the knowledge base has wrong cannot make a block.

export const MIN_NAMES = 2;

/**
 * The service's names (`serviceHosts`) among `queries` when every one of them was asked and every answer
 * was NXDOMAIN, at least MIN_NAMES of them; else an empty set.
 */
export function nxdomainOnEveryName(
  queries: readonly DnsQuery[],
  serviceHosts: ReadonlySet<string>,
): Set<string> {
  const byName = new Map<string, boolean>();
  for (const q of queries) {
    const host = normalizeHost(q.hostname ?? "");
    if (!serviceHosts.has(host)) continue;
    const nx = normalizeFailure(q.failure) === "dns_nxdomain_error";
    byName.set(host, (byName.get(host) ?? true) && nx);
  }
  const names = [...byName.keys()];
  return names.length >= MIN_NAMES && [...byName.values()].every(Boolean) ? new Set(names) : new Set();
}

/** An endpoint left unknown for want of a control, upgraded when its name is one of the lied-about ones. */
export function withNxdomainEvidence(
  verdict: EndpointVerdict,
  host: string | undefined,
  lied: ReadonlySet<string>,
): EndpointVerdict {
  if (verdict.verdict !== "unknown" || host === undefined || !lied.has(normalizeHost(host))) return verdict;
  return {
    verdict: "blocked",
    mechanism: "dns",
    evidence: [
      `every one of the service's ${lied.size} names measured answered NXDOMAIN here: names the service is known to use, so the resolver's answer is forged`,
      ...verdict.evidence,
    ],
  };
}

import type { TestKeys } from "../model/measurement.js";
import { canonicalIp } from "./ip.js";
import { type DnsObservation, normalizeHost, verifiedTlsAt } from "./path.js";

// DESIGN rule 3: DNS answers that differ from the control's are not censorship when they share an
// address or an ASN with it (CDNs, GeoDNS), or when the answered address completes a TLS handshake with
// a valid certificate for the name (from the probe or from the control, which also tries the probe's
// addresses). Only what is left is "inconsistent".

export type DnsConsistency =
  /** Shares an address or an ASN with the control's answers. */
  | { state: "consistent"; how: "ip" | "asn"; detail: string }
  /** Differs, but an answered address proved itself with a valid certificate for the name. */
  | { state: "consistent"; how: "tls"; detail: string }
  /** Differs, with nothing to vouch for the probe's answer. */
  | { state: "inconsistent"; detail: string }
  /** The control found the name does not exist, yet the probe's resolver answered with addresses. */
  | { state: "invented"; detail: string }
  /** No control answer to compare with. */
  | { state: "unknown"; detail: string };

/** How addresses map to networks: the bundled IP-to-ASN dataset (kb/asn.ts), given to the pure analysis. */
export interface AsnContext {
  /** The AS number an address belongs to, when known. */
  asnOf?: (ip: string) => number | undefined;
  /** The networks the service's operator runs its own addresses in (kb `asns`). */
  operatorAsns?: ReadonlySet<number>;
}

/**
 * The ASN of each answered address: OONI annotates its answers, ours are not annotated, so the dataset
 * fills in what the measurement does not say.
 */
export function answerAsns(keys: TestKeys, host: string, asnOf?: AsnContext["asnOf"]): Map<string, number> {
  const out = new Map<string, number>();
  for (const q of keys.queries ?? []) {
    if (normalizeHost(q.hostname ?? "") !== host) continue;
    for (const a of q.answers ?? []) {
      const ip = a.ipv4 ?? a.ipv6;
      if (typeof ip !== "string") continue;
      const annotated = (a as { asn?: unknown }).asn;
      const asn = typeof annotated === "number" && annotated > 0 ? annotated : asnOf?.(ip);
      if (asn !== undefined && asn > 0) out.set(canonicalIp(ip), asn);
    }
  }
  return out;
}

const NONEXISTENT = new Set(["dns_nxdomain_error", "dns_no_answer"]);

export interface ControlDns {
  keys: TestKeys;
  dns: DnsObservation;
}

export function dnsConsistency(
  probeKeys: TestKeys,
  probe: DnsObservation,
  host: string,
  controls: readonly ControlDns[],
  asn: AsnContext = {},
): DnsConsistency {
  const vouched = probe.ips.find(
    (ip) => verifiedTlsAt(probeKeys, host, ip) || controls.some((c) => verifiedTlsAt(c.keys, host, ip)),
  );
  const observed = controls.filter((c) => c.dns.observed);
  const controlIps = new Set(observed.flatMap((c) => c.dns.ips.map(canonicalIp)));
  if (controlIps.size === 0) {
    if (vouched)
      return { state: "consistent", how: "tls", detail: `${vouched} has a valid certificate for ${host}` };
    const own = operatorNetwork(probeKeys, probe, host, asn);
    if (own !== undefined) {
      return {
        state: "consistent",
        how: "asn",
        detail: `every answer is in the operator's own network (AS${own})`,
      };
    }
    const nonexistent = observed.find((c) => c.dns.failure !== null && NONEXISTENT.has(c.dns.failure));
    if (nonexistent) {
      return {
        state: "invented",
        detail: `probe resolver answered ${probe.ips.join(", ")}; control: ${nonexistent.dns.failure}`,
      };
    }
    return { state: "unknown", detail: "no control answer to compare" };
  }
  const shared = probe.ips.find((ip) => controlIps.has(canonicalIp(ip)));
  if (shared) return { state: "consistent", how: "ip", detail: `control also got ${shared}` };
  const probeAsns = answerAsns(probeKeys, host, asn.asnOf);
  const controlAsns = new Set(observed.flatMap((c) => [...answerAsns(c.keys, host, asn.asnOf).values()]));
  const sharedAsn = probe.ips
    .map((ip) => probeAsns.get(canonicalIp(ip)))
    .find((a) => a !== undefined && controlAsns.has(a));
  if (sharedAsn !== undefined)
    return {
      state: "consistent",
      how: "asn",
      detail: `same network as the control's answer (AS${sharedAsn})`,
    };
  const controlList = [...new Set(observed.flatMap((c) => c.dns.ips))].join(", ");
  if (vouched) {
    return {
      state: "consistent",
      how: "tls",
      detail: `${vouched} differs from the control's ${controlList} but has a valid certificate for ${host}`,
    };
  }
  return {
    state: "inconsistent",
    detail: `probe resolver answered ${probe.ips.join(", ")}; control: ${controlList}`,
  };
}

/**
 * Rule 3 without a control: when every address answered lies in a network the service's operator runs
 * (AS32934 for Facebook's names), the answer is the operator's, not a censor's. Returns that AS.
 */
function operatorNetwork(
  keys: TestKeys,
  probe: DnsObservation,
  host: string,
  asn: AsnContext,
): number | undefined {
  const operator = asn.operatorAsns;
  if (!operator || operator.size === 0 || probe.ips.length === 0) return undefined;
  const asns = answerAsns(keys, host, asn.asnOf);
  const found = probe.ips.map((ip) => asns.get(canonicalIp(ip)));
  return found.every((a) => a !== undefined && operator.has(a)) ? found[0] : undefined;
}

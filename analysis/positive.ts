import type { Evidence } from "../kb/schema.js";
import type { HttpResponseRecord, TestKeys } from "../model/measurement.js";
import { classifyAddress, findBlockpage } from "./evidence.js";
import { canonicalIp, isIp } from "./ip.js";
import { observeDns, type PathResult, redirectLocations } from "./path.js";

// DESIGN rule 1, second half: evidence of censorship that needs no control. A forged or special-purpose
// DNS answer, a known blockpage, a redirect into a private network. Each finding says what it is and,
// for facts taken from the knowledge base, where that fact comes from.

export interface Finding {
  kind: "dns-answer" | "blockpage" | "private-redirect";
  evidence: string[];
}

/**
 * A forged or bogon answer on the probe's path that no control also got: when the control gets the same
 * answer (a site whose own record is 127.0.0.1), it is the site's record, not a censor's.
 */
export function forgedAnswer(
  evidence: Evidence,
  probe: PathResult,
  controls: readonly TestKeys[],
  country: string | null,
): Finding | null {
  for (const hop of probe.hops) {
    if (!hop.dns.observed) continue;
    const controlAnswers = new Set(controls.flatMap((k) => observeDns(k, hop.host).ips).map(canonicalIp));
    for (const ip of hop.dns.ips) {
      const match = classifyAddress(evidence, ip, country);
      if (!match || controlAnswers.has(canonicalIp(ip))) continue;
      const lines = [`probe resolver: ${hop.host} → ${ip}, ${match.label}`];
      if (match.kind === "forged") lines.push(`known forged answer (source: ${match.source})`);
      return { kind: "dns-answer", evidence: lines };
    }
  }
  return null;
}

/** Every response the probe received along its path, including one cut short by a failure. */
export function pathResponses(path: PathResult): HttpResponseRecord[] {
  const responses = path.hops.flatMap((h) => (h.http.response ? [h.http.response] : []));
  if (path.outcome.kind === "failure" && path.outcome.partial && !responses.includes(path.outcome.partial)) {
    responses.push(path.outcome.partial);
  }
  return responses;
}

export function knownBlockpage(evidence: Evidence, probe: PathResult): Finding | null {
  for (const response of pathResponses(probe)) {
    const match = findBlockpage(evidence, response);
    if (match) {
      // An opt-in family filter or a company's web filter blocks for that network's users, not the state.
      const whose =
        match.censor === "network" ? ": a filter on this network (possibly opt-in), not the state's" : "";
      return {
        kind: "blockpage",
        evidence: [
          `probe got ${match.label}${whose} (${match.where} matches ${match.id}; source: ${match.source})`,
        ],
      };
    }
  }
  return null;
}

/** The host of a Location, even one too malformed for URL (OONI records raw, sometimes binary, values). */
export function locationHost(location: string): string | null {
  try {
    return new URL(location.trim()).hostname.replace(/^\[|\]$/g, "");
  } catch {
    const match = /^[a-z][a-z0-9+.-]*:\/\/\[?([^/:?#\]\s]+)/i.exec(location.trim());
    return match?.[1] ?? null;
  }
}

/**
 * A redirect to a private or otherwise special address: a filter's portal inside the local network (a
 * school's, an office's, an ISP's), which the site itself would never send its visitors to.
 */
export function privateRedirect(
  evidence: Evidence,
  probe: PathResult,
  controls: readonly PathResult[],
): Finding | null {
  const controlLocations = new Set(controls.flatMap(redirectLocations));
  for (const location of redirectLocations(probe)) {
    const host = locationHost(location);
    if (!host || !isIp(host) || controlLocations.has(location)) continue;
    const match = classifyAddress(evidence, host, null);
    if (match?.kind === "bogon") {
      return {
        kind: "private-redirect",
        evidence: [`probe was redirected to ${host} (${match.label}): a filter's page, not the site's`],
      };
    }
  }
  return null;
}

import type { EndpointVerdict, FeatureStatus, Mechanism, ServiceStatusValue } from "../model/status.js";

// From endpoint verdicts to a feature's verdict, and from features to what users see for a service
// (DESIGN rule 7). The aggregation rules for mixed verdicts are written down in analysis/README.md.

const STAGE_ORDER: Mechanism[] = ["dns", "tcp", "tls", "http"];

/** The most frequent mechanism; ties go to the earliest stage (the one a user meets first). */
export function dominantMechanism(mechanisms: readonly (Mechanism | null)[]): Mechanism | null {
  let best: Mechanism | null = null;
  let bestCount = 0;
  for (const m of STAGE_ORDER) {
    const count = mechanisms.filter((x) => x === m).length;
    if (count > bestCount) {
      best = m;
      bestCount = count;
    }
  }
  return best;
}

/**
 * A feature's endpoints are alternatives its app falls back across (WhatsApp's chat servers, a name's
 * several addresses): one that works means the feature works. So: any ok → ok (naming the blocked ones
 * in the evidence); else any blocked → blocked; else any down → down; else unknown.
 */
export function featureVerdict(endpoints: readonly EndpointVerdict[]): EndpointVerdict {
  if (endpoints.length === 0) return { verdict: "unknown", mechanism: null, evidence: ["not measured"] };
  if (endpoints.length === 1 && endpoints[0]) return endpoints[0];
  const of = (v: EndpointVerdict["verdict"]) => endpoints.filter((e) => e.verdict === v);
  const [ok, blocked, down] = [of("ok"), of("blocked"), of("down")];
  const count = (list: readonly EndpointVerdict[], what: string) =>
    `${list.length} of ${endpoints.length} endpoints ${what}`;
  if (ok.length > 0) {
    const evidence = [count(ok, "reachable")];
    if (blocked.length > 0) {
      evidence.push(`${count(blocked, "blocked")} (${dominantMechanism(blocked.map((b) => b.mechanism))})`);
    }
    return { verdict: "ok", mechanism: null, evidence: [...evidence, ...(ok[0]?.evidence ?? [])] };
  }
  if (blocked.length > 0) {
    return {
      verdict: "blocked",
      mechanism: dominantMechanism(blocked.map((b) => b.mechanism)),
      evidence: [count(blocked, "blocked"), ...(blocked[0]?.evidence ?? [])],
    };
  }
  if (down.length > 0) {
    return {
      verdict: "down",
      mechanism: dominantMechanism(down.map((d) => d.mechanism)),
      evidence: [count(down, "failing for the control too"), ...(down[0]?.evidence ?? [])],
    };
  }
  return {
    verdict: "unknown",
    mechanism: null,
    evidence: [...new Set(endpoints.flatMap((e) => e.evidence))].slice(0, 3),
  };
}

export interface FeatureInput extends FeatureStatus {
  /** The service is of no use without this feature (kb `essential`). */
  essential: boolean;
}

export interface ServiceVerdict {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  /** The features that are blocked: what a `partial` answer names. */
  blockedFeatures: string[];
}

/**
 * Rule 7. Essential features are the kb's `essential` ones; a service that flags none treats every
 * feature as essential. Any feature blocked: `blocked` when all are, or when an essential one is and no
 * essential one works; otherwise `partial`, naming which. Nothing blocked: `accessible` when every
 * essential feature is ok; `outage` when every measured feature is down; otherwise `unknown`.
 */
export function serviceStatus(features: readonly FeatureInput[]): ServiceVerdict {
  const blocked = features.filter((f) => f.status === "blocked");
  const blockedFeatures = blocked.map((f) => f.feature);
  const measured = features.filter((f) => f.status !== "unknown");
  if (measured.length === 0) return { status: "unknown", mechanism: null, blockedFeatures };
  const flagged = features.filter((f) => f.essential);
  const essential = flagged.length > 0 ? flagged : features;
  if (blocked.length > 0) {
    const essentialBlocked = essential.filter((f) => f.status === "blocked");
    const mechanism = dominantMechanism(
      (essentialBlocked.length > 0 ? essentialBlocked : blocked).map((f) => f.mechanism),
    );
    const unusable =
      blocked.length === features.length ||
      (essentialBlocked.length > 0 && !essential.some((f) => f.status === "ok"));
    return { status: unusable ? "blocked" : "partial", mechanism, blockedFeatures };
  }
  if (essential.every((f) => f.status === "ok"))
    return { status: "accessible", mechanism: null, blockedFeatures };
  if (measured.every((f) => f.status === "down")) {
    return {
      status: "outage",
      mechanism: dominantMechanism(measured.map((f) => f.mechanism)),
      blockedFeatures,
    };
  }
  return { status: "unknown", mechanism: null, blockedFeatures };
}

/** A single feature's verdict as a service status (web_connectivity measures one page). */
export function statusOfVerdict(v: EndpointVerdict["verdict"]): ServiceStatusValue {
  return v === "ok" ? "accessible" : v === "blocked" ? "blocked" : v === "down" ? "outage" : "unknown";
}

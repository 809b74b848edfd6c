import type {
  FeatureStatus,
  Mechanism,
  RegionStatus,
  ServiceStatusValue,
  VantageStatus,
  Verdict,
} from "../model/status.js";
import { dominantMechanism } from "./status.js";

// How one country's vantages make one status (analysis/README.md, "Vantages → country"). Each vantage is
// judged alone first: a feature's endpoints are alternatives its users fall back across, another city's
// network is not. Then the vantages that are online and reached a status are combined; those that are
// offline or could not tell only lower the confidence, they never turn a status into "blocked".

/** What one vantage concluded about one service on its own. */
export interface VantageOutcome {
  vantage: string;
  region: string | null;
  /** false when its canary failed or its agent missed a heartbeat: its results are unknown. */
  online: boolean;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
}

export interface CountryOutcome {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  features: FeatureStatus[];
  regions: RegionStatus[];
  /** Share of all the country's vantages that are online and agree with `status`; 0 when unknown. */
  confidence: number;
  /** Every vantage's own status, in the order given. */
  perVantage: VantageStatus[];
  /** `perVantage` bounded to MAX_VANTAGES_KEPT when vantages reached different statuses, else null. */
  disagreement: VantageStatus[] | null;
}

/** How many per-vantage statuses a stored status keeps: enough to show a split, small in the store. */
export const MAX_VANTAGES_KEPT = 20;

/** Statuses that can hold at once in different places of one country: censorship is often regional. */
const REGIONAL: ReadonlySet<ServiceStatusValue> = new Set(["accessible", "partial", "blocked"]);
const TROUBLED: ReadonlySet<ServiceStatusValue> = new Set(["partial", "blocked"]);

const known = (outcomes: readonly VantageOutcome[]) =>
  outcomes.filter((o) => o.online && o.status !== "unknown");

/**
 * One status from several vantages. All that reached a status agree → that status. Some see it blocked
 * (or partial) and others see it work → partial: blocked for some people, not for all. Any other split
 * (an outage in one place, a block or a working service in another) is a contradiction → unknown.
 */
export function combineStatuses(outcomes: readonly VantageOutcome[]): {
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
} {
  const reached = known(outcomes);
  const statuses = new Set(reached.map((o) => o.status));
  const [only] = statuses;
  if (statuses.size === 1 && only) {
    return { status: only, mechanism: dominantMechanism(reached.map((o) => o.mechanism)) };
  }
  if (statuses.size > 1 && [...statuses].every((s) => REGIONAL.has(s))) {
    const troubled = reached.filter((o) => TROUBLED.has(o.status));
    return { status: "partial", mechanism: dominantMechanism(troubled.map((o) => o.mechanism)) };
  }
  return { status: "unknown", mechanism: null };
}

/**
 * One feature from several vantages, by the same rule: agreement → that verdict; works in some places
 * and blocked in others → blocked (for the people there; the regions say where); any other split →
 * unknown.
 */
function combineFeature(feature: string, outcomes: readonly VantageOutcome[]): FeatureStatus {
  const verdicts = outcomes.flatMap((o) => {
    const f = o.online ? o.features.find((x) => x.feature === feature) : undefined;
    return f && f.status !== "unknown" ? [f] : [];
  });
  const kinds = new Set<Verdict>(verdicts.map((f) => f.status));
  const [only] = kinds;
  if (kinds.size === 1 && only) {
    return { feature, status: only, mechanism: dominantMechanism(verdicts.map((f) => f.mechanism)) };
  }
  if (kinds.size === 2 && kinds.has("ok") && kinds.has("blocked")) {
    const blocked = verdicts.filter((f) => f.status === "blocked");
    return { feature, status: "blocked", mechanism: dominantMechanism(blocked.map((f) => f.mechanism)) };
  }
  return { feature, status: "unknown", mechanism: null };
}

/** Whether an online vantage's own status is one the combined status accounts for. */
function agrees(own: ServiceStatusValue, combined: ServiceStatusValue): boolean {
  return own === combined || (combined === "partial" && REGIONAL.has(own));
}

/** Round-robin over statuses, so a bounded list still shows every side of a split. */
function bounded(perVantage: readonly VantageStatus[]): VantageStatus[] {
  const groups = new Map<ServiceStatusValue, VantageStatus[]>();
  for (const v of perVantage) groups.set(v.status, [...(groups.get(v.status) ?? []), v]);
  const kept: VantageStatus[] = [];
  for (let i = 0; kept.length < Math.min(MAX_VANTAGES_KEPT, perVantage.length); i++) {
    for (const group of groups.values()) {
      const next = group[i];
      if (next && kept.length < MAX_VANTAGES_KEPT) kept.push(next);
    }
  }
  return kept;
}

/** A country's status, features, regions, confidence and disagreement from its vantages' outcomes. */
export function combineVantages(outcomes: readonly VantageOutcome[]): CountryOutcome {
  const { status, mechanism } = combineStatuses(outcomes);
  const featureIds = [...new Set(outcomes.flatMap((o) => o.features.map((f) => f.feature)))];
  const regionIds = [...new Set(outcomes.flatMap((o) => (o.region ? [o.region] : [])))];
  const perVantage = outcomes.map((o) => ({
    vantage: o.vantage,
    region: o.region,
    status: o.online ? o.status : ("unknown" as const),
  }));
  const disagree = new Set(known(outcomes).map((o) => o.status)).size > 1;
  return {
    status,
    mechanism,
    features: featureIds.map((id) => combineFeature(id, outcomes)),
    regions: regionIds.map((region) => ({
      region,
      status: combineStatuses(outcomes.filter((o) => o.region === region)).status,
    })),
    confidence:
      status === "unknown" || outcomes.length === 0
        ? 0
        : outcomes.filter((o) => o.online && agrees(o.status, status)).length / outcomes.length,
    perVantage,
    disagreement: disagree ? bounded(perVantage) : null,
  };
}

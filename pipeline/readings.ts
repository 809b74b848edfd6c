import { historyBaseline } from "../analysis/history.js";
import { combineReadings, freshReadings, mergeReadings } from "../analysis/readings.js";
import type { StatusChange } from "../analysis/status-engine.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { VantageReading } from "../model/readings.js";
import type { Target } from "../model/status.js";
import type { ReadingStore } from "../model/store.js";
import { type CycleObservation, runStatusCycle, type StatusCycleDeps } from "./confirm.js";

// The step every feed ends with (docs/design.md, "Life of a measurement"): a feed's new readings replace its
// own vantages' kept ones (one atomic update per target), every fresh reading of every feed is combined
// (analysis/readings.ts), and the combination is what the status engine observes. So our probes, agents and
// OONI's networks confirm one status per (service, country), each cycle seeing all the evidence, and a status
// knows its sources.

export interface ConfirmDeps extends Omit<StatusCycleDeps, "store"> {
  kb: KnowledgeBase;
  store: StatusCycleDeps["store"] & Pick<ReadingStore, "updateReadings">;
}

/** A network known only by its number ("AS4134") gets its name from the bundled ASN dataset. */
function withNetworkName(kb: KnowledgeBase, reading: VantageReading): VantageReading {
  const network = reading.network;
  if (!network || network.name !== `AS${network.asn}`) return reading;
  const name = kb.asn().nameOf(network.asn);
  return name ? { ...reading, network: { asn: network.asn, name } } : reading;
}

/** A feed's new readings of one target. */
export interface TargetReadings {
  target: Target;
  readings: VantageReading[];
}

/**
 * Merges each target's new readings, combines all fresh ones, and confirms; resolves to the changes.
 * `unchanged`: targets this cycle brought nothing new for, with the readings kept for them. They are
 * observed again all the same (no write), so a status confirms over consecutive cycles on the evidence
 * that still counts, and a target whose evidence has all gone stale is no longer observed.
 */
export async function confirmReadings(
  fresh: readonly TargetReadings[],
  deps: ConfirmDeps,
  unchanged: readonly TargetReadings[] = [],
): Promise<StatusChange[]> {
  const now = (deps.now ?? (() => new Date()))();
  const nowMs = now.getTime();
  const observations: CycleObservation[] = [];
  const observe = (target: Target, kept: readonly VantageReading[]) => {
    const combined = combineReadings(freshReadings(kept, nowMs));
    if (!combined) return;
    observations.push({
      service: target.service,
      country: target.country,
      status: combined.status,
      mechanism: combined.mechanism,
      features: combined.features,
      regions: combined.regions,
      confidence: combined.confidence,
      method: combined.method,
      sources: combined.sources,
      networks: combined.networks,
      // What answers showed before any measurement: a first status equal to it is not news.
      baseline: historyBaseline(deps.kb, target.service, target.country),
      // Shown, not averaged away: which vantage saw what, when they disagree.
      ...(combined.vantages ? { vantages: combined.vantages } : {}),
      evidence: combined.evidence,
    });
  };
  for (const { target, readings } of fresh) {
    if (deps.signal?.aborted) break;
    const named = readings.map((r) => withNetworkName(deps.kb, r));
    observe(
      target,
      await deps.store.updateReadings(target, (current) => mergeReadings(current, named, nowMs)),
    );
  }
  for (const { target, readings } of unchanged) observe(target, readings);
  return runStatusCycle(observations, {
    store: deps.store,
    threshold: deps.threshold,
    ...(deps.firstThreshold !== undefined ? { firstThreshold: deps.firstThreshold } : {}),
    log: deps.log,
    now: () => now,
    ...(deps.onChange ? { onChange: deps.onChange } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

/** Per target, the newest reading time of each vantage already kept: a feed reads only what is newer. */
export type KnownReadings = (target: Target) => ReadonlyMap<string, string>;

/** What a feed collected in one cycle (OONI's: ooni/feed.ts). */
export interface FeedCollection {
  readings: Map<string, TargetReadings>;
  requests: number;
  /** Pairs with something new to read, and how many of them were read. */
  pairsListed: number;
  pairsRead: number;
  /** The budget or the source stopped it before everything new was read. */
  incomplete: boolean;
}

/** A source of readings on a schedule of its own (OONI): the port the pipeline runs a feed cycle through. */
export interface ReadingFeed {
  collect(known: KnownReadings, signal?: AbortSignal): Promise<FeedCollection>;
}

/** One feed cycle: what is kept, what the feed collects beyond it, then confirm. */
export async function runFeedCycle(
  feed: ReadingFeed,
  watched: readonly Target[],
  deps: ConfirmDeps & { store: ConfirmDeps["store"] & Pick<ReadingStore, "getReadings"> },
): Promise<{ collection: FeedCollection; changes: StatusChange[] }> {
  const kept = await deps.store.getReadings(watched);
  const key = (target: Target) => `${target.service}\u0000${target.country}`;
  const newest = new Map<string, Map<string, string>>();
  watched.forEach((target, i) => {
    newest.set(key(target), new Map((kept[i] ?? []).map((r) => [r.vantage, r.measuredAt])));
  });
  const none = new Map<string, string>();
  const collection = await feed.collect((target) => newest.get(key(target)) ?? none, deps.signal);
  const fresh = [...collection.readings.values()];
  const read = new Set(fresh.map(({ target }) => key(target)));
  const unchanged = watched.flatMap((target, i) => {
    const readings = kept[i] ?? [];
    return readings.length > 0 && !read.has(key(target)) ? [{ target, readings }] : [];
  });
  const changes = await confirmReadings(fresh, deps, unchanged);
  return { collection, changes };
}

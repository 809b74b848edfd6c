import type { Measurement } from "../model/measurement.js";
import { startOf } from "../model/measurement.js";
import type { AtomicKv, IngestResult } from "../model/store.js";

// Remote agents' part of the store (store/README.md, "Remote agents"): the measurements they pushed, each
// under its own key, an index per vantage that makes ingestion idempotent and bounded, and the time of
// each agent's last accepted report. KvStore delegates to this class.

/** Measurements kept per vantage, oldest (by measurement time) dropped beyond this. */
export const INGESTED_CAP = 2000;
/** A measurement nobody evicted (a crash between the index and the delete) expires after this anyway. */
export const INGESTED_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** One entry of a vantage's index: the measurement's id and its start time in epoch ms. */
interface IndexEntry {
  id: string;
  at: number;
}

/** Vantage ids are registered names; measurement ids come from agents: both percent-encoded in keys. */
function keyPart(value: string): string {
  if (value === "") throw new RangeError("an ingested key part may not be empty");
  return encodeURIComponent(value);
}

const keys = {
  /** `IndexEntry[]`, oldest first: what the vantage pushed and still kept. */
  index: (vantage: string) => `ingested-index:${keyPart(vantage)}`,
  measurement: (vantage: string, id: string) => `ingested:${keyPart(vantage)}:${keyPart(id)}`,
  /** Epoch ms of the vantage's latest accepted report. */
  heartbeat: (vantage: string) => `agent-heartbeat:${keyPart(vantage)}`,
};

export class IngestedKv {
  constructor(private readonly kv: AtomicKv) {}

  async addIngested(vantage: string, measurements: readonly Measurement[]): Promise<IngestResult> {
    const unique = new Map(measurements.map((m) => [m.id, m]));
    const index = (await this.kv.get<IndexEntry[]>(keys.index(vantage))) ?? [];
    const known = new Set(index.map((e) => e.id));
    const fresh = [...unique.values()].filter((m) => !known.has(m.id));
    // The measurements first, the index last: an index entry always has its measurement, and a crash in
    // between leaves unindexed values that the resend writes again and then indexes.
    await Promise.all(fresh.map((m) => this.kv.set(keys.measurement(vantage, m.id), m, INGESTED_TTL_MS)));
    let added = 0;
    let evicted: IndexEntry[] = [];
    await this.kv.update<IndexEntry[]>(keys.index(vantage), (current = []) => {
      const have = new Set(current.map((e) => e.id));
      const entries = fresh.filter((m) => !have.has(m.id)).map((m) => ({ id: m.id, at: startOf(m) }));
      added = entries.length;
      if (added === 0) return current;
      const all = [...current, ...entries].sort((a, b) => a.at - b.at);
      evicted = all.slice(0, Math.max(0, all.length - INGESTED_CAP));
      return all.slice(evicted.length);
    });
    await Promise.all(evicted.map((e) => this.kv.delete(keys.measurement(vantage, e.id))));
    return { added, duplicates: unique.size - added };
  }

  async ingestedSince(vantage: string, sinceMs: number): Promise<Measurement[]> {
    const index = (await this.kv.get<IndexEntry[]>(keys.index(vantage))) ?? [];
    const wanted = index.filter((e) => e.at >= sinceMs);
    const found = await Promise.all(
      wanted.map((e) => this.kv.get<Measurement>(keys.measurement(vantage, e.id))),
    );
    return found.filter((m): m is Measurement => m !== undefined);
  }

  async recordHeartbeat(vantage: string, atMs: number): Promise<void> {
    // Only forward: a delayed request must not make a live agent look older than it is.
    await this.kv.update<number>(keys.heartbeat(vantage), (current) =>
      current !== undefined && current >= atMs ? current : atMs,
    );
  }

  async lastHeartbeat(vantage: string): Promise<number | undefined> {
    return this.kv.get<number>(keys.heartbeat(vantage));
  }
}

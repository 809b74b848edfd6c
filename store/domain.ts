import type { EngineState, StatusChange, StepResult } from "../analysis/status-engine.js";
import type { Measurement } from "../model/measurement.js";
import type { VantageReading } from "../model/readings.js";
import type { ServiceStatus, Target, TimelineEntry } from "../model/status.js";
import {
  type AtomicKv,
  type ChatId,
  type ChatSettings,
  type DeliveryJob,
  type DeliveryRecord,
  type DigestEntry,
  type EngineUpdate,
  type IngestResult,
  READINGS_TTL_MS,
  REPORT_WINDOW_MS,
  type Store,
  type UpdateClaim,
} from "../model/store.js";
import { ClaimKv } from "./claims.js";
import { DeliveryKv } from "./deliveries.js";
import { IngestedKv } from "./ingested.js";
import { UpdateKv } from "./updates.js";

/** Older timeline entries are dropped beyond this: a status that flaps for years stays one small value. */
export const TIMELINE_CAP = 1000;

/**
 * Queued changes kept per target, oldest dropped beyond this: only reached when nothing consumes the
 * outbox (no alerts running), and an alert 100 changes late is worth nothing anyway.
 */
export const OUTBOX_CAP = 100;

/** The value under `engine:`: the state and the changes it made that are not fully delivered yet. */
interface EngineRecord {
  state: EngineState;
  /** Changes not yet on the timeline. */
  unrecorded: StatusChange[];
  /** Changes not yet acknowledged by alerts: the outbox. */
  outbox: StatusChange[];
}

/** Reports older than this are dropped on the next report of the target: they are never shown. */
const REPORT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** At most this many reports kept per target, so a flood cannot grow one value without bound. */
const REPORT_CAP = 5000;

/** A person's report that a target did not work for them. */
interface ProblemReport {
  /** An opaque key of the person, not their user id. */
  reporter: string;
  /** Epoch milliseconds. */
  at: number;
}

/** The key layout (store/README.md). Parts never contain ':', so no two targets share a key. */
const keys = {
  status: (t: Target) => `status:${part(t.country)}:${part(t.service)}`,
  /** Sorted service ids with a status in one country, so listing a country reads only its own keys. */
  statusIndex: (country: string) => `status-index:${part(country)}`,
  timeline: (t: Target) => `timeline:${part(t.country)}:${part(t.service)}`,
  /** Sorted chat ids: the list alerts are sent to, and the source of truth for subscriptions. */
  subscribers: (t: Target) => `subs:${part(t.service)}:${part(t.country)}`,
  /** The targets of one chat: a reverse index for "my subscriptions" and removeChat. */
  chatSubscriptions: (chatId: ChatId) => `chat-subs:${part(chatId)}`,
  chat: (chatId: ChatId) => `chat:${part(chatId)}`,
  /** Problem reports of the last day: `{reporter, at}` entries, oldest first. */
  reports: (t: Target) => `reports:${part(t.country)}:${part(t.service)}`,
  engine: (t: Target) => `engine:${part(t.country)}:${part(t.service)}`,
  /** Every target with an engine state, sorted: where `pendingChanges` looks for queued changes. */
  engineIndex: () => "engine-index",
  /** Each feed's vantages' own readings of a target (model/readings.ts). */
  readings: (t: Target) => `readings:${part(t.country)}:${part(t.service)}`,
};

/** The domain store over any AtomicKv: every read-modify-write below is one atomic `update`. */
export class KvStore implements Store {
  readonly kind: Store["kind"];

  /** Alert delivery's jobs, records and digests (store/deliveries.ts). */
  private readonly deliveries: DeliveryKv;
  /** Claims, leases and cached values (store/claims.ts). */
  private readonly claims: ClaimKv;
  /** Remote agents' measurements and heartbeats (store/ingested.ts). */
  private readonly ingested: IngestedKv;

  /** Telegram update ids, claimed and handled (store/updates.ts). */
  private readonly updates: UpdateKv;

  constructor(
    private readonly kv: AtomicKv,
    options: { updateIdTtlMs?: number } = {},
  ) {
    this.kind = kv.kind;
    // updateIdTtlMs: how long an update-id bucket is kept after its last write; shorter in tests.
    this.updates = new UpdateKv(kv, options.updateIdTtlMs);
    this.deliveries = new DeliveryKv(kv);
    this.claims = new ClaimKv(kv);
    this.ingested = new IngestedKv(kv);
  }

  async getStatus(target: Target): Promise<ServiceStatus | undefined> {
    return this.kv.get<ServiceStatus>(keys.status(target));
  }

  async getStatuses(targets: readonly Target[]): Promise<(ServiceStatus | undefined)[]> {
    return this.kv.getMany<ServiceStatus>(targets.map((target) => keys.status(target)));
  }

  async putStatus(status: ServiceStatus): Promise<void> {
    // Index first: a crash before the status write leaves an index entry without a status, which
    // listStatuses skips, rather than a status that listing never finds.
    const index = await this.kv.get<string[]>(keys.statusIndex(status.country));
    if (!index?.includes(status.service)) {
      await this.kv.update<string[]>(keys.statusIndex(status.country), (services = []) =>
        withSorted(services, status.service),
      );
    }
    await this.kv.set(keys.status(status), status);
  }

  async listStatuses(country: string): Promise<ServiceStatus[]> {
    const services = (await this.kv.get<string[]>(keys.statusIndex(country))) ?? [];
    const statuses = await this.getStatuses(services.map((service) => ({ service, country })));
    return statuses.filter((status) => status !== undefined);
  }

  async appendTimeline(target: Target, entry: TimelineEntry): Promise<void> {
    await this.kv.update<TimelineEntry[]>(keys.timeline(target), (entries = []) =>
      [...entries, entry].slice(-TIMELINE_CAP),
    );
  }

  async getTimeline(target: Target): Promise<TimelineEntry[]> {
    return (await this.kv.get<TimelineEntry[]>(keys.timeline(target))) ?? [];
  }

  async subscribe(chatId: ChatId, target: Target): Promise<boolean> {
    // The per-target list first: once it holds the chat, alerts reach it even if the process dies before
    // the reverse index is written; subscribing again repairs the index.
    let added = false;
    await this.kv.update<ChatId[]>(keys.subscribers(target), (chatIds = []) => {
      added = !chatIds.includes(chatId);
      return added ? withSorted(chatIds, chatId) : chatIds;
    });
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (targets = []) =>
      targets.some((t) => sameTarget(t, target)) ? targets : [...targets, toTarget(target)],
    );
    return added;
  }

  async unsubscribe(chatId: ChatId, target: Target): Promise<boolean> {
    // Same order as subscribe: the per-target list decides who gets alerts, so it changes first.
    const removed = await this.removeSubscriber(chatId, target);
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (targets) =>
      withoutTargets(targets, [target]),
    );
    return removed;
  }

  async subscribers(target: Target): Promise<ChatId[]> {
    return (await this.kv.get<ChatId[]>(keys.subscribers(target))) ?? [];
  }

  async subscriptionsOf(chatId: ChatId): Promise<Target[]> {
    return (await this.kv.get<Target[]>(keys.chatSubscriptions(chatId))) ?? [];
  }

  async removeChat(chatId: ChatId): Promise<number> {
    const targets = await this.subscriptionsOf(chatId);
    let removed = 0;
    for (const target of targets) {
      if (await this.removeSubscriber(chatId, target)) removed++;
    }
    // Only the targets handled above: a subscription added meanwhile keeps its index entry.
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (current) =>
      withoutTargets(current, targets),
    );
    return removed;
  }

  async getChat(chatId: ChatId): Promise<ChatSettings | undefined> {
    return this.kv.get<ChatSettings>(keys.chat(chatId));
  }

  async updateChat(chatId: ChatId, patch: Partial<Omit<ChatSettings, "chatId">>): Promise<ChatSettings> {
    const updated = await this.kv.update<ChatSettings>(keys.chat(chatId), (current) =>
      withoutUndefined({ ...current, ...patch, chatId }),
    );
    return updated ?? { chatId };
  }

  claimUpdate(updateId: number, owner: string, ttlMs: number): Promise<UpdateClaim> {
    return this.updates.claimUpdate(updateId, owner, ttlMs);
  }

  finishUpdate(updateId: number): Promise<void> {
    return this.updates.finishUpdate(updateId);
  }

  async migrateChat(from: ChatId, to: ChatId): Promise<number> {
    if (from === to) return 0;
    const targets = await this.subscriptionsOf(from);
    // The new chat's index first, the old one's last: a crash anywhere in between leaves the old index
    // intact, so running the migration again finds every target and finishes the move.
    if (targets.length > 0) {
      await this.kv.update<Target[]>(keys.chatSubscriptions(to), (current = []) => {
        const missing = targets.filter((t) => !current.some((c) => sameTarget(c, t)));
        return missing.length > 0 ? [...current, ...missing.map(toTarget)] : current;
      });
    }
    for (const target of targets) {
      await this.kv.update<ChatId[]>(keys.subscribers(target), (chatIds = []) => {
        const rest = chatIds.filter((id) => id !== from);
        return rest.includes(to) ? rest : withSorted(rest, to);
      });
    }
    await this.kv.update<Target[]>(keys.chatSubscriptions(from), (current) =>
      withoutTargets(current, targets),
    );
    const settings = await this.getChat(from);
    if (settings) {
      await this.kv.update<ChatSettings>(keys.chat(to), (current) =>
        withoutUndefined({ ...settings, ...current, chatId: to }),
      );
      await this.kv.update<ChatSettings>(keys.chat(from), () => undefined);
    }
    return targets.length;
  }

  async addReport(reporter: string, target: Target, atMs: number): Promise<boolean> {
    let added = false;
    await this.kv.update<ProblemReport[]>(keys.reports(target), (reports = []) => {
      const kept = reports.filter((r) => r.at > atMs - REPORT_RETENTION_MS);
      added = !kept.some((r) => r.reporter === reporter && r.at > atMs - REPORT_WINDOW_MS);
      if (added) return [...kept, { reporter, at: atMs }].slice(-REPORT_CAP);
      return kept.length === reports.length ? reports : kept;
    });
    return added;
  }

  async countReports(target: Target, sinceMs: number): Promise<number> {
    const reports = (await this.kv.get<ProblemReport[]>(keys.reports(target))) ?? [];
    return new Set(reports.filter((r) => r.at >= sinceMs).map((r) => r.reporter)).size;
  }

  async getEngineState(target: Target): Promise<EngineState | undefined> {
    return (await this.kv.get<EngineRecord>(keys.engine(target)))?.state;
  }

  async updateEngineState(
    target: Target,
    advance: (current: EngineState | undefined) => StepResult,
  ): Promise<EngineUpdate> {
    // Index first, as putStatus does: a crash before the state write leaves an index entry without a
    // record, which pendingChanges skips, rather than queued changes no one ever finds.
    const index = await this.kv.get<Target[]>(keys.engineIndex());
    if (!index?.some((t) => sameTarget(t, target))) {
      await this.kv.update<Target[]>(keys.engineIndex(), (targets = []) =>
        targets.some((t) => sameTarget(t, target)) ? targets : sortTargets([...targets, toTarget(target)]),
      );
    }
    let result: StepResult | undefined;
    const stored = await this.kv.update<EngineRecord>(keys.engine(target), (current) => {
      result = advance(current?.state);
      const { state, change } = result;
      // Nothing new: write nothing (update skips the write when given `current` back).
      if (current && change === null && state === current.state) return current;
      const unrecorded = current?.unrecorded ?? [];
      const outbox = current?.outbox ?? [];
      return change === null
        ? { state, unrecorded, outbox }
        : {
            state,
            unrecorded: [...unrecorded, change].slice(-OUTBOX_CAP),
            outbox: [...outbox, change].slice(-OUTBOX_CAP),
          };
    });
    if (!stored || !result) throw new Error("engine update stored nothing");
    return { state: stored.state, change: result.change, unrecorded: stored.unrecorded };
  }

  async recordChange(change: StatusChange): Promise<void> {
    // Timeline first, then the mark: a crash in between leaves the change unrecorded, and recording it
    // again finds it on the timeline and only sets the mark. Nothing is lost, nothing doubled.
    const entry = timelineEntry(change);
    await this.kv.update<TimelineEntry[]>(keys.timeline(change.target), (entries = []) =>
      entries.some((e) => sameEntry(e, entry)) ? entries : [...entries, entry].slice(-TIMELINE_CAP),
    );
    await this.kv.update<EngineRecord>(keys.engine(change.target), (record) => {
      if (!record?.unrecorded.some((c) => c.id === change.id)) return record;
      return { ...record, unrecorded: record.unrecorded.filter((c) => c.id !== change.id) };
    });
  }

  async pendingChanges(): Promise<StatusChange[]> {
    const targets = (await this.kv.get<Target[]>(keys.engineIndex())) ?? [];
    const records = await Promise.all(targets.map((t) => this.kv.get<EngineRecord>(keys.engine(t))));
    return records
      .flatMap((record) => record?.outbox ?? [])
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || compareText(a.id, b.id));
  }

  async ackChanges(changes: readonly Pick<StatusChange, "id" | "target">[]): Promise<number> {
    let acknowledged = 0;
    const idsByKey = new Map<string, Set<string>>();
    for (const change of changes) {
      const key = keys.engine(change.target);
      idsByKey.set(key, (idsByKey.get(key) ?? new Set<string>()).add(change.id));
    }
    for (const [key, ids] of idsByKey) {
      let removed = 0;
      await this.kv.update<EngineRecord>(key, (record) => {
        removed = record?.outbox.filter((c) => ids.has(c.id)).length ?? 0;
        if (!record || removed === 0) return record;
        return { ...record, outbox: record.outbox.filter((c) => !ids.has(c.id)) };
      });
      acknowledged += removed;
    }
    return acknowledged;
  }

  createDeliveryJob(job: DeliveryJob): Promise<{ job: DeliveryJob; created: boolean }> {
    return this.deliveries.createDeliveryJob(job);
  }

  openDeliveryJobs(): Promise<DeliveryJob[]> {
    return this.deliveries.openDeliveryJobs();
  }

  finishDeliveryJob(jobId: string, finishedAt: string): Promise<void> {
    return this.deliveries.finishDeliveryJob(jobId, finishedAt);
  }

  getDeliveries(jobId: string, chatIds: readonly ChatId[]): Promise<(DeliveryRecord | undefined)[]> {
    return this.deliveries.getDeliveries(jobId, chatIds);
  }

  claimDelivery(
    jobId: string,
    chatId: ChatId,
    owner: string,
    atMs: number,
  ): Promise<{ claimed: boolean; record: DeliveryRecord }> {
    return this.deliveries.claimDelivery(jobId, chatId, owner, atMs);
  }

  settleDelivery(jobId: string, chatId: ChatId, record: DeliveryRecord): Promise<void> {
    return this.deliveries.settleDelivery(jobId, chatId, record);
  }

  addToDigest(chatId: ChatId, change: StatusChange, addedAt: string): Promise<boolean> {
    return this.deliveries.addToDigest(chatId, change, addedAt);
  }

  digestChats(): Promise<ChatId[]> {
    return this.deliveries.digestChats();
  }

  getDigest(chatId: ChatId): Promise<DigestEntry[]> {
    return this.deliveries.getDigest(chatId);
  }

  removeFromDigest(chatId: ChatId, changeIds: readonly string[]): Promise<number> {
    return this.deliveries.removeFromDigest(chatId, changeIds);
  }

  claimOnce(key: string, ttlMs: number, owner?: string): Promise<boolean> {
    return this.claims.claimOnce(key, ttlMs, owner);
  }

  releaseClaim(key: string, owner: string): Promise<boolean> {
    return this.claims.releaseClaim(key, owner);
  }

  renewClaim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.claims.renewClaim(key, owner, ttlMs);
  }

  takeQuota(
    key: string,
    limit: { uses: number; windowMs: number },
    nowMs: number,
  ): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    return this.claims.takeQuota(key, limit, nowMs);
  }

  async updateReadings(
    target: Target,
    merge: (current: VantageReading[]) => VantageReading[],
  ): Promise<VantageReading[]> {
    const stored = await this.kv.update<VantageReading[]>(
      keys.readings(target),
      (current = []) => merge(current),
      { ttlMs: READINGS_TTL_MS },
    );
    return stored ?? [];
  }

  async getReadings(targets: readonly Target[]): Promise<VantageReading[][]> {
    if (targets.length === 0) return [];
    const found = await this.kv.getMany<VantageReading[]>(targets.map((t) => keys.readings(t)));
    return found.map((readings) => readings ?? []);
  }

  getCached<T>(key: string): Promise<T | undefined> {
    return this.claims.getCached<T>(key);
  }

  setCached<T>(key: string, value: T, ttlMs: number): Promise<void> {
    return this.claims.setCached(key, value, ttlMs);
  }

  addIngested(vantage: string, measurements: readonly Measurement[]): Promise<IngestResult> {
    return this.ingested.addIngested(vantage, measurements);
  }

  ingestedSince(vantage: string, sinceMs: number): Promise<Measurement[]> {
    return this.ingested.ingestedSince(vantage, sinceMs);
  }

  recordHeartbeat(vantage: string, atMs: number): Promise<void> {
    return this.ingested.recordHeartbeat(vantage, atMs);
  }

  lastHeartbeat(vantage: string): Promise<number | undefined> {
    return this.ingested.lastHeartbeat(vantage);
  }

  async close(): Promise<void> {
    try {
      await this.updates.flush();
    } finally {
      await this.kv.close();
    }
  }

  /** Resolves true when the chat was in the target's list. */
  private async removeSubscriber(chatId: ChatId, target: Target): Promise<boolean> {
    let removed = false;
    await this.kv.update<ChatId[]>(keys.subscribers(target), (chatIds) => {
      removed = chatIds?.includes(chatId) ?? false;
      if (!chatIds || !removed) return chatIds;
      const rest = chatIds.filter((id) => id !== chatId);
      return rest.length > 0 ? rest : undefined;
    });
    return removed;
  }
}

function part(value: string): string {
  if (value === "" || value.includes(":"))
    throw new RangeError(`not a valid key part: ${JSON.stringify(value)}`);
  return value;
}

function withSorted(sorted: readonly string[], item: string): string[] {
  return [...sorted, item].sort();
}

function sameTarget(a: Target, b: Target): boolean {
  return a.service === b.service && a.country === b.country;
}

function sortTargets(targets: Target[]): Target[] {
  return targets.sort((a, b) => compareText(a.country, b.country) || compareText(a.service, b.service));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A change on the timeline is dated by its `since`: when the new status was first observed. */
function timelineEntry(change: StatusChange): TimelineEntry {
  return {
    at: change.since,
    from: change.from,
    to: change.to,
    mechanism: change.mechanism,
    features: change.features,
    ...(change.sources ? { sources: change.sources } : {}),
  };
}

function sameEntry(a: TimelineEntry, b: TimelineEntry): boolean {
  return a.at === b.at && a.from === b.from && a.to === b.to;
}

/** Only the two fields: callers may pass richer objects (a ServiceStatus is a Target too). */
function toTarget(target: Target): Target {
  return { service: target.service, country: target.country };
}

/** The list without `removed`; undefined (deletes the key) when nothing is left. */
function withoutTargets(targets: Target[] | undefined, removed: readonly Target[]): Target[] | undefined {
  if (!targets) return undefined;
  const rest = targets.filter((t) => !removed.some((r) => sameTarget(t, r)));
  if (rest.length === targets.length) return targets;
  return rest.length > 0 ? rest : undefined;
}

/** A patch field set to undefined clears it, and stored settings never hold undefined. */
function withoutUndefined(settings: ChatSettings): ChatSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ChatSettings;
}

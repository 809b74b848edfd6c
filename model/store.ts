import { IsblockedError } from "../core/errors.js";
import type { EngineState, StatusChange, StepResult } from "./changes.js";
import type { Measurement } from "./measurement.js";
import type { VantageReading } from "./readings.js";
import type { ServiceStatus, Target, TimelineEntry } from "./status.js";

/** Telegram chat ids exceed 2^53 in theory and are compared as text: kept as decimal strings. */
export type ChatId = string;

/**
 * The service part of a subscription to every service of a country (`/subscribe all ir`): a change of
 * (service, country) concerns the subscribers of that target and those of (ALL_SERVICES, country).
 * Not a valid knowledge-base id, so it never collides with one.
 */
export const ALL_SERVICES = "*";

export type Lang = "en" | "zh-Hans" | "zh-Hant" | "ru" | "fa";

export interface ChatSettings {
  chatId: ChatId;
  lang?: Lang;
  /** ISO 3166-1 alpha-2 used when a question names no country. */
  country?: string;
  delivery?: "immediate" | "digest";
  active?: boolean;
}

/**
 * The key-value layer under the domain store. keyv gives get/set/delete on every backend; `update` adds
 * the compare-and-set keyv lacks, implemented per backend with the adapter's own client.
 */
export interface AtomicKv {
  /** Which backend holds the data. */
  readonly kind: StoreKind;
  get<T>(key: string): Promise<T | undefined>;
  /** Several values in one round trip of the backend, in the order of `keys`; absent ones undefined. */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Atomically replaces the value of `key` with `fn(current)`; returning `undefined` deletes it. `fn` may
   * run more than once under contention and must be pure. Resolves to what was stored. A value written
   * by `update` expires after `options.ttlMs` when given, else never (any earlier expiry is dropped).
   */
  update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined,
    options?: { ttlMs?: number },
  ): Promise<T | undefined>;
  close(): Promise<void>;
}

// The store is split by role: each consumer takes only the roles it uses (the bot's answers read
// statuses and reports, alert delivery its jobs and the outbox, ingest its measurements), so what a module
// can touch is in its signature. `Store` is all of them: what every backend implements (store/), one
// contract suite over memory, SQLite and Redis (test/store), and what the composition root wires.

/** Confirmed statuses and their timelines: what answers, pages and charts read. */
export interface StatusStore {
  getStatus(target: Target): Promise<ServiceStatus | undefined>;
  /** The statuses of several targets in one store read, in the order of `targets`. */
  getStatuses(targets: readonly Target[]): Promise<(ServiceStatus | undefined)[]>;
  putStatus(status: ServiceStatus): Promise<void>;
  /** Every stored status of one country. */
  listStatuses(country: string): Promise<ServiceStatus[]>;

  appendTimeline(target: Target, entry: TimelineEntry): Promise<void>;
  /** Oldest first. */
  getTimeline(target: Target): Promise<TimelineEntry[]>;

  /**
   * A number that stays the same while no status, report or chat setting changes on the store, written by
   * this process or another (store/status-cache.ts); absent, or undefined, where the store cannot tell.
   * What was built from reads made under one number is as fresh as new reads while it holds.
   */
  changeGeneration?(): Promise<number | undefined>;
}

/** Who follows what, and each chat's settings. */
export interface SubscriptionStore {
  /** Resolves true when the subscription is new, false when it already existed. */
  subscribe(chatId: ChatId, target: Target): Promise<boolean>;
  unsubscribe(chatId: ChatId, target: Target): Promise<boolean>;
  subscribers(target: Target): Promise<ChatId[]>;
  subscriptionsOf(chatId: ChatId): Promise<Target[]>;
  /** Deletes every subscription of a chat (bot removed, chat deactivated); resolves to how many. */
  removeChat(chatId: ChatId): Promise<number>;

  getChat(chatId: ChatId): Promise<ChatSettings | undefined>;
  updateChat(chatId: ChatId, patch: Partial<Omit<ChatSettings, "chatId">>): Promise<ChatSettings>;

  /**
   * Moves the subscriptions and settings of chat `from` to chat `to` (a group that became a supergroup).
   * Every key changes in one atomic update, each target's subscriber list swaps `from` for `to` in a
   * single write (alerts reach exactly one of the two at any moment), and the steps are ordered so that
   * running it again completes an interrupted move. Settings `to` already has win over `from`'s.
   * Resolves to how many subscriptions moved.
   */
  migrateChat(from: ChatId, to: ChatId): Promise<number>;
}

/**
 * What claiming an update found: `claimed`, it is this owner's to handle now; `busy`, another owner's
 * unexpired claim holds it; `done`, it was handled already.
 */
export type UpdateClaim = "claimed" | "busy" | "done";

/**
 * Telegram updates answered at least once and by one process at a time, across replicas and restarts. An
 * update is claimed while it is handled, the claim expiring unless renewed, and recorded as done once its
 * effects and reply are committed: a process killed in between leaves a claim that lapses, so Telegram's
 * re-delivery is handled then. Remembers the recent ids only: see UPDATE_ID_MEMORY (store/updates.ts).
 */
export interface UpdateStore {
  /**
   * Claims `updateId` for `owner` until `ttlMs` from now, as one atomic step. The same owner claiming
   * again renews its claim. An expired claim of anyone is taken over.
   */
  claimUpdate(updateId: number, owner: string, ttlMs: number): Promise<UpdateClaim>;
  /** Records `updateId` as handled, whoever holds it: every later claim is `done`. */
  finishUpdate(updateId: number): Promise<void>;
}

/** People's reports that a service does not work for them. */
export interface ReportStore {
  /**
   * Records that a person could not use a target. `reporter` is an opaque key of that person (the bot
   * passes a keyed hash, never a raw user id). Resolves false, storing nothing, when the same person
   * already reported the same target within the hour before `atMs` (epoch milliseconds).
   */
  addReport(reporter: string, target: Target, atMs: number): Promise<boolean>;
  /** How many different people reported problems with a target at or after `sinceMs`. */
  countReports(target: Target, sinceMs: number): Promise<number>;
}

/** The status engine's state per target and its change outbox (the pipeline's commit point). */
export interface EngineStore {
  /** The status engine's state of one target; undefined before its first observation. */
  getEngineState(target: Target): Promise<EngineState | undefined>;
  /**
   * Atomically replaces the engine state of `target` with `advance(current).state`. A change `advance`
   * returns is queued in the same write, both for the timeline (see `recordChange`) and for alerts (see
   * `pendingChanges`): a state transition and its event are never stored one without the other.
   * `advance` may run more than once under contention and must be pure (analysis/status-engine `step`).
   */
  updateEngineState(
    target: Target,
    advance: (current: EngineState | undefined) => StepResult,
  ): Promise<EngineUpdate>;
  /** Puts a change on its target's timeline unless it is there already, then marks it recorded. */
  recordChange(change: StatusChange): Promise<void>;
  /** Changes not yet acknowledged by alerts, of every target, oldest first. Delivery is at least once. */
  pendingChanges(): Promise<StatusChange[]>;
  /** Acknowledges delivered changes; resolves to how many of them were still pending. */
  ackChanges(changes: readonly Pick<StatusChange, "id" | "target">[]): Promise<number>;
}

/** Alert delivery: jobs, per-recipient records, and the daily digest queues. */
export interface DeliveryStore {
  // Alert delivery (bot/alerts; store/README.md, "Alert delivery"). A job is one message for some chats;
  // each (job, chat) has a delivery record, absent until first tried, which is what makes a restart resume
  // the unsent and never resend the sent.
  /**
   * Stores `job` unless a job with its id exists, live or finished (a finished job is remembered for
   * `FINISHED_JOB_TTL_MS`); resolves to the stored job, and whether it is the one given.
   */
  createDeliveryJob(job: DeliveryJob): Promise<{ job: DeliveryJob; created: boolean }>;
  /** Jobs not finished yet, oldest first. */
  openDeliveryJobs(): Promise<DeliveryJob[]>;
  /** Marks a job finished: its recipient list is dropped, its id kept so that it is never created again. */
  finishDeliveryJob(jobId: string, finishedAt: string): Promise<void>;
  /** The records of some recipients of a job, in the same order; undefined: never tried. */
  getDeliveries(jobId: string, chatIds: readonly ChatId[]): Promise<(DeliveryRecord | undefined)[]>;
  /**
   * Atomically marks a delivery `sending` for `owner`, only if it is absent, `pending`, or already
   * `sending` for the same owner: of two dispatchers, one claims it. Resolves to the record as it now is,
   * and whether this call claimed it.
   */
  claimDelivery(
    jobId: string,
    chatId: ChatId,
    owner: string,
    atMs: number,
  ): Promise<{ claimed: boolean; record: DeliveryRecord }>;
  /** Writes the outcome of an attempt (by the claim's owner); kept for `DELIVERY_RECORD_TTL_MS`. */
  settleDelivery(jobId: string, chatId: ChatId, record: DeliveryRecord): Promise<void>;
  /** Queues a change for a chat's daily digest; resolves false when it was queued already. */
  addToDigest(chatId: ChatId, change: StatusChange, addedAt: string): Promise<boolean>;
  /** Chats with something queued for their digest, sorted. */
  digestChats(): Promise<ChatId[]>;
  /** What is queued for a chat's digest, oldest first. */
  getDigest(chatId: ChatId): Promise<DigestEntry[]>;
  /** Removes the named changes from a chat's digest queue; resolves to how many were there. */
  removeFromDigest(chatId: ChatId, changeIds: readonly string[]): Promise<number>;
}

/** Claims, leases and quotas shared by every process on the store. */
export interface ClaimStore {
  // Claims and leases shared by every process on the store (store/claims.ts): one cycle per cron slot
  // across replicas, one alert dispatcher at a time, a replay cache, one on-demand probe per target.
  /**
   * Claims `key` for `ttlMs`: true for the first claim, false while an unexpired claim of it exists
   * (Redis: one atomic set-if-absent with an expiry, like SET NX PX). A claim by its own `owner` again is
   * true and does not extend it. Without `owner` every call is a new claimant.
   */
  claimOnce(key: string, ttlMs: number, owner?: string): Promise<boolean>;
  /** Ends a claim early, only if `owner` holds it; resolves true when released. */
  releaseClaim(key: string, owner: string): Promise<boolean>;
  /** Extends a claim `owner` holds to `ttlMs` from now; false when it expired or another owns it. */
  renewClaim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Takes one of `limit.uses` uses of `key` in any `limit.windowMs` ending at `nowMs` (epoch ms): a sliding
   * window shared by every process on the store, such as checks per person per minute. When none is left,
   * resolves to how long until one is.
   */
  takeQuota(
    key: string,
    limit: { uses: number; windowMs: number },
    nowMs: number,
  ): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
}

/** Answers of outside sources kept for a while. */
export interface CacheStore {
  /** A value cached with an expiry (answers of outside sources such as OONI); undefined once expired. */
  getCached<T>(key: string): Promise<T | undefined>;
  setCached<T>(key: string, value: T, ttlMs: number): Promise<void>;
}

/** What remote agents pushed, and when each was last heard from. */
export interface IngestStore {
  // Remote agents (ingest/, store/ingested.ts): what they pushed, and when each was last heard from.
  /**
   * Keeps `measurements` of a registered vantage, idempotently by measurement id (a resend adds nothing),
   * the latest INGESTED_CAP per vantage by measurement time.
   */
  addIngested(vantage: string, measurements: readonly Measurement[]): Promise<IngestResult>;
  /** A vantage's kept measurements that started at or after `sinceMs`, oldest first. */
  ingestedSince(vantage: string, sinceMs: number): Promise<Measurement[]>;
  /** Records an accepted report of an agent at `atMs` (epoch ms); never moves the time back. */
  recordHeartbeat(vantage: string, atMs: number): Promise<void>;
  /** Epoch ms of an agent's latest accepted report; undefined if never heard from. */
  lastHeartbeat(vantage: string): Promise<number | undefined>;
}

/** Each feed's vantages' own readings per target (model/readings.ts), which every cycle combines. */
export interface ReadingStore {
  /**
   * Atomically replaces the readings of `target` with `merge(current)` (empty when none), kept for
   * READINGS_TTL_MS after the last write; resolves to what was stored. `merge` may run more than once under
   * contention and must be pure (analysis/readings.ts `mergeReadings`).
   */
  updateReadings(
    target: Target,
    merge: (current: VantageReading[]) => VantageReading[],
  ): Promise<VantageReading[]>;
  /** The readings of several targets in one store read, in the order of `targets`. */
  getReadings(targets: readonly Target[]): Promise<VantageReading[][]>;
}

/** Readings are rewritten by every cycle; a target no feed mentions for this long is forgotten. */
export const READINGS_TTL_MS = 7 * 24 * 3_600_000;

/** Every role: what a backend implements. */
export interface Store
  extends StatusStore,
    SubscriptionStore,
    UpdateStore,
    ReportStore,
    EngineStore,
    DeliveryStore,
    ClaimStore,
    CacheStore,
    IngestStore,
    ReadingStore {
  /** Which backend this is, for logs and /readyz: `memory`, `sqlite` or `redis`. */
  readonly kind: "memory" | "sqlite" | "redis";
  close(): Promise<void>;
}

/**
 * One message for some chats (bot/alerts): the alert of one status change, or one chat's daily digest.
 * Immutable once stored, so a restart sends exactly what was planned.
 */
export interface DeliveryJob {
  /** The change's id for an alert; `digest/<chatId>/<YYYY-MM-DD>` for a digest. */
  id: string;
  kind: "alert" | "digest";
  /** The alert's change, or the digest's changes, oldest first. */
  changes: StatusChange[];
  /** Who gets it, each chat once. Empty in a finished job. */
  recipients: ChatId[];
  /** ISO timestamp. */
  createdAt: string;
  /** ISO timestamp at which every delivery reached a final state. */
  finishedAt?: string;
}

/**
 * `pending`: to try (again) no earlier than `notBefore`. `sending`: a request may be on its way to
 * Telegram. Final: `sent` (Telegram answered ok), `unconfirmed` (found `sending` after a crash: presumed
 * delivered, never resent), `failed`, `skipped` (the chat is inactive), `moved` (the group became the
 * supergroup `movedTo`, whose own record carries on).
 */
export type DeliveryState = "pending" | "sending" | "sent" | "unconfirmed" | "failed" | "skipped" | "moved";

export interface DeliveryRecord {
  state: DeliveryState;
  /** Requests made so far, 429s included. */
  attempts: number;
  /** The dispatcher instance that claimed it, while `sending`. */
  owner?: string;
  /** Epoch ms before which it is not tried again (retry_after, back-off). */
  notBefore?: number;
  /** Telegram's message_id, once sent. */
  messageId?: number;
  movedTo?: ChatId;
  /** Telegram's description of the last failure. */
  error?: string;
  /** Epoch ms of the last change of this record. */
  at: number;
}

/** A change waiting for a chat's daily digest. */
export interface DigestEntry {
  change: StatusChange;
  /** ISO timestamp: the digest due after it takes it. */
  addedAt: string;
}

/** What `addIngested` did: measurements new to the store, and ones it already had (a resend). */
export interface IngestResult {
  added: number;
  duplicates: number;
}

/** What `updateEngineState` stored. */
export interface EngineUpdate {
  state: EngineState;
  /** The change this update made, if any. */
  change: StatusChange | null;
  /** Every change of the target not yet on its timeline, this one included, oldest first. */
  unrecorded: StatusChange[];
}

export type StoreKind = Store["kind"];

/** A store that cannot be reached or written is an error, never "no data". */
export class StoreError extends IsblockedError {
  override name = "StoreError";
}

export class StoreUrlError extends IsblockedError {
  override name = "StoreUrlError";
}

/** One person may report one target once within this window. */
export const REPORT_WINDOW_MS = 60 * 60 * 1000;

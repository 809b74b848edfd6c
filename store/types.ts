import type { ServiceStatus, Target, TimelineEntry } from "../analysis/types.js";

/** Telegram chat ids exceed 2^53 in theory and are compared as text: kept as decimal strings. */
export type ChatId = string;

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
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Atomically replaces the value of `key` with `fn(current)`; returning `undefined` deletes it. `fn` may
   * run more than once under contention and must be pure. Resolves to what was stored. A value written
   * by `update` has no expiry.
   */
  update<T>(key: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  close(): Promise<void>;
}

/** The narrow domain interface every part of isblocked uses; nothing else touches keyv. */
export interface Store {
  /** Which backend this is, for logs and /readyz: `memory`, `sqlite` or `redis`. */
  readonly kind: "memory" | "sqlite" | "redis";

  getStatus(target: Target): Promise<ServiceStatus | undefined>;
  putStatus(status: ServiceStatus): Promise<void>;
  /** Every stored status of one country. */
  listStatuses(country: string): Promise<ServiceStatus[]>;

  appendTimeline(target: Target, entry: TimelineEntry): Promise<void>;
  /** Oldest first. */
  getTimeline(target: Target): Promise<TimelineEntry[]>;

  /** Resolves true when the subscription is new, false when it already existed. */
  subscribe(chatId: ChatId, target: Target): Promise<boolean>;
  unsubscribe(chatId: ChatId, target: Target): Promise<boolean>;
  subscribers(target: Target): Promise<ChatId[]>;
  subscriptionsOf(chatId: ChatId): Promise<Target[]>;
  /** Deletes every subscription of a chat (bot removed, chat deactivated); resolves to how many. */
  removeChat(chatId: ChatId): Promise<number>;

  getChat(chatId: ChatId): Promise<ChatSettings | undefined>;
  updateChat(chatId: ChatId, patch: Partial<Omit<ChatSettings, "chatId">>): Promise<ChatSettings>;

  close(): Promise<void>;
}

export type StoreKind = Store["kind"];

/** A store that cannot be reached or written is an error, never "no data". */
export class StoreError extends Error {
  override name = "StoreError";
}

export class StoreUrlError extends Error {
  override name = "StoreUrlError";
}

import { resolve } from "node:path";
import { type AtomicKv, type Store, StoreUrlError } from "../model/store.js";
import { type ChangeMark, fileMark, kvMark, localMark } from "./change-mark.js";
import { redactPassword } from "./kv/redis-url.js";
import { CachedKvStore } from "./status-cache.js";

/** Prefix of every key, so several deployments (or test runs) can share one Redis database. */
export const DEFAULT_NAMESPACE = "isblocked";

const ACCEPTED_FORMS =
  "memory:, sqlite://path (e.g. sqlite://./data/isblocked.sqlite) or redis://host:port[/db]";

export interface OpenStoreOptions {
  namespace?: string;
  /**
   * Backend errors outside any call, such as a Redis connection dropping; calls themselves reject with a
   * StoreError. Without a handler these events are ignored so they never crash the process.
   */
  onError?: (error: unknown) => void;
  /** The backend answers again after such an error (Redis reconnected). */
  onRecover?: () => void;
}

export type StoreLocation =
  | { kind: "memory" }
  | { kind: "sqlite"; path: string }
  | { kind: "redis"; url: string };

/** Reads STORE_URL; relative SQLite paths are resolved against the current directory. */
export function parseStoreUrl(url: string): StoreLocation {
  if (/^memory:(\/\/)?$/.test(url)) return { kind: "memory" };
  if (url.startsWith("sqlite://")) {
    const path = url.slice("sqlite://".length);
    if (path === "") throw invalid(url, "the SQLite path is empty");
    return { kind: "sqlite", path: resolve(path) };
  }
  if (url.startsWith("redis://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(url, "not a URL");
    }
    if (parsed.hostname === "") throw invalid(url, "the Redis host is missing");
    if (!/^(\/\d*)?$/.test(parsed.pathname)) throw invalid(url, "the Redis database must be a number");
    if (parsed.search !== "" || parsed.hash !== "") throw invalid(url, "no query or fragment is accepted");
    return { kind: "redis", url };
  }
  throw invalid(url, "unsupported scheme");
}

/** The key-value layer alone: connected, or rejected with a StoreError naming what failed. */
export async function openKv(url: string, options: OpenStoreOptions = {}): Promise<AtomicKv> {
  const location = parseStoreUrl(url);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (namespace === "" || namespace.includes(":")) {
    throw new RangeError(
      `store namespace must be non-empty and contain no ':', got ${JSON.stringify(namespace)}`,
    );
  }
  const onError = options.onError ?? (() => {});
  // Each backend's client is loaded only when STORE_URL names it: the Redis client alone costs a
  // quarter of a second of start-up, which a SQLite deployment would pay for nothing.
  switch (location.kind) {
    case "memory": {
      const { openMemoryKv } = await import("./kv/memory.js");
      return openMemoryKv(namespace);
    }
    case "sqlite": {
      const { openSqliteKv } = await import("./kv/sqlite.js");
      return openSqliteKv(location.path, namespace, onError);
    }
    case "redis": {
      const { openRedisKv } = await import("./kv/redis.js");
      return openRedisKv(location.url, namespace, onError, options.onRecover);
    }
  }
}

/**
 * The domain store for STORE_URL, statuses read through a cache that every process on the store keeps
 * current (store/status-cache.ts); resolves only once the backend answered.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const kv = await openKv(url, options);
  try {
    return new CachedKvStore(kv, changeMark(parseStoreUrl(url), kv));
  } catch (error) {
    await kv.close();
    throw error;
  }
}

/** Where the processes on a store mark their writes of statuses and reports: see store/change-mark.ts. */
export function changeMark(location: StoreLocation, kv: AtomicKv): ChangeMark {
  switch (location.kind) {
    case "memory":
      return localMark();
    case "sqlite":
      return fileMark(`${location.path}-changes`);
    case "redis":
      return kvMark(kv, "changes");
  }
}

function invalid(url: string, reason: string): StoreUrlError {
  return new StoreUrlError(
    `STORE_URL ${JSON.stringify(redactPassword(url))} is not valid (${reason}): expected ${ACCEPTED_FORMS}`,
  );
}

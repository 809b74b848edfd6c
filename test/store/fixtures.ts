import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@keyv/redis";
import type { StoreKind } from "../../model/store.js";

/** The real Redis the Redis cases run against; unset skips them. */
export const REDIS_URL = process.env.REDIS_URL;

/** Every key a test run writes starts with this, so one Redis database can serve many runs. */
const RUN_ID = `isblocked-test-${process.pid}-${randomUUID().slice(0, 8)}`;
let namespaces = 0;

/** A namespace no other test (or run) uses. */
export function freshNamespace(): string {
  namespaces += 1;
  return `${RUN_ID}-${namespaces}`;
}

/** A temporary folder under os.tmpdir(), removed with `remove`. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "isblocked-store-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface Backend {
  kind: StoreKind;
  /** Why this backend is not tested in this run, if it is not. */
  skipReason?: string;
  /** Prepares the backend for a run and gives its STORE_URL. */
  start(): Promise<string>;
  /** Removes what the run left: the SQLite folder, the run's Redis keys. */
  stop(): Promise<void>;
}

export function memoryBackend(): Backend {
  return { kind: "memory", start: async () => "memory:", stop: async () => {} };
}

export function sqliteBackend(): Backend {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  return {
    kind: "sqlite",
    async start() {
      dir = await tempDir();
      return `sqlite://${join(dir.path, "store.sqlite")}`;
    },
    stop: async () => dir?.remove(),
  };
}

export function redisBackend(): Backend {
  if (REDIS_URL === undefined) {
    return { kind: "redis", skipReason: "REDIS_URL unset", start: async () => "", stop: async () => {} };
  }
  return { kind: "redis", start: async () => REDIS_URL, stop: () => deleteRunKeys(REDIS_URL) };
}

/** Deletes every key of this run and checks none is left behind. */
async function deleteRunKeys(url: string): Promise<void> {
  const client = redisClient(url);
  await client.connect();
  try {
    const keys = await client.keys(`${RUN_ID}-*`);
    if (keys.length > 0) await client.unlink(keys);
    const left = await client.keys(`${RUN_ID}-*`);
    if (left.length > 0) throw new Error(`Redis keys left after cleanup: ${left.join(", ")}`);
  } finally {
    client.destroy();
  }
}

/** A plain client on the real Redis, for faults and checks a store must not be able to do itself. */
export async function withRedis<T>(url: string, use: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = redisClient(url);
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

function redisClient(url: string) {
  return createClient({ url });
}
type RedisClient = ReturnType<typeof redisClient>;

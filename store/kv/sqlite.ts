import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { KeyvSqlite } from "@keyv/sqlite";
import { Keyv } from "keyv";
import { messageOf } from "../../core/errors.js";
import { type AtomicKv, StoreError } from "../../model/store.js";
import { KeyvAtomicKv } from "./keyv-kv.js";

const TABLE = "keyv";
/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

// Single statements are atomic in SQLite, so each swap is one statement whose WHERE clause is the compare
// and whose RETURNING row says whether it applied.
const INSERT_IF_ABSENT = `INSERT INTO ${TABLE}(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`;
const UPDATE_IF_EQUAL = `UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ? RETURNING key`;
const DELETE_IF_EQUAL = `DELETE FROM ${TABLE} WHERE key = ? AND value = ? RETURNING key`;

/** Opens (creating if needed) the database file at an absolute `path`; fails now if it cannot be used. */
export async function openSqliteKv(
  path: string,
  namespace: string,
  onError: (error: unknown) => void,
): Promise<AtomicKv> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw new StoreError(`sqlite store: cannot create the folder of ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const adapter = await connectWithRetry(path);
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  keyv.on("error", onError);
  return new KeyvAtomicKv({
    kind: "sqlite",
    keyv,
    namespace,
    cas: {
      read: (rawKey) => adapter.get<string>(rawKey),
      // One SELECT ... WHERE key IN (...); the adapter's rows hold the stored strings as they are.
      readMany: async (rawKeys) => (await adapter.getMany<string>([...rawKeys])) as (string | undefined)[],
      swap: async (rawKey, expected, next) => {
        if (expected === undefined && next === undefined) return true;
        const rows: unknown[] =
          expected === undefined
            ? await adapter.query(INSERT_IF_ABSENT, rawKey, next)
            : next === undefined
              ? await adapter.query(DELETE_IF_EQUAL, rawKey, expected)
              : await adapter.query(UPDATE_IF_EQUAL, next, rawKey, expected);
        return rows.length === 1;
      },
    },
  });
}

const OPEN_ATTEMPTS = 20;

/**
 * Opens the file, creates the table and switches to WAL. Two processes opening one new file at once can
 * get SQLITE_BUSY straight away, without the busy timeout's wait (SQLite refuses a lock upgrade that could
 * deadlock), and @keyv/sqlite's connection is then unusable: so a busy open is retried from scratch.
 */
async function connectWithRetry(path: string): Promise<KeyvSqlite> {
  for (let attempt = 1; ; attempt++) {
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, table: TABLE, busyTimeout: BUSY_TIMEOUT_MS });
    // The constructor's own connect emits errors too; the query below reports them.
    adapter.on("error", () => {});
    try {
      // The first query waits for the file to open and the table to exist, so a bad path fails here.
      // WAL lets readers and one writer from several processes share the file; synchronous=NORMAL in WAL
      // still keeps every committed write when the process is killed.
      await adapter.query("PRAGMA journal_mode=WAL");
      await adapter.query("PRAGMA synchronous=NORMAL");
      return adapter;
    } catch (error) {
      await adapter.close().catch(() => {}); // fails too when the file never opened: nothing to release
      const busy = (error as { code?: string }).code === "SQLITE_BUSY";
      if (!busy || attempt >= OPEN_ATTEMPTS) {
        throw new StoreError(`sqlite store: cannot open ${path}: ${messageOf(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  }
}

import { Keyv } from "keyv";
import type { AtomicKv } from "../../model/store.js";
import { KeyvAtomicKv } from "./keyv-kv.js";
import { openSqliteFile, SQLITE_TABLE, type SqliteConnection } from "./sqlite-file.js";

/** Opens (creating if needed) the database file at an absolute `path`; fails now if it cannot be used. */
export async function openSqliteKv(
  path: string,
  namespace: string,
  onError: (error: unknown) => void,
): Promise<AtomicKv> {
  // WAL lets readers and one writer from several processes share the file; synchronous=NORMAL in WAL
  // still keeps every committed write when the process is killed.
  const db = await openSqliteFile(path, (db) => {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
  });
  const table = new SqliteTable(db);
  const keyv = new Keyv(table, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  keyv.on("error", onError);
  return new KeyvAtomicKv({
    kind: "sqlite",
    keyv,
    namespace,
    cas: {
      read: async (rawKey) => table.get(rawKey),
      readMany: async (rawKeys) => table.getMany(rawKeys),
      swap: async (rawKey, expected, next) => table.swap(rawKey, expected, next),
    },
  });
}

/**
 * keyv's table on one connection, every statement prepared once: the Map-like store keyv writes through
 * (`set`, `delete`) and the compare-and-set under `update`. Statements run synchronously: each is one
 * step nothing in this process interleaves with; other processes are held off by SQLite's locks.
 */
class SqliteTable {
  /** keyv sets it on every store; keys arrive prefixed already. */
  namespace?: string;
  private readonly selectOne;
  private readonly selectMany;
  private readonly upsert;
  private readonly insertIfAbsent;
  private readonly updateIfEqual;
  private readonly deleteIfEqual;
  private readonly deleteOne;
  private readonly deleteAll;

  constructor(private readonly db: SqliteConnection) {
    const t = SQLITE_TABLE;
    this.selectOne = db.prepare(`SELECT value FROM ${t} WHERE key = ?`);
    this.selectMany = db.prepare(`SELECT key, value FROM ${t} WHERE key IN (SELECT value FROM json_each(?))`);
    this.upsert = db.prepare(
      `INSERT INTO ${t}(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    // Each swap is one statement whose WHERE clause is the compare: SQLite runs a statement atomically,
    // and the count of rows it changed says whether it applied.
    this.insertIfAbsent = db.prepare(`INSERT INTO ${t}(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING`);
    this.updateIfEqual = db.prepare(`UPDATE ${t} SET value = ? WHERE key = ? AND value = ?`);
    this.deleteIfEqual = db.prepare(`DELETE FROM ${t} WHERE key = ? AND value = ?`);
    this.deleteOne = db.prepare(`DELETE FROM ${t} WHERE key = ?`);
    this.deleteAll = db.prepare(`DELETE FROM ${t}`);
  }

  get(key: string): string | undefined {
    return (this.selectOne.all(key)[0] as { value: string } | undefined)?.value;
  }

  getMany(keys: readonly string[]): (string | undefined)[] {
    const rows = this.selectMany.all(JSON.stringify(keys)) as { key: string; value: string }[];
    const byKey = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => byKey.get(key));
  }

  set(key: string, value: string): boolean {
    this.upsert.run(key, value);
    return true;
  }

  delete(key: string): boolean {
    return Number(this.deleteOne.run(key).changes) > 0;
  }

  /** Every key of the table, whatever its namespace, as `Map.clear` would. The store never calls it. */
  clear(): void {
    this.deleteAll.run();
  }

  /** Stores `next` (undefined: deletes) only where the stored text is `expected` (undefined: absent). */
  swap(key: string, expected: string | undefined, next: string | undefined): boolean {
    if (expected === undefined && next === undefined) return this.get(key) === undefined;
    const { changes } =
      expected === undefined
        ? this.insertIfAbsent.run(key, next ?? null)
        : next === undefined
          ? this.deleteIfEqual.run(key, expected)
          : this.updateIfEqual.run(next, key, expected);
    return Number(changes) === 1;
  }

  disconnect(): void {
    this.db.close();
  }
}

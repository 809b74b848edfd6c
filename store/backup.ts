import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createClient } from "@keyv/redis";
import { IsblockedError, messageOf } from "../core/errors.js";
import { redactPassword } from "./kv/redis.js";
import { openSqliteFile, type SqliteConnection } from "./kv/sqlite-file.js";
import { DEFAULT_NAMESPACE, parseStoreUrl, type StoreLocation } from "./open.js";

// `isblocked backup` and `restore` (store/README.md, "Backup and restore"). A backup is taken while the bot
// runs and is consistent: one point in time, never half of a two-key change.
// - SQLite: `VACUUM INTO`, one read transaction of SQLite's own, written to a temporary name and renamed,
//   so the file is a plain SQLite database (open it with sqlite3) and a crash never leaves half of one.
// - Redis: a JSON document of every key of the namespace with its value and expiry, read by one Lua script,
//   which Redis runs as one atomic step (no write lands between two of its reads).
// Restore reads either format into whichever backend STORE_URL names (so it also moves a store from SQLite
// to Redis), in one transaction, and refuses a store that already holds keys of the namespace unless
// forced. It is for a stopped bot: nothing stops a running one from writing beside it.

const SQLITE_HEADER = "SQLite format 3\0";
const FORMAT = "isblocked-backup";
/** In a SQLite backup, beside the copied keyv table: the namespace it was taken of, and when. */
const INFO_TABLE = "isblocked_backup";
const VERSION = 1;

/** A backup or restore that could not be done; `cause` holds the backend's error when there is one. */
export class BackupError extends IsblockedError {
  override name = "BackupError";
}

/** Restore into a store that holds data already, without `force`. */
export class StoreNotEmptyError extends BackupError {
  override name = "StoreNotEmptyError";
}

/** One key of the namespace: its name without the namespace, keyv's stored string, its time to live. */
export interface BackupEntry {
  key: string;
  value: string;
  ttlMs?: number;
}

/** The JSON backup of a Redis store. */
interface JsonBackup {
  format: typeof FORMAT;
  version: typeof VERSION;
  backend: "redis";
  namespace: string;
  createdAt: string;
  entries: BackupEntry[];
}

export interface BackupOptions {
  /** The namespace whose keys are backed up or restored; the one `isblocked start` uses by default. */
  namespace?: string;
}

export interface BackupSummary {
  backend: "sqlite" | "redis";
  /** `sqlite`: a SQLite database file; `json`: the JSON document. */
  format: "sqlite" | "json";
  /** Keys of the namespace in the backup. */
  entries: number;
}

/** Writes a consistent backup of the store at `url` to `file`, which must not exist yet. */
export async function backupStore(
  url: string,
  file: string,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const location = backendOf(url, "back up");
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (existsSync(file)) throw new BackupError(`${file} exists already: choose a new file for the backup`);
  await mkdir(dirname(file), { recursive: true });
  // Written beside the target and renamed: the name appears only once the backup is whole.
  const partial = `${file}.partial-${process.pid}`;
  try {
    if (location.kind === "sqlite") {
      if (!existsSync(location.path)) throw new BackupError(`no SQLite store at ${location.path}`);
      await withSqlite(location.path, (db) => db.prepare("VACUUM INTO ?").run(partial));
      // The copy says which namespace it is a backup of, so it can be restored under another.
      await withSqlite(partial, (db) => {
        db.exec(`CREATE TABLE ${INFO_TABLE}(namespace TEXT NOT NULL, created_at TEXT NOT NULL)`);
        db.prepare(`INSERT INTO ${INFO_TABLE} VALUES(?, ?)`).run(namespace, new Date().toISOString());
      });
      await rename(partial, file);
      const { entries } = await readBackup(file);
      return { backend: "sqlite", format: "sqlite", entries: entries.length };
    }
    const entries = await withRedis(location.url, (client) => snapshotRedis(client, namespace));
    const backup: JsonBackup = {
      format: FORMAT,
      version: VERSION,
      backend: "redis",
      namespace,
      createdAt: new Date().toISOString(),
      entries,
    };
    await writeFile(partial, `${JSON.stringify(backup)}\n`, { flag: "wx" });
    await rename(partial, file);
    return { backend: "redis", format: "json", entries: entries.length };
  } catch (error) {
    await rm(partial, { force: true });
    throw asBackupError(error, `backup of ${redactPassword(url)} failed`);
  }
}

export interface RestoreOptions extends BackupOptions {
  /** Replace the keys of the namespace the store holds already. */
  force?: boolean;
}

/** Restores `file` (either format) into the store at `url`; resolves to how many keys were written. */
export async function restoreStore(url: string, file: string, options: RestoreOptions = {}): Promise<number> {
  const location = backendOf(url, "restore into");
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const { entries } = await readBackup(file);
  const live = entries.filter((e) => e.ttlMs === undefined || e.ttlMs > 0);
  try {
    if (location.kind === "sqlite") {
      await withSqlite(location.path, (db) =>
        restoreSqlite(db, `${namespace}:`, live, options.force === true),
      );
    } else {
      await withRedis(location.url, (client) =>
        restoreRedis(client, `${namespace}:`, live, options.force === true),
      );
    }
  } catch (error) {
    throw asBackupError(error, `restore into ${redactPassword(url)} failed`);
  }
  return live.length;
}

/** What a backup file holds, whichever format it has: the namespace it was taken of, and its keys. */
export async function readBackup(file: string): Promise<{ namespace: string; entries: BackupEntry[] }> {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  if (startsWithSqliteHeader(file)) return readSqliteBackup(file);
  let parsed: Partial<JsonBackup>;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new BackupError(`${file} is neither a SQLite backup nor a JSON one`, { cause: error });
  }
  if (
    parsed.format !== FORMAT ||
    parsed.version !== VERSION ||
    typeof parsed.namespace !== "string" ||
    !Array.isArray(parsed.entries)
  ) {
    throw new BackupError(`${file} is not an isblocked backup (format ${FORMAT}, version ${VERSION})`);
  }
  return { namespace: parsed.namespace, entries: parsed.entries };
}

function backendOf(url: string, what: string): Exclude<StoreLocation, { kind: "memory" }> {
  const location = parseStoreUrl(url);
  if (location.kind === "memory") {
    throw new BackupError(`cannot ${what} a memory: store: it lives inside one process and dies with it`);
  }
  return location;
}

function asBackupError(error: unknown, context: string): BackupError {
  if (error instanceof BackupError) return error;
  return new BackupError(`${context}: ${messageOf(error)}`, { cause: error });
}

// ---- SQLite ----

async function withSqlite<T>(path: string, use: (db: SqliteConnection) => T | Promise<T>): Promise<T> {
  // The busy timeout of the store itself: a running bot's write lock is waited for.
  const db = await openSqliteFile(path);
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

function startsWithSqliteHeader(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    return read === head.length && head.toString("latin1") === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

async function readSqliteBackup(file: string): Promise<{ namespace: string; entries: BackupEntry[] }> {
  return withSqlite(file, (db) => {
    let info: { namespace: string }[];
    try {
      info = db.prepare(`SELECT namespace FROM ${INFO_TABLE}`).all() as { namespace: string }[];
    } catch (error) {
      throw new BackupError(`${file} is a SQLite database but not an isblocked backup`, { cause: error });
    }
    const namespace = info[0]?.namespace ?? DEFAULT_NAMESPACE;
    const prefix = `${namespace}:`;
    // substr, not LIKE: `_` and `%` in a namespace are not wildcards here.
    const rows = db
      .prepare("SELECT key, value FROM keyv WHERE substr(key, 1, ?) = ? ORDER BY key")
      .all(prefix.length, prefix) as { key: string; value: string }[];
    const now = Date.now();
    const entries = rows.map(({ key, value }) => {
      const expires = expiresOf(value);
      const entry: BackupEntry = { key: key.slice(prefix.length), value };
      if (expires !== undefined) entry.ttlMs = expires - now;
      return entry;
    });
    return { namespace, entries };
  });
}

/** keyv's `expires` inside a stored string (epoch ms), if it has one. */
function expiresOf(value: string): number | undefined {
  try {
    const expires = (JSON.parse(value) as { expires?: unknown }).expires;
    return typeof expires === "number" ? expires : undefined;
  } catch {
    return undefined;
  }
}

function restoreSqlite(
  db: SqliteConnection,
  prefix: string,
  entries: readonly BackupEntry[],
  force: boolean,
): void {
  db.exec("PRAGMA journal_mode=WAL");
  // IMMEDIATE takes the write lock now: the emptiness check and the writes are one transaction.
  db.exec("BEGIN IMMEDIATE");
  try {
    const held = db
      .prepare("SELECT key FROM keyv WHERE substr(key, 1, ?) = ? LIMIT 1")
      .all(prefix.length, prefix);
    if (held.length > 0) {
      if (!force) throw notEmpty();
      db.prepare("DELETE FROM keyv WHERE substr(key, 1, ?) = ?").run(prefix.length, prefix);
    }
    const insert = db.prepare("INSERT INTO keyv(key, value) VALUES(?, ?)");
    for (const { key, value } of entries) insert.run(prefix + key, value);
    db.exec("COMMIT");
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // no transaction left to roll back: BEGIN itself failed
    }
    throw error;
  }
}

function notEmpty(): StoreNotEmptyError {
  return new StoreNotEmptyError("the store is not empty: restore --force replaces what it holds");
}

// ---- Redis ----

function redisClient(url: string) {
  return createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: false } });
}
type RedisClient = ReturnType<typeof redisClient>;

async function withRedis<T>(url: string, use: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = redisClient(url);
  client.on("error", () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/**
 * Every string key matching ARGV[1] with its value and PTTL, flattened, read inside one script: Redis runs
 * nothing else meanwhile, so the keys are read at one point in time. Any other type is refused by name.
 */
const SNAPSHOT = `
local out = {}
local cursor = "0"
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    local kind = redis.call('TYPE', key).ok
    if kind ~= 'string' then
      return redis.error_reply('key ' .. key .. ' is a ' .. kind .. ', which a backup does not cover')
    end
    table.insert(out, key)
    table.insert(out, redis.call('GET', key))
    table.insert(out, redis.call('PTTL', key))
  end
until cursor == "0"
return out
`;

async function snapshotRedis(client: RedisClient, namespace: string): Promise<BackupEntry[]> {
  const prefix = `${namespace}:`;
  const flat = (await client.eval(SNAPSHOT, { arguments: [`${globEscape(prefix)}*`] })) as (
    | string
    | number
  )[];
  const entries: BackupEntry[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const entry: BackupEntry = { key: String(flat[i]).slice(prefix.length), value: String(flat[i + 1]) };
    const pttl = Number(flat[i + 2]);
    if (pttl >= 0) entry.ttlMs = pttl;
    entries.push(entry);
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function restoreRedis(
  client: RedisClient,
  prefix: string,
  entries: readonly BackupEntry[],
  force: boolean,
): Promise<void> {
  const held: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: `${globEscape(prefix)}*`, COUNT: 1000 })) {
    held.push(...keys);
  }
  if (held.length > 0 && !force) throw notEmpty();
  // One MULTI: the old keys go and the backup's arrive together, or not at all.
  const transaction = client.multi();
  if (held.length > 0) transaction.del(held);
  for (const { key, value, ttlMs } of entries) {
    if (ttlMs === undefined) transaction.set(prefix + key, value);
    else transaction.set(prefix + key, value, { PX: Math.max(1, Math.round(ttlMs)) });
  }
  await transaction.exec();
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

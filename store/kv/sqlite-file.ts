import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { messageOf } from "../../core/errors.js";
import { StoreError } from "../../model/store.js";

/**
 * What the store asks of a SQLite connection. Both synchronous drivers fit it as they are: Node's own
 * `node:sqlite` (Node 22.13 and later) and better-sqlite3 (Node 20 to 25). A synchronous statement on a
 * prepared handle costs microseconds; the asynchronous sqlite3 driver cost a trip through libuv's thread
 * pool per statement, a third of a millisecond for the write every answer makes (issue 18).
 */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
}

export interface SqliteStatement {
  all(...params: SqliteValue[]): unknown[];
  run(...params: SqliteValue[]): { changes: number | bigint };
}

export type SqliteValue = string | number | null;

/** The table keyv's SQLite adapter has always used: files written by earlier versions open as they are. */
export const SQLITE_TABLE = "keyv";
/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const OPEN_ATTEMPTS = 20;

type OpenDriver = (path: string) => SqliteConnection;
let driver: Promise<OpenDriver> | undefined;

/**
 * Node's own `node:sqlite` where this Node has it without a flag (22.13 and later), else better-sqlite3, an
 * optional dependency: its 12.x line is the one that runs on Node 20, and it is not built for Node 26
 * (the Docker image), where loading a binding built for another Node could crash the process outright.
 * Module names are held in variables so that TypeScript does not ask for the types of a module this Node
 * may not have.
 */
function loadDriver(): Promise<OpenDriver> {
  driver ??= (async () => {
    const nodeSqlite = "node:sqlite";
    const betterSqlite = "better-sqlite3";
    const failures: string[] = [];
    try {
      const { DatabaseSync } = (await import(nodeSqlite)) as {
        DatabaseSync: new (path: string) => SqliteConnection;
      };
      return (path) => new DatabaseSync(path);
    } catch (error) {
      failures.push(`node:sqlite: ${messageOf(error)}`);
    }
    try {
      const { default: Database } = (await import(betterSqlite)) as {
        default: new (path: string) => SqliteConnection;
      };
      // Loading the module does not load its native binding; opening a database does.
      new Database(":memory:").close();
      return (path) => new Database(path);
    } catch (error) {
      failures.push(`better-sqlite3: ${messageOf(error)}`);
    }
    throw new StoreError(
      `sqlite store: no SQLite driver in Node ${process.version} (${failures.join("; ")}); run npm install, or use Node 22.13 or later, or STORE_URL=redis://…`,
    );
  })();
  return driver;
}

/**
 * Opens (creating it and its folder if needed) the database file at an absolute `path`, with the busy
 * timeout and keyv's table, then runs `setUp` on it; fails now if the file cannot be used. Two processes
 * opening one new file at once can get SQLITE_BUSY straight away, without the busy timeout's wait (SQLite
 * refuses a lock upgrade that could deadlock): a busy open is retried from scratch.
 */
export async function openSqliteFile(
  path: string,
  setUp: (db: SqliteConnection) => void = () => {},
): Promise<SqliteConnection> {
  const open = await loadDriver();
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw new StoreError(`sqlite store: cannot create the folder of ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  for (let attempt = 1; ; attempt++) {
    let db: SqliteConnection | undefined;
    try {
      db = open(path);
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec(`CREATE TABLE IF NOT EXISTS ${SQLITE_TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
      setUp(db);
      return db;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // a connection that failed half-way may refuse to close: nothing else holds it
      }
      if (!isBusy(error) || attempt >= OPEN_ATTEMPTS) {
        throw new StoreError(`sqlite store: cannot open ${path}: ${messageOf(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  }
}

/** SQLITE_BUSY, as better-sqlite3 (`code`) or node:sqlite (`errcode`, 5 or an extended code of it) say it. */
function isBusy(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return (
    (typeof code === "string" && code.startsWith("SQLITE_BUSY")) ||
    (typeof errcode === "number" && (errcode & 0xff) === 5)
  );
}

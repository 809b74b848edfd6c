// Holds a SQLite database's write lock from a second connection, for the unwritable-database case: as
// root, chmod cannot make a file unwritable, but a writer that never lets go does, to every other one.
//
//   node sqlite-lock-holder.mjs <path>
//     BEGIN EXCLUSIVE on the file, prints "locked", holds the lock until a line arrives on stdin, then
//     rolls back (it wrote nothing), prints "released" and exits.
import { createRequire } from "node:module";

// sqlite3 is @keyv/sqlite's driver: the same library the store uses, loaded from the project.
const sqlite3 = createRequire(import.meta.url)("sqlite3");
const [path] = process.argv.slice(2);
const db = new sqlite3.Database(path);
const run = (sql) =>
  new Promise((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));

await run("BEGIN EXCLUSIVE");
process.stdout.write("locked\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
await run("ROLLBACK");
await new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
process.stdout.write("released\n");
process.exit(0);

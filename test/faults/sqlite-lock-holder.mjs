// Holds a SQLite database's write lock from a second connection, for the unwritable-database case: as
// root, chmod cannot make a file unwritable, but a writer that never lets go does, to every other one.
//
//   node sqlite-lock-holder.mjs <path>
//     BEGIN EXCLUSIVE on the file, prints "locked", holds the lock until a line arrives on stdin, then
//     rolls back (it wrote nothing), prints "released" and exits.

// The store's own way of opening a file (the compiled store, as the bot under test runs it): same driver.
const { openSqliteFile } = await import(new URL("../../dist/store/kv/sqlite-file.js", import.meta.url).href);
const [path] = process.argv.slice(2);
const db = await openSqliteFile(path);

db.exec("BEGIN EXCLUSIVE");
process.stdout.write("locked\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
db.exec("ROLLBACK");
db.close();
process.stdout.write("released\n");
process.exit(0);

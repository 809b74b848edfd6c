import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config.js";
import { BackupError, backupStore, restoreStore } from "../store/backup.js";
import { redactPassword } from "../store/kv/redis-url.js";
import type { Io } from "./io.js";
import { UsageError } from "./io.js";

// `isblocked backup FILE` and `isblocked restore FILE [--force]` on the store STORE_URL names; how each
// backend is copied is store/backup.ts's. A backup may be taken while the bot runs; a restore wants it
// stopped, and refuses a store that holds data already unless --force.

export async function runBackup(args: string[], io: Io): Promise<number> {
  const { file, json } = fileArgument(args, "backup", {});
  const storeUrl = loadConfig().storeUrl;
  return reportBackupError(io, async () => {
    const summary = await backupStore(storeUrl, file);
    if (json) io.out(`${JSON.stringify({ file, store: redactPassword(storeUrl), ...summary })}\n`);
    else io.out(`backup of the ${summary.backend} store written to ${file}: ${summary.entries} keys\n`);
  });
}

export async function runRestore(args: string[], io: Io): Promise<number> {
  const { file, json, force } = fileArgument(args, "restore", { force: { type: "boolean" } });
  const storeUrl = loadConfig().storeUrl;
  return reportBackupError(io, async () => {
    const entries = await restoreStore(storeUrl, file, { force });
    if (json) io.out(`${JSON.stringify({ file, store: redactPassword(storeUrl), entries })}\n`);
    else io.out(`restored ${entries} keys from ${file} into ${redactPassword(storeUrl)}\n`);
  });
}

function fileArgument(
  args: string[],
  command: "backup" | "restore",
  extra: { force?: { type: "boolean" } },
): { file: string; json: boolean; force: boolean } {
  const { positionals, values } = parseArgs({
    args,
    options: { json: { type: "boolean" }, ...extra },
    allowPositionals: true,
  });
  const [file, ...more] = positionals;
  if (file === undefined || more.length > 0) {
    throw new UsageError(`usage: isblocked ${command} FILE${command === "restore" ? " [--force]" : ""}`);
  }
  const flags = values as { json?: boolean; force?: boolean };
  return { file: resolve(file), json: flags.json === true, force: flags.force === true };
}

/** A backup or restore that could not be done is a message and exit code 1; anything else is main's. */
async function reportBackupError(io: Io, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.err(`isblocked: ${error.message}\n`);
    return 1;
  }
}

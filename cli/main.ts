import { parseArgs } from "node:util";
import { describeProblem, IsblockedError } from "../core/errors.js";
import { redact } from "../core/log.js";
import { type Io, UsageError } from "./io.js";

export const USAGE = `isblocked: is a service blocked in a country? Answers with evidence.

Usage:
  isblocked start                      probe and OONI cycles, status engine and the bot: Telegram when
                                       BOT_TOKEN is set, otherwise a console chat on this terminal
  isblocked ask "<question>" [--country CC] [--lang en|zh|zh-Hant|ru|fa] [--json]
                                       the bot's answer from the current store and knowledge base;
                                       --country is used when the question names no country
  isblocked probe [--service id,...] [--country CC] [--vantages FILE] [--concurrency N] [--json] [--dry-run]
                                       one probe cycle now, from the vantages in FILE (default: this
                                       host, a vantage only of HOST_COUNTRY); --dry-run leaves the
                                       store untouched
  isblocked analyze FILE... [--json]   verdicts for measurement files: ours, or OONI's web_connectivity,
                                       whatsapp, telegram, signal and facebook_messenger
  isblocked kb check [--dir DIR] [--json]
                                       validate the knowledge base (default: the kb/ shipped here)
  isblocked backup FILE [--json]       a consistent copy of the store (STORE_URL) into FILE, also while
                                       the bot runs: SQLite as a database file, Redis as JSON
  isblocked restore FILE [--force] [--json]
                                       the backup FILE into the store; refuses a store that holds data
                                       unless --force (then replaces it); stop the bot first
  isblocked agent --ingest URL [--once] [--service id,...] [--concurrency N]
                                       run as a remote vantage: probe cycles on PROBE_SCHEDULE, each
                                       batch kept in AGENT_OUTBOX and pushed, signed, to the bot's URL
                                       (AGENT_ID, AGENT_KEY, VANTAGES_FILE; see ingest/README.md)
  isblocked help                       this text

Environment: BOT_TOKEN, TELEGRAM_API_ROOT, WEBHOOK_URL, WEBHOOK_SECRET, STORE_URL, DEFAULT_COUNTRY,
HOST_COUNTRY, PROBE_SCHEDULE, WEB_PORT, LOG_LEVEL, AGENTS_FILE, OONI_API_URL, OONI_SCHEDULE,
OONI_COUNTRIES (see README.md).
`;

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** What follows a usage error: where the whole usage is. */
const USAGE_HINT = "See: isblocked help";

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // Each command's modules are loaded when it runs, so a command pays only for what it uses (backups,
    // for one, pull in the Redis client, which `start` on SQLite never needs).
    switch (command) {
      case "start":
        parseArgs({ args: rest, options: {}, strict: true });
        return await (await import("./start.js")).runStart(io);
      case "ask":
        return await (await import("./ask.js")).runAsk(rest, io);
      case "probe":
        return await (await import("./probe.js")).runProbe(rest, io);
      case "analyze":
        return await (await import("./analyze.js")).runAnalyze(rest, io);
      case "agent":
        return await (await import("./agent.js")).runAgent(rest, io);
      case "backup":
        return await (await import("./backup.js")).runBackup(rest, io);
      case "restore":
        return await (await import("./backup.js")).runRestore(rest, io);
      case "kb": {
        const { positionals, values } = parseArgs({
          args: rest,
          options: { json: { type: "boolean" }, dir: { type: "string" } },
          allowPositionals: true,
        });
        if (positionals[0] !== "check" || positionals.length > 1)
          throw new UsageError("usage: isblocked kb check");
        return (await import("./kb-check.js")).runKbCheck(io, {
          json: values.json === true,
          dir: values.dir,
        });
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    // Secrets are redacted on this path too: a token-shaped string never reaches the terminal.
    return reportFailure(error, { out: io.out, err: (text) => io.err(redact(text, secretsFromEnv())) });
  }
}

function secretsFromEnv(): string[] {
  const { BOT_TOKEN, WEBHOOK_SECRET, AGENT_KEY } = process.env;
  return [BOT_TOKEN, WEBHOOK_SECRET, AGENT_KEY].filter((s): s is string => Boolean(s));
}

/**
 * Any failure, reported the same way: an IsblockedError as its headline and its problems, each named where
 * it is, with its exit code; a mistake in the arguments as one line and a hint; anything else (a bug) with
 * its stack.
 */
function reportFailure(error: unknown, io: Io): number {
  if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    io.err(`isblocked: ${(error as Error).message}\n${USAGE_HINT}\n`);
    return 2;
  }
  if (error instanceof IsblockedError) {
    const cause =
      error.problems.length === 0 && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    const lines = [
      `isblocked: ${error.headline}${cause}`,
      ...error.problems.map((p) => `  ${describeProblem(p)}`),
    ];
    if (error.exitCode === 2) lines.push(USAGE_HINT);
    io.err(`${lines.join("\n")}\n`);
    return error.exitCode;
  }
  io.err(
    `isblocked: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

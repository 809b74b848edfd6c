import { parseArgs } from "node:util";
import { describeProblem, IsblockedError } from "../core/errors.js";
import { redact } from "../core/log.js";
import { type Io, UsageError } from "./io.js";
import { COMMANDS, commandUsage, didYouMean, isCommand, USAGE, usageHint } from "./usage.js";

export { USAGE } from "./usage.js";

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (isCommand(command) && command !== "help" && rest.some((a) => a === "--help" || a === "-h")) {
      io.out(commandUsage(command));
      return 0;
    }
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
      case "help": {
        const topic = rest[0];
        if (topic === undefined) {
          io.out(USAGE);
          return 0;
        }
        if (!isCommand(topic)) {
          throw new UsageError(`no command ${topic}${didYouMean(topic, Object.keys(COMMANDS))}`);
        }
        io.out(commandUsage(topic));
        return 0;
      }
      case undefined:
      case "--help":
      case "-h":
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}${didYouMean(command, Object.keys(COMMANDS))}`);
    }
  } catch (error) {
    // Secrets are redacted on this path too: a token-shaped string never reaches the terminal.
    return reportFailure(
      error,
      { out: io.out, err: (text) => io.err(redact(text, secretsFromEnv())) },
      usageHint(command),
    );
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
function reportFailure(error: unknown, io: Io, hint: string): number {
  if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    io.err(`isblocked: ${(error as Error).message}\n${hint}\n`);
    return 2;
  }
  if (error instanceof IsblockedError) {
    const cause =
      error.problems.length === 0 && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    const lines = [
      `isblocked: ${error.headline}${cause}`,
      ...error.problems.map((p) => `  ${describeProblem(p)}`),
    ];
    if (error.exitCode === 2) lines.push(hint);
    io.err(`${lines.join("\n")}\n`);
    return error.exitCode;
  }
  io.err(
    `isblocked: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

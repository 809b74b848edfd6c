import { editDistance } from "../core/fuzzy.js";

// The command line's own words: one entry per command, so `isblocked help` lists them all, `isblocked
// <command> --help` shows one, and a usage error points at the one that was mistyped.

interface CommandUsage {
  synopsis: string;
  /** What it does, and what its options mean: lines of at most 70 characters. */
  about: string[];
}

export const COMMANDS = {
  start: {
    synopsis: "isblocked start",
    about: [
      "probe and OONI cycles, status engine and the bot: Telegram when",
      "BOT_TOKEN is set, otherwise a console chat on this terminal",
    ],
  },
  ask: {
    synopsis: 'isblocked ask "<question>" [--country CC] [--lang en|zh|zh-Hant|ru|fa] [--json]',
    about: [
      "the bot's answer from the current store and knowledge base;",
      "--country is used when the question names no country",
    ],
  },
  probe: {
    synopsis:
      "isblocked probe [--service id,...] [--country CC] [--vantages FILE] [--concurrency N] [--json] [--dry-run]",
    about: [
      "one probe cycle now, from the vantages in FILE (default: this",
      "host, a vantage only of HOST_COUNTRY); --dry-run leaves the",
      "store untouched",
    ],
  },
  analyze: {
    synopsis: "isblocked analyze FILE... [--json]",
    about: [
      "verdicts for measurement files: ours, or OONI's web_connectivity,",
      "whatsapp, telegram, signal and facebook_messenger",
    ],
  },
  kb: {
    synopsis: "isblocked kb check [--dir DIR] [--json]",
    about: ["validate the knowledge base (default: the kb/ shipped here)"],
  },
  backup: {
    synopsis: "isblocked backup FILE [--json]",
    about: [
      "a consistent copy of the store (STORE_URL) into FILE, also while",
      "the bot runs: SQLite as a database file, Redis as JSON",
    ],
  },
  restore: {
    synopsis: "isblocked restore FILE [--force] [--json]",
    about: [
      "the backup FILE into the store; refuses a store that holds data",
      "unless --force (then replaces it); stop the bot first",
    ],
  },
  agent: {
    synopsis: "isblocked agent --ingest URL [--once] [--service id,...] [--concurrency N]",
    about: [
      "run as a remote vantage: probe cycles on PROBE_SCHEDULE, each",
      "batch kept in AGENT_OUTBOX and pushed, signed, to the bot's URL",
      "(AGENT_ID, AGENT_KEY, VANTAGES_FILE; see ingest/README.md)",
    ],
  },
  help: {
    synopsis: "isblocked help [COMMAND]",
    about: ["this text, or one command's"],
  },
} satisfies Record<string, CommandUsage>;

export type CommandName = keyof typeof COMMANDS;

export const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(COMMANDS, name);

const COLUMN = 39;

function entry(usage: CommandUsage): string {
  const [first = "", ...rest] = usage.about;
  const indent = " ".repeat(COLUMN);
  const head =
    usage.synopsis.length + 2 < COLUMN - 1
      ? [`  ${usage.synopsis.padEnd(COLUMN - 2)}${first}`]
      : [`  ${usage.synopsis}`, `${indent}${first}`];
  return [...head, ...rest.map((line) => `${indent}${line}`)].join("\n");
}

const ENVIRONMENT = `Environment: BOT_TOKEN, TELEGRAM_API_ROOT, WEBHOOK_URL, WEBHOOK_SECRET, STORE_URL, DEFAULT_COUNTRY,
HOST_COUNTRY, PROBE_SCHEDULE, WEB_PORT, LOG_LEVEL, AGENTS_FILE, OONI_API_URL, OONI_SCHEDULE,
OONI_COUNTRIES (see README.md).`;

export const USAGE = `isblocked: is a service blocked in a country? Answers with evidence.

Usage:
${Object.values(COMMANDS).map(entry).join("\n")}

${ENVIRONMENT}
`;

/** One command's usage, for `isblocked <command> --help` and `isblocked help <command>`. */
export function commandUsage(name: CommandName): string {
  return `Usage:\n${entry(COMMANDS[name])}\n\n${ENVIRONMENT}\n`;
}

/** What follows a usage error: where that command's usage is, or the whole list. */
export function usageHint(command: string | undefined): string {
  return isCommand(command) && command !== "help"
    ? `See: isblocked ${command} --help`
    : "See: isblocked help";
}

/** Up to three of `candidates` close to `word` (a typo, not a different word), closest first. */
export function closest(word: string, candidates: readonly string[], most = 3): string[] {
  const budget = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate, budget + 1) }))
    .filter((c) => c.distance <= budget)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, most)
    .map((c) => c.candidate);
}

/** " (did you mean whatsapp?)", or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : "";
}

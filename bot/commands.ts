import type { Lang } from "../kb/schema.js";
import { type MessageKey, t } from "../present/i18n/index.js";

// The command catalogue: one list drives /help, the menus registered with Telegram (setMyCommands) and
// which slash-words the bot treats as its own.

export interface CommandArg {
  name: "arg.service" | "arg.country" | "arg.channel" | "arg.code" | "arg.mode" | "arg.domain";
  optional: boolean;
}

export interface CommandSpec {
  name: string;
  args: readonly CommandArg[];
  /** `private`: only makes sense in a private chat with the bot (it names a channel elsewhere). */
  where: "anywhere" | "private";
}

const service: CommandArg = { name: "arg.service", optional: false };
const country: CommandArg = { name: "arg.country", optional: true };

export const COMMANDS: readonly CommandSpec[] = [
  { name: "status", args: [service, country], where: "anywhere" },
  { name: "list", args: [country], where: "anywhere" },
  { name: "alternatives", args: [service, country], where: "anywhere" },
  { name: "history", args: [service, country], where: "anywhere" },
  { name: "report", args: [service, country], where: "anywhere" },
  // Handled by bot/features/check-now.ts, not by a handler of the command table.
  { name: "check", args: [{ name: "arg.domain", optional: false }, country], where: "anywhere" },
  { name: "subscribe", args: [service, country], where: "anywhere" },
  { name: "unsubscribe", args: [service, country], where: "anywhere" },
  { name: "subscriptions", args: [], where: "anywhere" },
  { name: "delivery", args: [{ name: "arg.mode", optional: true }], where: "anywhere" },
  { name: "country", args: [{ name: "arg.code", optional: true }], where: "anywhere" },
  { name: "lang", args: [{ name: "arg.code", optional: true }], where: "anywhere" },
  { name: "about", args: [], where: "anywhere" },
  { name: "help", args: [], where: "anywhere" },
  { name: "start", args: [], where: "anywhere" },
  {
    name: "subscribe_channel",
    args: [{ name: "arg.channel", optional: false }, service, country],
    where: "private",
  },
  {
    name: "unsubscribe_channel",
    args: [{ name: "arg.channel", optional: false }, service, country],
    where: "private",
  },
];

const KNOWN = new Set(COMMANDS.map((c) => c.name));

export interface ParsedCommand {
  /** Lower-case, without the slash and the bot's name. */
  name: string;
  /** Everything after the command, trimmed. */
  args: string;
}

/**
 * A command this bot should handle: "/status whatsapp cn", "/status@isblocked_bot whatsapp". A command
 * addressed to another bot (`/status@otherbot`) or one the bot does not know is undefined.
 */
export function parseCommand(text: string, botUsername: string | undefined): ParsedCommand | undefined {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)([\s\S]*)$/.exec(text.trimStart());
  if (!m) return undefined;
  const [, rawName = "", addressee, rest = ""] = m;
  if (addressee && addressee.toLowerCase() !== botUsername?.toLowerCase()) return undefined;
  const name = rawName.toLowerCase();
  return KNOWN.has(name) ? { name, args: rest.trim() } : undefined;
}

/** "/status <service> [country]" in the language, as plain text. */
export function usage(spec: CommandSpec, lang: Lang): string {
  const args = spec.args.map((a) => (a.optional ? `[${t(lang, a.name)}]` : `<${t(lang, a.name)}>`));
  return [`/${spec.name}`, ...args].join(" ");
}

export const describe = (spec: CommandSpec, lang: Lang): string =>
  t(lang, `command.${spec.name}` as MessageKey);

export interface MenuCommand {
  command: string;
  description: string;
}

/** The menu Telegram shows beside the message box: in groups without the private-only commands. */
export function commandMenu(lang: Lang, where: "private" | "groups"): MenuCommand[] {
  return COMMANDS.filter((c) => where === "private" || c.where === "anywhere").map((c) => ({
    command: c.name,
    description: describe(c, lang),
  }));
}

/**
 * Telegram keys command menus by a two-letter ISO 639-1 code, so simplified and traditional Chinese share
 * `zh`: it gets simplified characters, the script of mainland China, where most Chinese-reading users of a
 * firewall bot are. Traditional-Chinese readers still get traditional answers (the bot's language comes
 * from their full language tag); only the menu's descriptions are simplified. English is also the menu
 * of every language without its own.
 */
export const MENU_LANGUAGES: readonly { languageCode: string | undefined; lang: Lang }[] = [
  { languageCode: undefined, lang: "en" },
  { languageCode: "en", lang: "en" },
  { languageCode: "zh", lang: "zh-Hans" },
  { languageCode: "ru", lang: "ru" },
  { languageCode: "fa", lang: "fa" },
];

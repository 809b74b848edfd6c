import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import { isRtl, t } from "../../present/i18n/index.js";
import { escapeHtml, placeName } from "../../present/text.js";
import { COMMANDS, describe, usage } from "../commands.js";
import { LANGUAGE_NAMES } from "../keyboards.js";

/** /start: what the bot does, and the chat's language and default country with how to change them. */
export function renderWelcome(kb: KnowledgeBase, lang: Lang, country: string): string {
  return [
    escapeHtml(t(lang, "bot.welcome")),
    "",
    escapeHtml(
      t(lang, "bot.settings", {
        language: LANGUAGE_NAMES[lang],
        country: placeName(kb, country, null, lang),
      }),
    ),
    escapeHtml(t(lang, "bot.more")),
  ].join("\n");
}

/**
 * /help: how to ask, every command with its arguments, inline mode (when the bot's name is known) and who
 * may change what in groups. Right to left, the description leads so the line stays right to left.
 */
export function renderHelp(lang: Lang, botUsername?: string): string {
  const lines = [escapeHtml(t(lang, "bot.help")), "", `<b>${escapeHtml(t(lang, "help.commands"))}</b>`];
  for (const spec of COMMANDS) {
    const command = escapeHtml(usage(spec, lang));
    const description = escapeHtml(describe(spec, lang));
    lines.push(isRtl(lang) ? `• ${description}: ${command}` : `${command} — ${description}`);
  }
  lines.push("", escapeHtml(t(lang, "help.all")));
  if (botUsername) lines.push(escapeHtml(t(lang, "help.inline", { bot: botUsername })));
  lines.push(escapeHtml(t(lang, "help.groups")));
  return lines.join("\n");
}

/** Said once when the bot is added to a group. `title` is the group's own name, already made safe. */
export function renderGroupGreeting(lang: Lang, title: string): string {
  return escapeHtml(t(lang, "group.greeting", { title }));
}

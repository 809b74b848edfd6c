import type { Lang } from "../kb/schema.js";
import type { AnswerContext } from "./answer.js";
import { ask } from "./ask.js";
import { t } from "./i18n/index.js";
import { escapeHtml, placeName } from "./render.js";

// What the bot says, independent of where it is said: Telegram and the console chat both call these, so
// the console answers exactly as the bot would.

export function welcome(lang: Lang, ctx: AnswerContext): string {
  return escapeHtml(t(lang, "bot.welcome", { country: placeName(ctx.kb, ctx.defaultCountry, null, lang) }));
}

export function help(lang: Lang): string {
  return escapeHtml(t(lang, "bot.help"));
}

/** The reply, as Telegram HTML, to one message: a command the bot knows, or a question. */
export async function reply(message: string, lang: Lang, ctx: AnswerContext): Promise<string> {
  const command = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(message.trim())?.[1]?.toLowerCase();
  if (command === "start") return welcome(lang, ctx);
  if (command === "help") return help(lang);
  return (await ask(message, lang, ctx)).html;
}

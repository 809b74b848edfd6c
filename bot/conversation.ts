import type { Lang } from "../kb/schema.js";
import type { Target } from "../model/status.js";
import type { AnswerContext } from "../pipeline/answer.js";
import { buildAlternatives, countryOverview } from "../pipeline/read-model.js";
import { t } from "../present/i18n/index.js";
import { escapeHtml, sanitizeEcho } from "../present/text.js";
import { ask } from "./ask.js";
import { type CheckTarget, CONSOLE_PERSON, checkArgs, checkHint, checkReply } from "./check-command.js";
import { parseCommand } from "./commands.js";
import { renderNotUnderstood } from "./render.js";
import { parseCountry, parseTargetArgs } from "./targets.js";
import { renderAbout } from "./views/about.js";
import { renderAlternatives } from "./views/alternatives.js";
import { renderHelp, renderWelcome } from "./views/help.js";
import { renderList } from "./views/list.js";

// What the bot says, independent of where it is said: the Telegram features and the console chat both call
// these, so the console answers exactly as the bot would.

/** A reply as Telegram HTML, and the (service, country) it is about, which the answer's buttons act on. */
export interface Reply {
  html: string;
  about?: Target;
  /** A domain outside the knowledge base: what its "Check now" button probes. */
  check?: CheckTarget;
}

export function welcome(lang: Lang, ctx: AnswerContext): string {
  return renderWelcome(ctx.kb, lang, ctx.defaultCountry);
}

export function help(lang: Lang, botUsername?: string): string {
  return renderHelp(lang, botUsername);
}

export const about = (lang: Lang): string => renderAbout(lang);

/** A free-text question. */
export async function questionReply(question: string, lang: Lang, ctx: AnswerContext): Promise<Reply> {
  const { answer, html } = await ask(question, lang, ctx);
  if (answer.service) return { html, about: { service: answer.service, country: answer.country } };
  return answer.domain ? { html, check: { domain: answer.domain, country: answer.country } } : { html };
}

const usageOf = (command: string, lang: Lang) => escapeHtml(t(lang, "usage.service", { command }));

/** /status <service> [country]: the same answer as the question. */
export async function statusReply(args: string, lang: Lang, ctx: AnswerContext): Promise<Reply> {
  return args.trim() === "" ? { html: usageOf("status", lang) } : questionReply(args, lang, ctx);
}

/** /list [country]: every service there, by category. */
export async function listReply(args: string, lang: Lang, ctx: AnswerContext): Promise<Reply> {
  const country = args.trim() === "" ? ctx.defaultCountry : parseCountry(args, ctx.kb);
  if (!country) return { html: unknownCountry(args, lang) };
  return {
    html: renderList(
      ctx.kb,
      country,
      await countryOverview(ctx.kb, ctx.store, country, ctx.now?.() ?? Date.now()),
      lang,
    ),
  };
}

/** /alternatives <service> [country]. */
export async function alternativesReply(args: string, lang: Lang, ctx: AnswerContext): Promise<Reply> {
  const parsed = targetOf("alternatives", args, lang, ctx);
  if ("html" in parsed) return parsed;
  const { service, country } = parsed.target;
  const view = await buildAlternatives(ctx.kb, ctx.store, service, country, ctx.now?.() ?? Date.now());
  return { html: renderAlternatives(ctx.kb, view, lang), about: parsed.target };
}

/** The one (service, country) a command names, or the reply explaining why it names none. */
export function targetOf(
  command: "alternatives" | "history",
  args: string,
  lang: Lang,
  ctx: AnswerContext,
): { target: Target } | { html: string } {
  const parsed = parseTargetArgs(args, ctx.kb, ctx.defaultCountry, { allowAll: false });
  if (parsed.kind === "missing") return { html: usageOf(command, lang) };
  if (parsed.kind === "unknownService")
    return { html: renderNotUnderstood(ctx.kb, parsed.suggestions, lang) };
  if (parsed.kind === "unknownCountry") return { html: unknownCountry(parsed.input, lang) };
  return { target: parsed.target };
}

export function unknownCountry(input: string, lang: Lang): string {
  return escapeHtml(t(lang, "country.unknown", { input: sanitizeEcho(input) }));
}

/** The console chat's reply to one line: what the bot would answer in a private chat. */
export async function reply(message: string, lang: Lang, ctx: AnswerContext): Promise<string> {
  const check = checkArgs(message, undefined);
  if (check !== undefined) return checkReply(check, lang, ctx, CONSOLE_PERSON);
  const command = parseCommand(message, undefined);
  if (command === undefined) {
    const answered = await questionReply(message, lang, ctx);
    return answered.check && ctx.onDemand
      ? `${answered.html}\n${checkHint(answered.check, lang)}`
      : answered.html;
  }
  switch (command.name) {
    case "start":
      return welcome(lang, ctx);
    case "help":
      return help(lang);
    case "about":
      return about(lang);
    case "status":
      return (await statusReply(command.args, lang, ctx)).html;
    case "list":
      return (await listReply(command.args, lang, ctx)).html;
    case "alternatives":
      return (await alternativesReply(command.args, lang, ctx)).html;
    default:
      // Subscriptions, delivery and reports belong to a Telegram chat or person.
      return escapeHtml(t(lang, "console.needsTelegram", { command: `/${command.name}` }));
  }
}

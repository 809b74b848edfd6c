import type { Lang } from "../kb/schema.js";
import type { AnswerContext } from "../pipeline/answer.js";
import { t } from "../present/i18n/index.js";
import { escapeHtml, sanitizeEcho } from "../present/text.js";
import { parseCountry } from "./targets.js";
import { renderCheckOutcome } from "./views/check-now.js";

// "Check now" as words: `/check <domain> [country]`, the same in a Telegram chat and in the console chat,
// where there are no buttons. Kept out of the command catalogue (bot/commands.ts): the Check-now button
// under a domain's answer is how people find it.

/** A domain and the country to check it in. */
export interface CheckTarget {
  domain: string;
  country: string;
}

/** The console chat has one person at its keyboard. */
export const CONSOLE_PERSON = "console";

/** The arguments of a `/check` line (`/check@thisbot` too), or undefined when the line is something else. */
export function checkArgs(text: string, botUsername: string | undefined): string | undefined {
  const m = /^\/check(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)([\s\S]*)$/i.exec(text.trimStart());
  if (!m) return undefined;
  if (m[1] && m[1].toLowerCase() !== botUsername?.toLowerCase()) return undefined;
  return (m[2] ?? "").trim();
}

/** The reply to `/check <domain> [country]`; `person` is whose per-minute checks it uses. */
export async function checkReply(
  args: string,
  lang: Lang,
  ctx: AnswerContext,
  person: string,
): Promise<string> {
  if (!ctx.onDemand) return escapeHtml(t(lang, "checkNow.unavailable"));
  const [domain, ...rest] = args.split(/\s+/).filter((w) => w !== "");
  if (domain === undefined) return escapeHtml(t(lang, "checkNow.usage"));
  const country = rest.length === 0 ? ctx.defaultCountry : parseCountry(rest.join(" "), ctx.kb);
  if (country === undefined) {
    return escapeHtml(t(lang, "country.unknown", { input: sanitizeEcho(rest.join(" ")) }));
  }
  return runCheck({ domain, country }, lang, ctx, person);
}

/** Runs one check (the button's or the command's) and renders what it answered. */
export async function runCheck(
  target: CheckTarget,
  lang: Lang,
  ctx: AnswerContext,
  person: string,
): Promise<string> {
  if (!ctx.onDemand) return escapeHtml(t(lang, "checkNow.unavailable"));
  const outcome = await ctx.onDemand.check({ ...target, person });
  return renderCheckOutcome(ctx.kb, outcome, lang, (ctx.now ?? Date.now)());
}

/** Under a domain's answer in the console: how to check it now. */
export const checkHint = (target: CheckTarget, lang: Lang): string =>
  escapeHtml(t(lang, "checkNow.hint", { domain: target.domain, country: target.country }));

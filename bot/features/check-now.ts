import { Composer } from "telegraf";
import type { InlineKeyboardMarkup } from "telegraf/types";
import type { Lang } from "../../kb/schema.js";
import { t } from "../../present/i18n/index.js";
import { type CheckTarget, checkArgs, checkReply, runCheck } from "../check-command.js";
import { CALLBACK_DATA_LIMIT } from "../keyboards.js";
import { acknowledge, expiredButton } from "./buttons.js";
import { answerContext, type BotContext, type BotDeps } from "./context.js";
import { textOf } from "./messages.js";
import { sendHtml } from "./send.js";

// The "Check now" button under an answer about a domain outside the knowledge base, and `/check`. The
// button carries its target in its data (`chk:<domain>:<CC>`), parsed as strictly as the other buttons
// (bot/keyboards.ts); a domain too long for Telegram's 64 bytes gets no button, `/check` still works.

const CHECK = /^chk:([a-z0-9._-]{1,253}|\[[0-9a-f:.]{2,45}\]):([A-Z]{2})$/;

export function encodeCheck(target: CheckTarget): string | undefined {
  const host = target.domain.includes(":") ? `[${target.domain}]` : target.domain;
  const data = `chk:${host}:${target.country}`;
  return Buffer.byteLength(data) <= CALLBACK_DATA_LIMIT && CHECK.test(data) ? data : undefined;
}

export function parseCheck(data: string | undefined): CheckTarget | undefined {
  const m = data === undefined ? null : CHECK.exec(data);
  if (!m) return undefined;
  return { domain: (m[1] as string).replace(/^\[|\]$/g, ""), country: m[2] as string };
}

/** One button, under a domain's answer; undefined when the domain does not fit in callback data. */
export function checkNowKeyboard(target: CheckTarget, lang: Lang): InlineKeyboardMarkup | undefined {
  const data = encodeCheck(target);
  return data === undefined
    ? undefined
    : { inline_keyboard: [[{ text: t(lang, "checkNow.button"), callback_data: data }]] };
}

/** Whose per-minute checks a press or command uses: the person, or the chat for a channel post. */
const personOf = (ctx: BotContext): string | undefined => {
  const id = ctx.from?.id ?? ctx.chat?.id;
  return id === undefined ? undefined : String(id);
};

export function checkNowFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("callback_query", async (ctx, next) => {
    const query = ctx.callbackQuery;
    const target = "data" in query ? parseCheck(query.data) : undefined;
    if (target === undefined) return next();
    const person = personOf(ctx);
    if (!ctx.chat || person === undefined) return expiredButton(ctx);
    // The spinner stops at once: the check itself may take seconds.
    await acknowledge(ctx, t(ctx.lang, "checkNow.started", { domain: target.domain }));
    await sendHtml(ctx, await runCheck(target, ctx.lang, answerContext(deps, ctx), person));
  });
  composer.use(async (ctx, next) => {
    const text = textOf(ctx);
    const args = text === undefined ? undefined : checkArgs(text, ctx.me);
    const person = personOf(ctx);
    if (args === undefined || person === undefined) return next();
    await sendHtml(ctx, await checkReply(args, ctx.lang, answerContext(deps, ctx), person));
  });
  return composer;
}

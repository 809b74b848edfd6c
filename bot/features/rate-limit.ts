import type { Middleware } from "telegraf";
import { pickLang, t } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";
import { RateLimiter, type RateLimitOptions } from "../person-limiter.js";
import { acknowledge } from "./buttons.js";
import type { BotContext } from "./context.js";
import { isForBot } from "./messages.js";
import { sendHtml } from "./send.js";

export interface RateLimits {
  messages: RateLimitOptions;
  inline: RateLimitOptions;
}

/**
 * A per-person rate limit on what makes the bot work: messages meant for it, button presses, inline
 * queries. Group chatter not meant for the bot costs nothing. First in the chain, before any store read.
 */
export function rateLimit(limits: RateLimits, now: () => number): Middleware<BotContext> {
  const messages = new RateLimiter(limits.messages);
  const inline = new RateLimiter(limits.inline);
  return async (ctx, next) => {
    // An anonymous admin's `from` is Telegram's shared GroupAnonymousBot: the group they speak as is the key.
    const person = ctx.message?.sender_chat?.id ?? ctx.from?.id ?? ctx.channelPost?.chat.id;
    const counted = ctx.inlineQuery !== undefined || ctx.callbackQuery !== undefined || isForBot(ctx);
    if (person === undefined || !counted) return next();
    const decision = (ctx.inlineQuery ? inline : messages).take(String(person), now());
    if (decision === "allow") return next();
    // Said in the person's own language: the chat's settings are deliberately not read for a flood.
    ctx.lang = pickLang(ctx.from?.language_code);
    const text = t(ctx.lang, "rate.limited");
    if (ctx.callbackQuery) await acknowledge(ctx, decision === "warn" ? text : undefined);
    else if (decision === "warn" && !ctx.inlineQuery) await sendHtml(ctx, escapeHtml(text));
  };
}

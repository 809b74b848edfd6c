import type { Middleware } from "telegraf";
import { pickLang } from "../../present/i18n/index.js";
import type { BotContext, BotDeps } from "./context.js";
import { isForBot, textOf } from "./messages.js";

/**
 * Sets the update's language and default country: the chat's own settings first, else the person's
 * Telegram language and DEFAULT_COUNTRY. Inline queries have no chat: the person's private chat with the
 * bot (its id is theirs) holds their settings.
 */
export function locale(deps: BotDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    // Group chatter the bot will not answer needs no settings: no store read for it.
    if (textOf(ctx) !== undefined && !isForBot(ctx)) return next();
    const chatId = ctx.chat?.id ?? (ctx.inlineQuery ? ctx.from?.id : undefined);
    const settings = chatId === undefined ? undefined : await deps.store.getChat(String(chatId));
    ctx.lang = settings?.lang ?? pickLang(ctx.from?.language_code);
    ctx.country = settings?.country ?? deps.defaultCountry;
    return next();
  };
}

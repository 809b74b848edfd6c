import { Composer, type Context, Telegraf } from "telegraf";
import { message } from "telegraf/filters";
import type { Logger } from "../core/log.js";
import type { AnswerContext } from "./answer.js";
import { help, reply, welcome } from "./conversation.js";
import { pickLang } from "./i18n/index.js";

export interface TelegramBotOptions {
  token: string;
  apiRoot?: string;
  context: AnswerContext;
  log: Logger;
}

/** The minimal conversation: /start, /help and free-text questions, one composer. */
export function conversationComposer(context: AnswerContext): Composer<Context> {
  const composer = new Composer<Context>();
  composer.start((ctx) => ctx.replyWithHTML(welcome(pickLang(ctx.from?.language_code), context)));
  composer.help((ctx) => ctx.replyWithHTML(help(pickLang(ctx.from?.language_code))));
  composer.on(message("text"), async (ctx) => {
    const html = await reply(ctx.message.text, pickLang(ctx.from.language_code), context);
    await ctx.replyWithHTML(html, { link_preview_options: { is_disabled: true } });
  });
  return composer;
}

export function createTelegramBot(options: TelegramBotOptions): Telegraf {
  const bot = new Telegraf(options.token, {
    // webhookReply off: a reply sent inside the webhook response cannot fail visibly.
    telegram: { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) },
  });
  bot.use(conversationComposer(options.context));
  // The one error boundary: a failing handler is logged and the bot goes on with the next update.
  bot.catch((error, ctx) => {
    options.log.error("update failed", { updateId: ctx.update.update_id, error });
  });
  return bot;
}

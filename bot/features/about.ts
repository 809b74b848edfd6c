import { Composer } from "telegraf";
import { about, help, welcome } from "../conversation.js";
import { languageKeyboard } from "../keyboards.js";
import { answerContext, type BotContext, type BotDeps } from "./context.js";
import { commands } from "./routing.js";
import { sendHtml } from "./send.js";

/** /start (welcome, language, default country), /help and /about. */
export function aboutFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(
    commands({
      start: async (ctx) => {
        // In a private chat the language buttons come with the welcome: the first thing one may want to change.
        const keyboard = ctx.chat?.type === "private" ? { keyboard: languageKeyboard(ctx.lang) } : {};
        await sendHtml(ctx, welcome(ctx.lang, answerContext(deps, ctx)), keyboard);
      },
      help: (ctx) => sendHtml(ctx, help(ctx.lang, ctx.me)),
      about: (ctx) => sendHtml(ctx, about(ctx.lang)),
    }),
  );
  return composer;
}

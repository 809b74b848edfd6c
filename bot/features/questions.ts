import { Composer } from "telegraf";
import { questionReply } from "../conversation.js";
import { answerContext, type BotContext, type BotDeps } from "./context.js";
import { sendReply } from "./lookup.js";
import { questionFor } from "./messages.js";

/** Free-text questions in any of the bot's languages: last in the chain, after every command. */
export function questionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("message", async (ctx, next) => {
    const question = questionFor(ctx);
    if (question === undefined) return next();
    await sendReply(ctx, deps, await questionReply(question, ctx.lang, answerContext(deps, ctx)));
  });
  return composer;
}

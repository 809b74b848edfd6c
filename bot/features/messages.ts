import { parseCommand } from "../commands.js";
import type { BotContext } from "./context.js";

// Which messages are meant for the bot. In a private chat, all of them. In groups the bot may see every
// message (privacy mode off, or as an admin) and must not answer chatter: only its commands, messages that
// mention it and replies to it. In channels, only its commands.

/** The text of a message or channel post, if it has one. */
export function textOf(ctx: BotContext): string | undefined {
  const message = ctx.message ?? ctx.channelPost;
  return message && "text" in message ? message.text : undefined;
}

export function isGroup(ctx: BotContext): boolean {
  return ctx.chat?.type === "group" || ctx.chat?.type === "supergroup";
}

/** The question in a message meant for the bot, without the mention of the bot; undefined otherwise. */
export function questionFor(ctx: BotContext): string | undefined {
  const text = textOf(ctx);
  if (text === undefined || ctx.channelPost) return undefined;
  if (ctx.chat?.type === "private") return text;
  const mention = new RegExp(`@${ctx.me}\\b`, "gi");
  const mentioned = mention.test(text);
  const message = ctx.message;
  const repliedToBot =
    message !== undefined &&
    "reply_to_message" in message &&
    message.reply_to_message?.from?.id === ctx.botInfo.id;
  return mentioned || repliedToBot ? text.replace(mention, " ").trim() : undefined;
}

/** Whether a message is for the bot: one of its commands, or a question it would answer. */
export function isForBot(ctx: BotContext): boolean {
  const text = textOf(ctx);
  if (text === undefined) return false;
  return parseCommand(text, ctx.me) !== undefined || questionFor(ctx) !== undefined;
}

/**
 * A text message that is no command: a question, or chatter in a group. None of the command features
 * reads one (test/bot/routing.test.ts feeds one to each), so it goes straight to the questions
 * (bot/telegram.ts): answering is the bot's most frequent work, and passing through the features it
 * skips took about a tenth of it.
 */
export function isPlainText(ctx: BotContext): boolean {
  const message = ctx.message;
  return message !== undefined && "text" in message && !message.text.trimStart().startsWith("/");
}

import { t } from "../../present/i18n/index.js";
import { escapeHtml, sanitizeEcho } from "../../present/text.js";
import { type ChatKind, type MemberStatus, type SenderFacts, settingsPermission } from "../permissions.js";
import { acknowledge } from "./buttons.js";
import type { BotContext } from "./context.js";
import { sendHtml } from "./send.js";

// The guard in front of everything that changes a chat: subscriptions, delivery, country, language.
// In groups anyone may ask, but only the creator, administrators and anonymous admins may change things.

function senderFacts(ctx: BotContext): SenderFacts | undefined {
  const chat = ctx.chat;
  if (!chat) return undefined;
  const message = ctx.message;
  return {
    chatType: chat.type as ChatKind,
    chatId: chat.id,
    ...(ctx.from ? { fromId: ctx.from.id } : {}),
    ...(message?.sender_chat ? { senderChatId: message.sender_chat.id } : {}),
    automaticForward:
      message !== undefined && "is_automatic_forward" in message && message.is_automatic_forward === true,
    channelPost: ctx.channelPost !== undefined,
  };
}

/**
 * Resolves true when the update's sender may change the chat's subscriptions and settings; otherwise tells
 * them why not (a message, or an alert on the button they pressed) and resolves false.
 */
export async function mayChangeChat(ctx: BotContext): Promise<boolean> {
  const facts = senderFacts(ctx);
  if (!facts) return false;
  let decision = settingsPermission(facts);
  if (decision.kind === "askMemberStatus") {
    const member = await ctx.telegram.getChatMember(facts.chatId, decision.userId);
    decision = settingsPermission(facts, member.status as MemberStatus);
  }
  if (decision.kind === "allow") return true;
  const chat = ctx.chat;
  const text =
    chat?.type === "channel"
      ? t(ctx.lang, "channel.notAdmin", {
          channel: chat.username ? `@${chat.username}` : sanitizeEcho(chat.title),
        })
      : t(ctx.lang, decision.kind === "refuse" ? `guard.${decision.reason}` : "guard.notAdmin");
  if (ctx.callbackQuery) await acknowledge(ctx, text, true);
  else await sendHtml(ctx, escapeHtml(text));
  return false;
}

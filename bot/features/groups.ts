import { Composer } from "telegraf";
import { message } from "telegraf/filters";
import type { ChatMember } from "telegraf/types";
import { sanitizeEcho } from "../../present/text.js";
import { renderGroupGreeting } from "../views/help.js";
import type { BotContext, BotDeps } from "./context.js";
import { sendHtml } from "./send.js";

// The bot's own membership: greeted when added to a group, forgotten when removed (its subscriptions go,
// so no alert is sent into a chat the bot has left), carried over when a group becomes a supergroup.

/** Whether a member status means the bot is in the chat. */
export function isPresent(member: ChatMember): boolean {
  if (member.status === "restricted") return member.is_member;
  return member.status === "creator" || member.status === "administrator" || member.status === "member";
}

export function groupsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on("my_chat_member", async (ctx) => {
    const { chat, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
    const chatId = String(chat.id);
    if (!isPresent(before) && isPresent(after)) {
      await deps.store.updateChat(chatId, { active: true });
      deps.log.info("added to chat", { chatId, type: chat.type });
      // Greeted in groups only: a private chat starts with /start, and a channel is not the bot's to post in
      // unasked.
      if (chat.type === "group" || chat.type === "supergroup") {
        await sendHtml(ctx, renderGroupGreeting(ctx.lang, sanitizeEcho(chat.title)));
      }
    } else if (isPresent(before) && !isPresent(after)) {
      // Left, kicked, or (in a private chat) blocked by the person.
      const removed = await deps.store.removeChat(chatId);
      await deps.store.updateChat(chatId, { active: false });
      deps.log.info("removed from chat", { chatId, type: chat.type, subscriptionsRemoved: removed });
    }
  });

  // Telegram announces a migration in both chats: in the old group (migrate_to_chat_id) and in the new
  // supergroup (migrate_from_chat_id). Either may come first or alone; migrating twice changes nothing.
  composer.on(message("migrate_to_chat_id"), async (ctx) => {
    await migrate(deps, String(ctx.chat.id), String(ctx.message.migrate_to_chat_id));
  });
  composer.on(message("migrate_from_chat_id"), async (ctx) => {
    await migrate(deps, String(ctx.message.migrate_from_chat_id), String(ctx.chat.id));
  });
  return composer;
}

async function migrate(deps: BotDeps, from: string, to: string): Promise<void> {
  const moved = await deps.store.migrateChat(from, to);
  await deps.store.updateChat(to, { active: true });
  deps.log.info("group became a supergroup", { from, to, subscriptionsMoved: moved });
}

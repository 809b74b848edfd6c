import { Composer, TelegramError } from "telegraf";
import type { ChatFromGetChat } from "telegraf/types";
import { t } from "../../present/i18n/index.js";
import { escapeHtml, sanitizeEcho } from "../../present/text.js";
import { targetLabel } from "../views/targets.js";
import type { BotContext, BotDeps } from "./context.js";
import { commands } from "./routing.js";
import { sendHtml } from "./send.js";
import { targetFromArgs } from "./target-args.js";

// Channels. Commands posted in a channel work like anywhere else (the routing reads channel posts; only the
// channel's admins can post there). From a private chat, /subscribe_channel @name <service> [country]
// subscribes a channel after checking, with Telegram, that the person is one of its admins and that the bot
// may post there: otherwise every alert to it would fail.

/** A public channel's @username, or a private channel's numeric id (-100…). */
const CHANNEL_REF = /^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,15})$/;

/** Bad Request (no such chat, member list hidden) and Forbidden (the bot is not in it): "cannot see it". */
const cannotSee = (error: unknown) =>
  error instanceof TelegramError && (error.code === 400 || error.code === 403);

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (cannotSee(error)) return undefined;
    throw error;
  }
}

function channelName(chat: ChatFromGetChat, ref: string): string {
  if ("username" in chat && chat.username) return `@${chat.username}`;
  return "title" in chat ? sanitizeEcho(chat.title) : ref;
}

type ChannelCheck = { ok: true; chatId: number; name: string } | { ok: false; said: string };

/** Checks that `ref` is a channel the sender administers and the bot may post in. */
async function checkChannel(ctx: BotContext, ref: string, personId: number): Promise<ChannelCheck> {
  const say = (key: Parameters<typeof t>[1], channel: string) => ({
    ok: false as const,
    said: escapeHtml(t(ctx.lang, key, { channel })),
  });
  const chat = await orUndefined(ctx.telegram.getChat(ref));
  if (!chat) return say("channel.notFound", ref);
  const name = channelName(chat, ref);
  if (chat.type !== "channel") return say("channel.notChannel", name);
  const person = await orUndefined(ctx.telegram.getChatMember(chat.id, personId));
  if (!person) return say("channel.notFound", name);
  if (person.status !== "creator" && person.status !== "administrator") return say("channel.notAdmin", name);
  const bot = await orUndefined(ctx.telegram.getChatMember(chat.id, ctx.botInfo.id));
  if (bot?.status !== "administrator" || !bot.can_post_messages) return say("channel.cannotPost", name);
  return { ok: true, chatId: chat.id, name };
}

export function channelsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const handle = (subscribe: boolean) => async (ctx: BotContext, args: string) => {
    const command = subscribe ? "subscribe_channel" : "unsubscribe_channel";
    if (ctx.chat?.type !== "private" || !ctx.from) {
      return sendHtml(ctx, escapeHtml(t(ctx.lang, "channel.privateOnly")));
    }
    const [ref = "", ...rest] = args.split(/\s+/);
    if (!CHANNEL_REF.test(ref) || rest.length === 0) {
      return sendHtml(ctx, escapeHtml(t(ctx.lang, "channel.usage", { command })));
    }
    const target = await targetFromArgs(ctx, deps, command, rest.join(" "), { allowAll: true });
    if (!target) return;
    const check = await checkChannel(ctx, ref, ctx.from.id);
    if (!check.ok) return sendHtml(ctx, check.said);
    const channel = String(check.chatId);
    const vars = { channel: check.name, target: targetLabel(deps.kb, target, ctx.lang) };
    if (subscribe) {
      const added = await deps.store.subscribe(channel, target);
      // Alerts to the channel speak the language of the admin who subscribed it, unless it has one.
      const settings = await deps.store.getChat(channel);
      await deps.store.updateChat(channel, { active: true, ...(settings?.lang ? {} : { lang: ctx.lang }) });
      await sendHtml(ctx, escapeHtml(t(ctx.lang, added ? "channel.subscribed" : "channel.already", vars)));
    } else {
      const removed = await deps.store.unsubscribe(channel, target);
      await sendHtml(
        ctx,
        escapeHtml(t(ctx.lang, removed ? "channel.unsubscribed" : "channel.missing", vars)),
      );
    }
  };
  composer.use(commands({ subscribe_channel: handle(true), unsubscribe_channel: handle(false) }));
  return composer;
}

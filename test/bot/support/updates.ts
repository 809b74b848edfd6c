// Literal Telegram updates, as the Bot API sends them, for the tests to feed to `bot.handleUpdate`.

let nextId = 1;
const id = () => nextId++;
const DATE = 1_763_726_400;

export interface Person {
  id: number;
  first_name: string;
  language_code?: string;
  is_bot?: boolean;
  username?: string;
}

export const LIN: Person = { id: 42, first_name: "Lin", language_code: "zh-hans" };
export const ANNA: Person = { id: 43, first_name: "Anna", language_code: "en" };
export const NEDA: Person = { id: 44, first_name: "Neda", language_code: "fa" };
export const IVAN: Person = { id: 45, first_name: "Ivan", language_code: "ru" };
/** Telegram's account that posts a linked channel's posts into its discussion group. */
export const TELEGRAM_SERVICE: Person = { id: 777000, first_name: "Telegram" };
/** The sender Telegram shows for an anonymous group admin. */
export const GROUP_ANONYMOUS_BOT: Person = {
  id: 1087968824,
  first_name: "Group",
  is_bot: true,
  username: "GroupAnonymousBot",
};

export interface Chat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  username?: string;
  first_name?: string;
}

export const privateChat = (person: Person): Chat => ({
  id: person.id,
  type: "private",
  first_name: person.first_name,
});
export const GROUP: Chat = { id: -4001, type: "group", title: "Friends in Beijing" };
export const SUPERGROUP: Chat = { id: -1004001, type: "supergroup", title: "Friends in Beijing" };
export const CHANNEL: Chat = {
  id: -1007001,
  type: "channel",
  title: "Firewall News",
  username: "firewall_news",
};

function commandEntities(text: string) {
  const m = /^\/[A-Za-z0-9_@]+/.exec(text);
  return m ? { entities: [{ type: "bot_command", offset: 0, length: m[0].length }] } : {};
}

/** A text message from a person, in a private chat unless a chat is given. */
export function textMessage(
  text: string,
  from: Person = ANNA,
  chat: Chat = privateChat(from),
  extra: Record<string, unknown> = {},
) {
  return {
    update_id: id(),
    message: { message_id: id(), date: DATE, chat, from, text, ...commandEntities(text), ...extra },
  };
}

/** A post in a channel: no `from`, the channel is the sender. */
export function channelPost(text: string, chat: Chat = CHANNEL) {
  return {
    update_id: id(),
    channel_post: { message_id: id(), date: DATE, chat, sender_chat: chat, text, ...commandEntities(text) },
  };
}

/** A press on an inline button under a message the bot sent to `chat`. */
export function buttonPress(data: string, from: Person = ANNA, chat: Chat = privateChat(from)) {
  return {
    update_id: id(),
    callback_query: {
      id: String(id()),
      from,
      chat_instance: "1",
      data,
      message: {
        message_id: id(),
        date: DATE,
        chat,
        from: { id: 1000, is_bot: true, first_name: "isblocked", username: "isblocked_test_bot" },
        text: "an earlier answer",
      },
    },
  };
}

export function inlineQuery(query: string, from: Person = ANNA) {
  return { update_id: id(), inline_query: { id: String(id()), from, query, offset: "" } };
}

type MemberStatus = "member" | "administrator" | "left" | "kicked" | "creator";

/** The bot's own membership of a chat changed. */
export function botMembership(chat: Chat, before: MemberStatus, after: MemberStatus, from: Person = ANNA) {
  const bot = { id: 1000, is_bot: true, first_name: "isblocked", username: "isblocked_test_bot" };
  const member = (status: MemberStatus) =>
    status === "administrator"
      ? { status, user: bot, can_be_edited: false, can_post_messages: true, is_anonymous: false }
      : status === "kicked"
        ? { status, user: bot, until_date: 0 }
        : { status, user: bot };
  return {
    update_id: id(),
    my_chat_member: {
      chat,
      from,
      date: DATE,
      old_chat_member: member(before),
      new_chat_member: member(after),
    },
  };
}

/** The service message Telegram posts in a group that became a supergroup. */
export function migratedTo(group: Chat, supergroup: Chat, from: Person = ANNA) {
  return {
    update_id: id(),
    message: { message_id: id(), date: DATE, chat: group, from, migrate_to_chat_id: supergroup.id },
  };
}

export function migratedFrom(group: Chat, supergroup: Chat, from: Person = ANNA) {
  return {
    update_id: id(),
    message: { message_id: id(), date: DATE, chat: supergroup, from, migrate_from_chat_id: group.id },
  };
}

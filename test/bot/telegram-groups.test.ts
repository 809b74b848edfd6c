import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_ID, type Harness, startHarness, texts } from "./support/harness.js";
import {
  ANNA,
  botMembership,
  buttonPress,
  CHANNEL,
  type Chat,
  channelPost,
  GROUP,
  GROUP_ANONYMOUS_BOT,
  IVAN,
  LIN,
  migratedFrom,
  migratedTo,
  SUPERGROUP,
  TELEGRAM_SERVICE,
  textMessage,
} from "./support/updates.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const WHATSAPP_CN = { service: "whatsapp", country: "CN" };
const LINKED_CHANNEL: Chat = { id: -1009999, type: "channel", title: "Linked channel" };
const BOT_USER = { id: BOT_ID, is_bot: true, first_name: "isblocked", username: "isblocked_test_bot" };

/** Telegram says IVAN administers every chat, LIN created it, and anyone else is a plain member. */
function scriptMembers(h: Harness) {
  h.api.script("getChatMember", (payload) => {
    const user = Number(payload.user_id);
    const status = user === IVAN.id ? "administrator" : user === LIN.id ? "creator" : "member";
    return { result: { status, user: { id: user, is_bot: false, first_name: "x" } } };
  });
}

describe("groups", () => {
  it("greets with setup instructions when added, and forgets the group's subscriptions when removed", async () => {
    const added = await h.send(botMembership(GROUP, "left", "member"));
    expect(added.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(added[0]?.payload.chat_id).toBe(GROUP.id);
    expect(texts(added)[0]).toMatch(/^👋 Hello, Friends in Beijing! Anyone here can ask/);
    expect((await h.store.getChat(String(GROUP.id)))?.active).toBe(true);

    await h.store.subscribe(String(GROUP.id), WHATSAPP_CN);
    expect(await h.send(botMembership(GROUP, "member", "kicked"))).toEqual([]);
    expect(await h.store.subscriptionsOf(String(GROUP.id))).toEqual([]);
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
    expect((await h.store.getChat(String(GROUP.id)))?.active).toBe(false);

    await h.store.subscribe(String(SUPERGROUP.id), WHATSAPP_CN);
    await h.send(botMembership(SUPERGROUP, "administrator", "left"));
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
  });

  it("greets a group in its stored language, with a hostile title made harmless", async () => {
    await h.store.updateChat(String(GROUP.id), { lang: "ru" });
    const title = "\u202eevil <b>title</b>\u200b\u0000";
    const [greeting] = texts(await h.send(botMembership({ ...GROUP, title }, "left", "member")));
    expect(greeting).toMatch(/^👋 Здравствуйте, evil &lt;b&gt;title&lt;\/b&gt;!/);
  });

  it("answers anyone's commands, and free text only when it mentions or replies to the bot", async () => {
    const asked = await h.send(textMessage("/status@isblocked_test_bot whatsapp", ANNA, GROUP));
    expect(asked[0]?.payload).toMatchObject({
      chat_id: GROUP.id,
      reply_parameters: { message_id: expect.any(Number), allow_sending_without_reply: true },
    });
    expect(texts(asked)[0]).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    expect(await h.send(textMessage("is whatsapp blocked in china?", ANNA, GROUP))).toEqual([]);
    expect(await h.send(textMessage("/status@other_bot whatsapp", ANNA, GROUP))).toEqual([]);
    expect(
      texts(await h.send(textMessage("@isblocked_test_bot is telegram blocked in iran", ANNA, GROUP)))[0],
    ).toMatch(/^⛔ <b>Telegram in Iran<\/b>/);
    const reply = textMessage("and signal?", ANNA, GROUP, {
      reply_to_message: { message_id: 1, date: 1, chat: GROUP, from: BOT_USER, text: "an answer" },
    });
    expect(texts(await h.send(reply))[0]).toMatch(/^⛔ <b>Signal in China<\/b>/);
  });

  it("lets only the creator and administrators change subscriptions and settings", async () => {
    scriptMembers(h);
    const refused = await h.send(textMessage("/subscribe whatsapp", ANNA, SUPERGROUP));
    expect(refused.map((c) => c.method)).toEqual(["getChatMember", "sendMessage"]);
    expect(refused[0]?.payload).toMatchObject({ chat_id: SUPERGROUP.id, user_id: ANNA.id });
    expect(texts(refused)).toEqual([
      "Only the admins of this group can change its subscriptions and settings. Anyone may ask about a service.",
    ]);
    for (const command of ["/country IR", "/lang ru", "/delivery digest", "/unsubscribe whatsapp"]) {
      expect(texts(await h.send(textMessage(command, ANNA, SUPERGROUP)))[0]).toMatch(/^Only the admins/);
    }
    expect(await h.store.getChat(String(SUPERGROUP.id))).toBeUndefined();

    expect(texts(await h.send(textMessage("/subscribe whatsapp", IVAN, SUPERGROUP)))).toEqual([
      "🔔 Подписка оформлена: чат получит сообщение, когда изменится статус: WhatsApp (Китай).",
    ]);
    expect(texts(await h.send(textMessage("/country IR", LIN, SUPERGROUP)))).toEqual([
      "这个聊天的默认国家：伊朗。",
    ]);
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([String(SUPERGROUP.id)]);
  });

  it("refuses a member's button press with an alert", async () => {
    scriptMembers(h);
    const calls = await h.send(buttonPress("sub:whatsapp:CN", ANNA, SUPERGROUP));
    expect(calls.map((c) => c.method)).toEqual(["getChatMember", "answerCallbackQuery"]);
    expect(calls[1]?.payload).toMatchObject({
      text: "Only the admins of this group can change its subscriptions and settings. Anyone may ask about a service.",
      show_alert: true,
    });
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
    await h.send(buttonPress("sub:whatsapp:CN", IVAN, SUPERGROUP));
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([String(SUPERGROUP.id)]);
  });

  it("lets an anonymous admin, who writes as the group, without asking Telegram", async () => {
    const calls = await h.send(
      textMessage("/subscribe all", GROUP_ANONYMOUS_BOT, SUPERGROUP, { sender_chat: SUPERGROUP }),
    );
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(await h.store.subscribers({ service: "*", country: "CN" })).toEqual([String(SUPERGROUP.id)]);
  });

  it("refuses a linked channel's automatic forward and a message sent as another channel", async () => {
    const forward = await h.send(
      textMessage("/subscribe whatsapp", TELEGRAM_SERVICE, SUPERGROUP, {
        sender_chat: LINKED_CHANNEL,
        is_automatic_forward: true,
      }),
    );
    expect(forward.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(texts(forward)[0]).toBe(
      "Posts forwarded from the linked channel cannot change this group's settings. An admin can send the command here.",
    );
    const asChannel = await h.send(
      textMessage("/subscribe whatsapp", { id: 136817688, first_name: "Channel", is_bot: true }, SUPERGROUP, {
        sender_chat: LINKED_CHANNEL,
      }),
    );
    expect(texts(asChannel)).toEqual([
      "Messages sent on behalf of a channel cannot change this group's settings.",
    ]);
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
  });

  it("keeps a group's subscriptions and settings when it becomes a supergroup", async () => {
    const group = String(GROUP.id);
    await h.store.subscribe(group, WHATSAPP_CN);
    await h.store.subscribe(group, { service: "*", country: "IR" });
    await h.store.updateChat(group, { lang: "fa", delivery: "digest" });

    expect(await h.send(migratedTo(GROUP, SUPERGROUP))).toEqual([]);
    expect(await h.send(migratedFrom(GROUP, SUPERGROUP))).toEqual([]);

    const supergroup = String(SUPERGROUP.id);
    expect(await h.store.subscriptionsOf(supergroup)).toEqual([WHATSAPP_CN, { service: "*", country: "IR" }]);
    expect(await h.store.subscriptionsOf(group)).toEqual([]);
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([supergroup]);
    expect(await h.store.getChat(supergroup)).toEqual({
      chatId: supergroup,
      lang: "fa",
      delivery: "digest",
      active: true,
    });
  });
});

describe("channels", () => {
  it("answers commands posted in the channel and ignores its other posts", async () => {
    const calls = await h.send(channelPost("/status whatsapp ir"));
    expect(calls[0]?.payload.chat_id).toBe(CHANNEL.id);
    expect(texts(calls)[0]).toMatch(/^✅ <b>WhatsApp in Iran<\/b>/);
    expect(texts(await h.send(channelPost("/subscribe all ir")))).toEqual([
      "🔔 Subscribed: this chat gets a message when the status of every service in Iran changes.",
    ]);
    expect(await h.store.subscribers({ service: "*", country: "IR" })).toEqual([String(CHANNEL.id)]);
    expect(await h.send(channelPost("WhatsApp is blocked in Iran again, details below"))).toEqual([]);
  });

  it("lets only the channel's admins use the Subscribe button under its posts", async () => {
    scriptMembers(h);
    const refused = await h.send(buttonPress("sub:whatsapp:CN", ANNA, CHANNEL));
    expect(refused.at(-1)?.payload).toMatchObject({
      text: "Only an admin of @firewall_news can change its subscriptions.",
      show_alert: true,
    });
    await h.send(buttonPress("sub:whatsapp:CN", IVAN, CHANNEL));
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([String(CHANNEL.id)]);
  });

  it("is not greeted into, and forgets a channel it was removed from", async () => {
    expect(await h.send(botMembership(CHANNEL, "left", "administrator"))).toEqual([]);
    await h.store.subscribe(String(CHANNEL.id), WHATSAPP_CN);
    await h.send(botMembership(CHANNEL, "administrator", "left"));
    expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
  });

  describe("/subscribe_channel from a private chat", () => {
    function scriptChannel(options: {
      personStatus?: string;
      botCanPost?: boolean;
      chat?: Chat | "missing";
    }) {
      const chat = options.chat ?? CHANNEL;
      h.api.script("getChat", () =>
        chat === "missing"
          ? { error_code: 400, description: "Bad Request: chat not found" }
          : { result: chat },
      );
      h.api.script("getChatMember", (payload) =>
        Number(payload.user_id) === BOT_ID
          ? {
              result: {
                status: "administrator",
                user: BOT_USER,
                can_be_edited: false,
                can_post_messages: options.botCanPost ?? true,
              },
            }
          : {
              result: {
                status: options.personStatus ?? "administrator",
                user: { id: 1, is_bot: false, first_name: "x" },
              },
            },
      );
    }

    it("subscribes the channel after checking the person and the bot with Telegram", async () => {
      scriptChannel({});
      const calls = await h.send(textMessage("/subscribe_channel @firewall_news whatsapp cn", IVAN));
      expect(calls.map((c) => [c.method, c.payload.chat_id, c.payload.user_id])).toEqual([
        ["getChat", "@firewall_news", undefined],
        ["getChatMember", CHANNEL.id, IVAN.id],
        ["getChatMember", CHANNEL.id, BOT_ID],
        ["sendMessage", IVAN.id, undefined],
      ]);
      expect(texts(calls)).toEqual(["🔔 @firewall_news: подписка оформлена — WhatsApp (Китай)."]);
      expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([String(CHANNEL.id)]);
      // Alerts to the channel will speak the language of the admin who subscribed it.
      expect((await h.store.getChat(String(CHANNEL.id)))?.lang).toBe("ru");

      expect(texts(await h.send(textMessage("/subscribe_channel @firewall_news whatsapp cn")))).toEqual([
        "@firewall_news is already subscribed to WhatsApp in China.",
      ]);
      expect(texts(await h.send(textMessage("/unsubscribe_channel @firewall_news whatsapp cn")))).toEqual([
        "@firewall_news is no longer subscribed to WhatsApp in China.",
      ]);
    });

    it("refuses when the person is no admin, the bot may not post, or there is no such channel", async () => {
      scriptChannel({ personStatus: "member" });
      expect(texts(await h.send(textMessage("/subscribe_channel @firewall_news whatsapp")))).toEqual([
        "Only an admin of @firewall_news can change its subscriptions.",
      ]);
      scriptChannel({ botCanPost: false });
      expect(texts(await h.send(textMessage("/subscribe_channel @firewall_news whatsapp")))).toEqual([
        "I may not post in @firewall_news. Make me an admin with the right to post messages, then try again.",
      ]);
      scriptChannel({ chat: "missing" });
      expect(texts(await h.send(textMessage("/subscribe_channel @nosuchchannel whatsapp")))).toEqual([
        "I cannot see @nosuchchannel. Add me to the channel as an admin with the right to post messages, then try again.",
      ]);
      scriptChannel({ chat: { ...SUPERGROUP, username: "friends_bj" } });
      expect(texts(await h.send(textMessage("/subscribe_channel @friends_bj whatsapp")))).toEqual([
        "@friends_bj is not a channel.",
      ]);
      expect(await h.store.subscribers(WHATSAPP_CN)).toEqual([]);
    });

    it("explains its use, and works only in a private chat", async () => {
      expect(texts(await h.send(textMessage("/subscribe_channel whatsapp")))).toEqual([
        "Send /subscribe_channel @channel whatsapp cn (or all ir). I must be an admin of the channel with the right to post messages.",
      ]);
      expect(
        texts(await h.send(textMessage("/subscribe_channel @firewall_news whatsapp", ANNA, GROUP))),
      ).toEqual(["Send this command to me in a private chat."]);
    });
  });
});

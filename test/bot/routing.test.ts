import { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotContext, type BotDeps } from "../../bot/features/context.js";
import { isPlainText } from "../../bot/features/messages.js";
import { commandFeatures } from "../../bot/telegram.js";
import { createLogger } from "../../core/log.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { BOT_ID, BOT_USERNAME, TOKEN } from "./support/harness.js";
import { ANNA, GROUP, SUPERGROUP, textMessage } from "./support/updates.js";

// A text message that is no command goes straight to the questions (isPlainText in
// bot/features/messages.ts): that is right only while no other feature reads one. Each feature alone gets
// such messages here and must pass every one on untouched: no call to Telegram, no store write, `next`
// reached.

const PLAIN = [
  textMessage("is whatsapp blocked in china"),
  textMessage("  whatsapp cn"),
  textMessage("微信在中国被封了吗"),
  textMessage(`@${BOT_USERNAME} is signal blocked in iran`, ANNA, GROUP),
  textMessage("is telegram blocked?", ANNA, SUPERGROUP, {
    reply_to_message: { message_id: 1, date: 0, chat: SUPERGROUP, from: { id: BOT_ID, is_bot: true } },
  }),
  textMessage("see you tomorrow", ANNA, GROUP),
  textMessage("subscribe whatsapp"),
  textMessage("lang ru"),
];

let api: BotApiServer;
let store: Store;
let deps: BotDeps;

beforeAll(async () => {
  api = await startBotApiServer(TOKEN);
  store = await openStore("memory:");
  deps = {
    kb: realKb(),
    store,
    defaultCountry: "CN",
    log: createLogger({ level: "silent" }),
    now: () => Date.UTC(2026, 10, 21, 12),
    reporterKey: (person) => `reporter-${person}`,
  };
});
afterAll(async () => {
  await store.close();
  await api.close();
});

/** Runs one update through `feature` alone: whether it reached the end, and the calls made meanwhile. */
async function through(feature: ReturnType<typeof commandFeatures>[number], update: unknown) {
  const bot = new Telegraf<BotContext>(TOKEN, {
    contextType: BotContext,
    telegram: { apiRoot: api.apiRoot, webhookReply: false },
  });
  bot.botInfo = {
    id: BOT_ID,
    is_bot: true,
    first_name: "isblocked",
    username: BOT_USERNAME,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
  } as Telegraf["botInfo"] & object;
  let reached = false;
  bot.use(feature, () => {
    reached = true;
  });
  const before = api.calls.length;
  await bot.handleUpdate(update as Update);
  return { reached, calls: api.calls.slice(before) };
}

describe("plain text skips the command features", () => {
  it("is what isPlainText calls plain: text messages that are no command", async () => {
    const bot = new Telegraf<BotContext>(TOKEN, { contextType: BotContext });
    const seen: boolean[] = [];
    bot.botInfo = { id: BOT_ID, username: BOT_USERNAME } as Telegraf["botInfo"] & object;
    bot.use((ctx) => {
      seen.push(isPlainText(ctx));
    });
    for (const update of [...PLAIN, textMessage("/status whatsapp"), textMessage(" /help")]) {
      await bot.handleUpdate(update as Update);
    }
    expect(seen).toEqual([...PLAIN.map(() => true), false, false]);
  });

  it("each command feature passes every plain text message on, untouched", async () => {
    const features = commandFeatures(deps);
    expect(features).toHaveLength(9);
    for (const [i, feature] of features.entries()) {
      for (const update of PLAIN) {
        const { reached, calls } = await through(feature, update);
        expect({ feature: i, text: update.message.text, reached, calls }).toEqual({
          feature: i,
          text: update.message.text,
          reached: true,
          calls: [],
        });
      }
    }
    expect(await store.subscriptionsOf(String(ANNA.id))).toEqual([]);
    expect(await store.getChat(String(ANNA.id))).toBeUndefined();
  });

  it("while a command is taken by one of them", async () => {
    const taken = [];
    for (const feature of commandFeatures(deps)) {
      const { reached, calls } = await through(feature, textMessage("/help"));
      if (!reached) taken.push(calls.map((c) => c.method));
    }
    expect(taken).toEqual([["sendMessage"]]);
  });
});

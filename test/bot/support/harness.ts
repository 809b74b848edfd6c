import type { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import type { RateLimits } from "../../../bot/features/rate-limit.js";
import { createTelegramBot } from "../../../bot/telegram.js";
import { createLogger } from "../../../core/log.js";
import type { KnowledgeBase } from "../../../kb/knowledge-base.js";
import type { Store } from "../../../model/store.js";
import type { OnDemandChecks } from "../../../pipeline/check-now.js";
import { openStore } from "../../../store/open.js";
import { realKb } from "../../helpers.js";
import { type BotApiServer, type RecordedCall, startBotApiServer } from "../../support/bot-api-server.js";

// The bot under test, fed literal updates with `handleUpdate`; every call it makes goes over HTTP to the
// loopback Bot API server, which records it. Nothing leaves the machine.

export const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
/** The loopback server's getMe: the bot's own id and username. */
export const BOT_ID = 1000;
export const BOT_USERNAME = "isblocked_test_bot";

export interface Harness {
  api: BotApiServer;
  store: Store;
  bot: Telegraf;
  logs: string[];
  kb: KnowledgeBase;
  /** Feeds one update and resolves with the calls the bot made while handling it. */
  send(update: Update | Record<string, unknown>): Promise<RecordedCall[]>;
  /** Moves the bot's clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

const GENEROUS: RateLimits = {
  messages: { capacity: 1000, refillPerSecond: 1000 },
  inline: { capacity: 1000, refillPerSecond: 1000 },
};

export async function startHarness(
  options: {
    kb?: KnowledgeBase;
    rateLimits?: RateLimits;
    defaultCountry?: string;
    /** On-demand checks ("Check now") over the harness's store. */
    onDemand?: (store: Store) => OnDemandChecks;
  } = {},
): Promise<Harness> {
  const kb = options.kb ?? realKb();
  const api = await startBotApiServer(TOKEN);
  const store = await openStore("memory:");
  const logs: string[] = [];
  const log = createLogger({ level: "debug", secrets: [TOKEN], write: (line) => logs.push(line) });
  let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
  const bot = createTelegramBot({
    token: TOKEN,
    apiRoot: api.apiRoot,
    context: {
      kb,
      store,
      defaultCountry: options.defaultCountry ?? "CN",
      ...(options.onDemand ? { onDemand: options.onDemand(store) } : {}),
    },
    log,
    now: () => clock,
    rateLimits: options.rateLimits ?? GENEROUS,
  });
  return {
    api,
    store,
    bot,
    logs,
    kb,
    send: async (update) => {
      const before = api.calls.length;
      await bot.handleUpdate(update as Update);
      return api.calls.slice(before).filter((c) => c.method !== "getMe");
    },
    advance: (ms) => {
      clock += ms;
    },
    close: async () => {
      await store.close();
      await api.close();
    },
  };
}

/** The text of every message sent, in order. */
export const texts = (calls: RecordedCall[]): string[] =>
  calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));

type Button = { text: string; callback_data?: string; switch_inline_query?: string };

/** The buttons of an inline keyboard, row by row. */
export function keyboardOf(call: RecordedCall | undefined): Button[][] {
  const markup = call?.payload.reply_markup as { inline_keyboard: Button[][] } | string | undefined;
  const parsed = typeof markup === "string" ? JSON.parse(markup) : markup;
  return parsed?.inline_keyboard ?? [];
}

/** The callback data of an inline keyboard, row by row; rows of other buttons (Share) left out. */
export function callbackData(call: RecordedCall | undefined): string[][] {
  return keyboardOf(call)
    .filter((row) => row.some((b) => b.callback_data !== undefined))
    .map((row) => row.map((b) => b.callback_data ?? ""));
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Update } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LONG_TEXT, UPDATE_CLAIM_TTL_MS } from "../../bot/delivery.js";
import { createTelegramBot, type TelegramBot } from "../../bot/telegram.js";
import { createLogger } from "../../core/log.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { TOKEN, textUpdate } from "../scale/support.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

// `deliver`, the claim around every update (bot/telegram.ts), against the loopback Bot API server and a
// real store: an update is answered at least once (a claim left by a dead process lapses and the
// re-delivery is handled) and at most once visibly (a second delivery meanwhile waits and finds it done;
// a handler past its timeout shows either its answer or the apology, never both).

const QUESTION = "is whatsapp blocked in china";
const APOLOGY = "Sorry, something went wrong while answering. Please try again later.";

let api: BotApiServer;
let store: Store;
let logs: string[];
beforeEach(async () => {
  api = await startBotApiServer(TOKEN);
  store = await openStore("memory:");
  logs = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
  await api.close();
});

function bot(handlerTimeoutMs?: number): TelegramBot {
  return createTelegramBot({
    token: TOKEN,
    apiRoot: api.apiRoot,
    context: { kb: realKb(), store, defaultCountry: "CN" },
    log: createLogger({ level: "debug", secrets: [TOKEN], write: (line) => logs.push(line) }),
    ...(handlerTimeoutMs === undefined ? {} : { handlerTimeoutMs }),
  });
}

const sentTo = (chatId: number) =>
  api.calls
    .filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId)
    .map((c) => String(c.payload.text));

describe("deliver", () => {
  it("handles a re-delivery once the claim of a process killed mid-update lapses", async () => {
    const update = textUpdate(9001, 601, QUESTION) as Update;
    // What a process killed after claiming leaves behind: a claim nobody renews.
    expect(await store.claimUpdate(9001, "killed-process", 400)).toBe("claimed");
    const started = Date.now();
    expect(await bot().deliver(update)).toBe("handled");
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(sentTo(601)).toHaveLength(1);
    expect(sentTo(601)[0]).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    // Recorded as done once answered: a later re-delivery is a duplicate, and answers nothing.
    expect(await bot().deliver(update)).toBe("duplicate");
    expect(sentTo(601)).toHaveLength(1);
  });

  it("answers one of two concurrent deliveries of an update, to two replicas or to one", async () => {
    const update = textUpdate(9002, 602, QUESTION) as Update;
    const one = bot();
    const outcomes = await Promise.all([one.deliver(update), bot().deliver(update), one.deliver(update)]);
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "handled"]);
    expect(sentTo(602)).toHaveLength(1);
  });

  it("leaves an update held elsewhere past the wait as busy, for Telegram to deliver again", async () => {
    const update = textUpdate(9003, 603, QUESTION) as Update;
    // Held and renewed by a live process for longer than this one waits (its handler timeout plus a TTL).
    const holding = setInterval(() => store.claimUpdate(9003, "live-process", UPDATE_CLAIM_TTL_MS), 50);
    try {
      await store.claimUpdate(9003, "live-process", UPDATE_CLAIM_TTL_MS);
      const waiting = bot(50).deliver(update);
      expect(await waiting).toBe("busy");
    } finally {
      clearInterval(holding);
    }
    expect(sentTo(603)).toEqual([]);
    expect(logs.join("\n")).toContain("update still handled elsewhere");
  }, 15_000);

  it("apologises once for a handler past its timeout, and never sends its late answer", async () => {
    const getChat = store.getChat.bind(store);
    vi.spyOn(store, "getChat").mockImplementation(async (chatId) => {
      await sleep(700);
      return getChat(chatId);
    });
    const handled = bot(200).deliver(textUpdate(9004, 604, QUESTION) as Update);
    expect(await handled).toBe("handled");
    // The abandoned handler runs on and would answer now: it is refused.
    await sleep(1200);
    expect(sentTo(604)).toEqual([APOLOGY]);
    expect(logs.filter((l) => l.includes('"update failed"'))).toHaveLength(1);
  });

  it("sends no apology when the answer on its way at the timeout arrives", async () => {
    // The answer leaves before the timeout and Telegram takes longer than it to accept it.
    api.onSend({ chatId: 605, answer: { kind: "ok", delayMs: 1500 } });
    expect(await bot(300).deliver(textUpdate(9005, 605, QUESTION) as Update)).toBe("handled");
    await sleep(300);
    expect(sentTo(605)).toHaveLength(1);
    expect(sentTo(605)[0]).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
  });

  it("handles long messages one at a time, and a short question meanwhile without waiting for them", async () => {
    const one = bot();
    const long = (n: number) => `${"zorblat quivex ".repeat(30)}${n}`;
    expect(long(0).length).toBeGreaterThan(LONG_TEXT);
    // Telegram takes 20 ms to accept each of their answers: one at a time, 30 of them take 600 ms at least.
    api.onSend({ answer: (send) => (Number(send.chatId) >= 700 ? { kind: "ok", delayMs: 20 } : undefined) });
    const started = performance.now();
    const flood = Array.from({ length: 30 }, (_, n) =>
      one.deliver(textUpdate(9100 + n, 700 + n, long(n)) as Update),
    );
    await sleep(5);
    expect(await one.deliver(textUpdate(9200, 606, QUESTION) as Update)).toBe("handled");
    const floodAnsweredBefore = api.sends.filter((s) => Number(s.chatId) >= 700).length;
    expect(await Promise.all(flood)).toEqual(Array(30).fill("handled"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    const answered = api.sends.filter((s) => Number(s.chatId) >= 700).map((s) => Number(s.chatId));
    expect(answered.sort()).toEqual(Array.from({ length: 30 }, (_, n) => 700 + n));
    // The short question did not wait for the queue.
    expect(floodAnsweredBefore).toBeLessThan(10);
    expect(sentTo(606)[0]).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
  });
});

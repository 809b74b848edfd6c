import { setTimeout as sleep } from "node:timers/promises";
import type { Update } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LONG_TEXT, UPDATE_CLAIM_TTL_MS } from "../../bot/delivery.js";
import { createTelegramBot, type TelegramBot } from "../../bot/telegram.js";
import { createLogger } from "../../core/log.js";
import { type Store, StoreError } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { TOKEN, textUpdate } from "../scale/support.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { buttonPress, textMessage } from "./support/updates.js";

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

// The webhook's way (bot/webhook.ts): the answer's last call rides in the response, which Telegram makes
// only once it reads the response, the same moment it takes the update as acknowledged.
describe("deliverByWebhook", () => {
  it("holds a question's answer for the response, and records the update only once it is written", async () => {
    const answer = await bot().deliverByWebhook(textUpdate(9301, 611, QUESTION) as Update);
    expect(answer.delivery).toBe("handled");
    expect(answer.reply?.method).toBe("sendMessage");
    const payload = answer.reply?.payload as { chat_id: number; text: string; parse_mode: string };
    expect(payload.chat_id).toBe(611);
    expect(payload.parse_mode).toBe("HTML");
    expect(payload.text).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    // Nothing went out as the bot's own call.
    expect(sentTo(611)).toEqual([]);
    // Not yet recorded as handled: a process killed now has shown nothing, and Telegram delivers it again.
    expect(await store.claimUpdate(9301, "another-replica", 60_000)).toBe("busy");
    await answer.responded?.(true);
    expect(await store.claimUpdate(9301, "another-replica", 60_000)).toBe("done");
  });

  it("responds with nothing to an update handled already: no answer, no apology", async () => {
    expect(await store.claimUpdate(9306, "earlier-delivery", 60_000)).toBe("claimed");
    await store.finishUpdate(9306);
    const answer = await bot().deliverByWebhook(textUpdate(9306, 616, QUESTION) as Update);
    expect(answer).toEqual({ delivery: "duplicate" });
    expect(sentTo(616)).toEqual([]);
    expect(logs.filter((l) => l.includes('"update failed"'))).toEqual([]);
  });

  it("leaves an update whose response could not be written unrecorded", async () => {
    const one = bot();
    const answer = await one.deliverByWebhook(textUpdate(9302, 612, QUESTION) as Update);
    await answer.responded?.(false);
    expect(one.inFlight.count()).toBe(0);
    expect(await store.claimUpdate(9302, "another-replica", 60_000)).not.toBe("done");
  });

  it("counts an update in flight until its response is written, so a graceful stop waits for it", async () => {
    const one = bot();
    const answer = await one.deliverByWebhook(textUpdate(9303, 613, QUESTION) as Update);
    expect(one.inFlight.count()).toBe(1);
    await answer.responded?.(true);
    expect(one.inFlight.count()).toBe(0);
  });

  it("sends all but the last call of a several-call answer itself, in order, and holds the last", async () => {
    const one = bot();
    const subscribed = await one.deliverByWebhook(textMessage("/subscribe all cn") as Update);
    await subscribed.responded?.(true);
    const before = api.calls.length;
    const pressed = await one.deliverByWebhook(buttonPress("uns:*:CN") as Update);
    expect(api.calls.slice(before).map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    expect(pressed.reply?.method).toBe("editMessageText");
    await pressed.responded?.(true);
  });

  it("answers a handler past its timeout with the apology in the response, and refuses its late answer", async () => {
    const getChat = store.getChat.bind(store);
    vi.spyOn(store, "getChat").mockImplementation(async (chatId) => {
      await sleep(700);
      return getChat(chatId);
    });
    const answer = await bot(200).deliverByWebhook(textUpdate(9304, 614, QUESTION) as Update);
    expect(answer.reply?.method).toBe("sendMessage");
    expect((answer.reply?.payload as { text?: string } | undefined)?.text).toBe(APOLOGY);
    await answer.responded?.(true);
    await sleep(1200);
    expect(sentTo(614)).toEqual([]);
    expect(logs.filter((l) => l.includes('"update failed"'))).toHaveLength(1);
  });

  it("tells the person the bot is unavailable, in the response, when the store cannot claim the update", async () => {
    vi.spyOn(store, "claimUpdate").mockRejectedValue(new StoreError("redis: connection refused"));
    const answer = await bot().deliverByWebhook(textUpdate(9305, 615, QUESTION) as Update);
    expect(answer.delivery).toBe("handled");
    expect((answer.reply?.payload as { text?: string } | undefined)?.text).toMatch(
      /^Temporarily unavailable/,
    );
    expect(sentTo(615)).toEqual([]);
  });
});

import { Telegram } from "telegraf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AlertDispatcher, createAlertDispatcher } from "../../bot/alerts/dispatcher.js";
import { type AlertTelegram, telegrafSender } from "../../bot/alerts/telegram-sender.js";
import { createLogger } from "../../core/log.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import {
  acceptedByChat,
  change,
  chatIds,
  FAST_TUNING,
  maxInWindow,
  queueChange,
  TOKEN,
} from "../bot/alerts/support.js";
import { miniKb } from "../helpers.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { seededRandom } from "../support/seeded-random.js";

// A 429 storm: one change fanned out to 1,000 private chats plus 40 alerts to one group, with 5% of all
// requests answered 429 retry_after=3, through the real dispatcher, telegraf and the loopback Bot API
// server. Telegram's caps are 30 a second and 20 a minute per group, so this takes over two minutes of
// time: the clock is virtual. setTimeout, Date and performance are faked, and virtual time moves only
// while no request is on its way (a request costs no virtual time), to the next timer anyone set. The
// dispatcher, the rate limiter and the server's arrival log all read that one clock.

const PRIVATE_CHATS = 1000;
const GROUP = "-1001000000001";
const GROUP_ALERTS = 40;
const RETRY_AFTER_S = 3;
const CHATAPP_CN = { service: "chatapp", country: "CN" };
const SAFECHAT_CN = { service: "safechat", country: "CN" };
/** After the last expected send, virtual time runs on this long: a duplicate would show up in it. */
const QUIET_AFTER_MS = 10_000;

const realImmediate = globalThis.setImmediate;
/** Lets real I/O and every queued microtask run; no virtual time passes. */
const yieldReal = () => new Promise<void>((resolve) => realImmediate(resolve));

let dispatcher: AlertDispatcher | undefined;
let server: BotApiServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  vi.useRealTimers();
  await server?.close();
  await store?.close();
});

describe("a 429 storm", () => {
  it("loses nothing, doubles nothing, waits retry_after, keeps 30/s and 20/min per group", async () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
    });
    const virtualStart = Date.now();
    const realClockStart = process.hrtime.bigint();
    server = await startBotApiServer(TOKEN);
    store = await openStore("memory:");
    const chats = chatIds(PRIVATE_CHATS);
    for (const id of chats) await store.subscribe(id, CHATAPP_CN);
    await store.subscribe(GROUP, SAFECHAT_CN);
    await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));
    for (let n = 0; n < GROUP_ALERTS; n++) {
      const at = new Date(Date.UTC(2026, 10, 21, 9, 0, 0) + n * 60_000).toISOString();
      const to = n % 2 === 0 ? "blocked" : "accessible";
      await queueChange(store, change(SAFECHAT_CN, to, at, { from: n % 2 === 0 ? "accessible" : "blocked" }));
    }
    const random = seededRandom(7);
    server.onSend({
      answer: () => (random() < 0.05 ? { kind: "too-many-requests", retryAfter: RETRY_AFTER_S } : undefined),
    });

    // The real telegraf sender, counted: virtual time stands still while any request is unanswered.
    let inFlight = 0;
    const sender = telegrafSender(new Telegram(TOKEN, { apiRoot: server.apiRoot }));
    const counted: AlertTelegram = {
      sendMessage: async (...args) => {
        inFlight++;
        try {
          return await sender.sendMessage(...args);
        } finally {
          inFlight--;
        }
      },
    };
    const logs: string[] = [];
    dispatcher = createAlertDispatcher({
      store,
      kb: miniKb(),
      telegram: counted,
      config: {
        alertRateGlobal: 30,
        alertRatePrivate: 1,
        alertRateGroup: 20,
        alertPaidBroadcast: false,
        digestHour: 8,
      },
      log: createLogger({ level: "warn", write: (line) => logs.push(line) }),
      tuning: FAST_TUNING,
    });
    await dispatcher.start();

    const expected = PRIVATE_CHATS + GROUP_ALERTS;
    const accepted = () => server?.sends.filter((s) => s.status === 200).length ?? 0;
    let quietUntil: number | undefined;
    for (let steps = 0; ; steps++) {
      await yieldReal();
      await yieldReal();
      if (inFlight > 0) continue;
      if (quietUntil === undefined && accepted() >= expected) quietUntil = Date.now() + QUIET_AFTER_MS;
      if (quietUntil !== undefined && Date.now() >= quietUntil) break;
      if (vi.getTimerCount() === 0) break;
      expect(steps, "the storm never ends").toBeLessThan(2_000_000);
      // Node waits at least 1 ms for any timer; the fake would fire a 0.3 ms one without moving the clock.
      const before = Date.now();
      vi.advanceTimersToNextTimer();
      if (Date.now() === before) vi.advanceTimersByTime(1);
    }
    const virtualSeconds = (Date.now() - virtualStart) / 1000;
    await dispatcher.stop();
    dispatcher = undefined;

    const sends = server.sends;
    const byChat = acceptedByChat(sends);
    const lost =
      chats.filter((id) => (byChat.get(id)?.length ?? 0) === 0).length +
      Math.max(0, GROUP_ALERTS - new Set(byChat.get(GROUP)?.map((s) => s.text)).size);
    let duplicated = 0;
    for (const [, got] of byChat) duplicated += got.length - new Set(got.map((s) => s.text)).size;
    // Every resend after a 429 against the answer it got.
    let earliestResendMs = Number.POSITIVE_INFINITY;
    const throttled = sends.filter((s) => s.status === 429);
    // And, not a resend, another alert to the same chat: a 429 holds the whole chat, not only the refused one.
    let earliestOtherMs = Number.POSITIVE_INFINITY;
    for (const refused of throttled) {
      const later = sends.filter((s) => s.chatId === refused.chatId && s.index > refused.index);
      const since = (s: { receivedAt: number }) => s.receivedAt - (refused.answeredAt ?? 0);
      const resend = later.find((s) => s.text === refused.text);
      if (resend) earliestResendMs = Math.min(earliestResendMs, since(resend));
      const other = later.find((s) => s.text !== refused.text);
      if (other) earliestOtherMs = Math.min(earliestOtherMs, since(other));
    }
    // A chat's alerts arrive in order: the group's accepted alerts in the order each was first tried
    // (oldest first), whatever was refused on the way.
    const toGroupTexts = sends.filter((s) => s.chatId === GROUP);
    const firstTried = [...new Set(toGroupTexts.map((s) => s.text))];
    const acceptedOrder = toGroupTexts.filter((s) => s.status === 200).map((s) => s.text);
    const outOfOrder = acceptedOrder.filter((text, n) => firstTried[n] !== text).length;
    const arrivals = sends.map((s) => s.receivedAt);
    const maxPerSecond = maxInWindow(arrivals, 1000);
    const toGroup = sends.filter((s) => s.chatId === GROUP).map((s) => s.receivedAt);
    const maxGroupPerMinute = maxInWindow(toGroup, 60_000);
    let maxPerChatSecond = 0;
    for (const id of [...chats, GROUP]) {
      const times = sends.filter((s) => s.chatId === id).map((s) => s.receivedAt);
      maxPerChatSecond = Math.max(maxPerChatSecond, maxInWindow(times, 1000));
    }
    const realSeconds = Number(process.hrtime.bigint() - realClockStart) / 1e9;
    console.log(
      `fault 429-storm: lost ${lost}, duplicated ${duplicated}, requests ${sends.length}, 429s ${throttled.length}, earliest resend ${(earliestResendMs / 1000).toFixed(3)} s after retry_after=${RETRY_AFTER_S} (another alert to that chat ${(earliestOtherMs / 1000).toFixed(3)} s), group alerts out of order ${outOfOrder}, max/s ${maxPerSecond}, max/chat/s ${maxPerChatSecond}, max/group/min ${maxGroupPerMinute}, ${virtualSeconds.toFixed(0)} s virtual in ${realSeconds.toFixed(1)} s`,
    );

    expect(accepted()).toBe(expected);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(throttled.length).toBeGreaterThan(30);
    expect(earliestResendMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    expect(earliestOtherMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    expect(throttled.some((s) => s.chatId === GROUP)).toBe(true);
    expect(acceptedOrder).toEqual(firstTried);
    expect(maxPerSecond).toBeLessThanOrEqual(30);
    expect(maxPerChatSecond).toBe(1);
    expect(maxGroupPerMinute).toBeLessThanOrEqual(20);
    // The caps are reached, not just kept: 1,000 chats at 30/s take at least 33 s, 40 group alerts 2 min.
    expect(maxPerSecond).toBeGreaterThanOrEqual(25);
    expect(maxGroupPerMinute).toBe(20);
    expect(logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 300_000);
});

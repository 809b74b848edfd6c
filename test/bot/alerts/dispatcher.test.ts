import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AlertDispatcher } from "../../../bot/alerts/dispatcher.js";
import { planChange } from "../../../bot/alerts/plan.js";
import { renderDigest } from "../../../bot/alerts/render-alert.js";
import { ARRIVAL_HEADROOM_MS } from "../../../bot/alerts/send-pacer.js";
import { createMetrics } from "../../../core/metrics.js";
import { ALL_SERVICES, type Store } from "../../../model/store.js";
import { openStore } from "../../../store/open.js";
import { miniKb } from "../../helpers.js";
import { memoryLog } from "../../scheduler/memory-log.js";
import {
  type Backend,
  freshNamespace,
  memoryBackend,
  redisBackend,
  sqliteBackend,
} from "../../store/fixtures.js";
import { type BotApiServer, startBotApiServer } from "../../support/bot-api-server.js";
import {
  acceptedByChat,
  change,
  chatIds,
  dispatcherFor,
  maxInWindow,
  queueChange,
  TOKEN,
} from "./support.js";

// The dispatcher against the loopback Bot API server (real HTTP through telegraf) and every store
// backend. Rates and waits are measured on the server's arrival log, where Telegram would measure them.

const BACKENDS: Backend[] = [memoryBackend(), sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis alert delivery skipped");

const kb = miniKb();
const CHATAPP_CN = { service: "chatapp", country: "CN" };
const SAFECHAT_CN = { service: "safechat", country: "CN" };
const TUNNEL_CN = { service: "tunnel", country: "CN" };
const OPENCHAT_CN = { service: "openchat", country: "CN" };
const ALL_CN = { service: ALL_SERVICES, country: "CN" };
/** The pace is one send per (1 s + headroom) / rate: what the span of a paced fan-out is measured against. */
const SECOND = 1000 + ARRIVAL_HEADROOM_MS;
/**
 * The server shares this test's event loop, so its arrival times carry that loop's stalls (a garbage
 * collection, a busy machine) on top of what the limiter's headroom absorbs: caps are checked on windows
 * this much shorter than a second. The benchmark, whose server runs on a thread of its own, needs none.
 */
const LOOP_JITTER_MS = 50;

describe.each(BACKENDS)("alert dispatcher: $kind store", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(
    backend.skipReason ?? "against the loopback Bot API",
    () => {
      let url = "";
      let server: BotApiServer;
      let store: Store;
      let dispatcher: AlertDispatcher | undefined;
      const logs = memoryLog();

      beforeAll(async () => {
        url = await backend.start();
      });
      afterAll(async () => {
        await backend.stop();
      });
      beforeEach(async () => {
        server = await startBotApiServer(TOKEN);
        store = await openStore(url, { namespace: freshNamespace() });
      });
      afterEach(async () => {
        await dispatcher?.stop();
        dispatcher = undefined;
        await server.close();
        await store.close();
      });

      const start = async (overrides: Parameters<typeof dispatcherFor>[2] = {}, now?: () => number) => {
        dispatcher = dispatcherFor(server, { store, kb, log: logs.log, ...(now ? { now } : {}) }, overrides);
        await dispatcher.start();
        return dispatcher;
      };

      it("sends each change once to each subscriber, in the chat's language; digest and inactive chats get none", async () => {
        for (const id of ["1", "2", "3", "-100", "5", "6"]) await store.subscribe(id, CHATAPP_CN);
        for (const id of ["2", "4"]) await store.subscribe(id, ALL_CN);
        await store.updateChat("3", { lang: "ru" });
        await store.updateChat("5", { delivery: "digest" });
        await store.updateChat("6", { active: false });
        const first = change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z");
        const second = change(SAFECHAT_CN, "partial", "2026-11-21T08:10:00.000Z");
        await queueChange(store, first);
        await queueChange(store, second);

        const d = await start();
        await d.idle();

        const byChat = acceptedByChat(server.sends);
        const got = (chat: string) => (byChat.get(chat) ?? []).map((s) => s.text.split("\n")[0]);
        expect([...byChat.keys()].sort()).toEqual(["-100", "1", "2", "3", "4"]);
        expect(got("1")).toEqual([
          "⛔ <b>ChatApp in China is now blocked</b> (since 21 November 2026 08:00 UTC)",
        ]);
        // Subscribed to ChatApp and to every service in China: still once per change.
        expect(got("2")).toEqual([
          "⛔ <b>ChatApp in China is now blocked</b> (since 21 November 2026 08:00 UTC)",
          "🟠 <b>SafeChat in China is now partially blocked</b> (since 21 November 2026 08:10 UTC)",
        ]);
        expect(got("3")).toEqual([
          "⛔ <b>ЧатАпп (Китай): теперь блокировка</b> (с 21 ноября 2026 г. 08:00 UTC)",
        ]);
        expect(got("4")).toHaveLength(2);
        expect(server.sends.every((s) => s.payload.parse_mode === "HTML")).toBe(true);
        expect(server.sends.some((s) => "allow_paid_broadcast" in s.payload)).toBe(false);

        // Acknowledged, finished, and the digest chat has the change waiting for its digest.
        expect(await store.pendingChanges()).toEqual([]);
        expect(await store.openDeliveryJobs()).toEqual([]);
        expect((await store.getDigest("5")).map((e) => e.change.id)).toEqual([first.id]);
        expect(d.stats).toMatchObject({ planned: 2, sent: 7, failed: 0, retried: 0 });
      });

      it("honours 429 retry_after: the chat is tried again no earlier, the others are not held up", async () => {
        for (const id of ["1", "2"]) await store.subscribe(id, CHATAPP_CN);
        server.onSend({ chatId: "1", times: 1, answer: { kind: "too-many-requests", retryAfter: 1 } });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));

        const d = await start();
        await d.idle();

        const toOne = server.sends.filter((s) => s.chatId === "1");
        expect(toOne.map((s) => s.status)).toEqual([429, 200]);
        const [refused, resent] = toOne;
        expect((resent?.receivedAt ?? 0) - (refused?.answeredAt ?? 0)).toBeGreaterThanOrEqual(1000);
        const toTwo = server.sends.filter((s) => s.chatId === "2");
        expect(toTwo.map((s) => s.status)).toEqual([200]);
        expect(toTwo[0]?.receivedAt ?? 0).toBeLessThan(resent?.receivedAt ?? 0);
        expect(d.stats).toMatchObject({ sent: 2, retried: 1 });
      });

      it("counts sent, throttled and failed alerts for /metrics", async () => {
        for (const id of ["1", "2", "3"]) await store.subscribe(id, CHATAPP_CN);
        server.onSend({ chatId: "1", times: 1, answer: { kind: "too-many-requests", retryAfter: 1 } });
        server.onSend({ chatId: "3", answer: { kind: "forbidden" } });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));
        const metrics = createMetrics();
        dispatcher = dispatcherFor(server, { store, kb, log: logs.log, metrics });
        await dispatcher.start();
        await dispatcher.idle();
        expect([
          metrics.alertsSent.value(),
          metrics.alertsThrottled.value(),
          metrics.alertsFailed.value(),
        ]).toEqual([2, 1, 1]);
      });

      it("on 403 marks the chat inactive, removes its subscriptions and sends it nothing more", async () => {
        for (const target of [CHATAPP_CN, SAFECHAT_CN]) {
          await store.subscribe("7", target);
          await store.subscribe("8", target);
        }
        server.onSend({
          chatId: "7",
          answer: { kind: "forbidden", description: "Forbidden: bot was blocked by the user" },
        });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));
        await queueChange(store, change(SAFECHAT_CN, "blocked", "2026-11-21T08:10:00.000Z"));

        const d = await start();
        await d.idle();

        // One request found out; the other alert to that chat was not even tried.
        expect(server.sends.filter((s) => s.chatId === "7").map((s) => s.status)).toEqual([403]);
        expect(acceptedByChat(server.sends).get("8")).toHaveLength(2);
        expect(await store.getChat("7")).toMatchObject({ active: false });
        expect(await store.subscriptionsOf("7")).toEqual([]);
        expect(await store.subscribers(CHATAPP_CN)).toEqual(["8"]);
        expect(d.stats).toMatchObject({ gone: 1, skipped: 1, sent: 2 });
      });

      it("on 400 migrate moves subscriptions and settings to the supergroup and delivers there", async () => {
        await store.subscribe("-200", CHATAPP_CN);
        await store.subscribe("-200", SAFECHAT_CN);
        await store.updateChat("-200", { lang: "ru" });
        server.onSend({ chatId: "-200", answer: { kind: "migrated", to: -1000000000200 } });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));

        const d = await start();
        await d.idle();

        expect(server.sends.map((s) => [s.chatId, s.status])).toEqual([
          ["-200", 400],
          ["-1000000000200", 200],
        ]);
        expect(server.sends[1]?.text.split("\n")[0]).toBe(
          "⛔ <b>ЧатАпп (Китай): теперь блокировка</b> (с 21 ноября 2026 г. 08:00 UTC)",
        );
        expect(await store.subscribers(CHATAPP_CN)).toEqual(["-1000000000200"]);
        expect(await store.subscribers(SAFECHAT_CN)).toEqual(["-1000000000200"]);
        expect(await store.getChat("-1000000000200")).toMatchObject({ lang: "ru" });

        // The next change goes straight to the supergroup.
        await queueChange(store, change(SAFECHAT_CN, "blocked", "2026-11-21T08:10:00.000Z"));
        await d.kick();
        await d.idle();
        expect(server.sends.slice(2).map((s) => [s.chatId, s.status])).toEqual([["-1000000000200", 200]]);
        expect(d.stats).toMatchObject({ moved: 1, sent: 2 });
      });

      it("retries 5xx with a back-off that doubles, then delivers once", async () => {
        await store.subscribe("1", CHATAPP_CN);
        server.onSend({ chatId: "1", times: 3, answer: { kind: "server-error", status: 502 } });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));

        const d = await start();
        await d.idle();

        const sends = server.sends;
        expect(sends.map((s) => s.status)).toEqual([502, 502, 502, 200]);
        const gaps = sends.slice(1).map((s, n) => s.receivedAt - (sends[n]?.answeredAt ?? 0));
        // FAST_TUNING: base 200 ms, doubling, jitter pinned to its maximum.
        expect(gaps[0]).toBeGreaterThanOrEqual(200);
        expect(gaps[1]).toBeGreaterThanOrEqual(400);
        expect(gaps[2]).toBeGreaterThanOrEqual(800);
        expect(d.stats).toMatchObject({ sent: 1, retried: 3 });
      });

      it("retries a send that gets no answer after its timeout; waits for a slow answer within it", async () => {
        await store.subscribe("1", CHATAPP_CN);
        await store.subscribe("2", CHATAPP_CN);
        server.onSend({ chatId: "1", times: 1, answer: { kind: "hang" } });
        server.onSend({ chatId: "2", answer: { kind: "ok", delayMs: 300 } });
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));

        const d = await start({ tuning: { sendTimeoutMs: 600 } });
        await d.idle();

        const toOne = server.sends.filter((s) => s.chatId === "1");
        expect(toOne.map((s) => s.status)).toEqual([0, 200]);
        expect((toOne[1]?.receivedAt ?? 0) - (toOne[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(600 + 200);
        expect(server.sends.filter((s) => s.chatId === "2").map((s) => s.status)).toEqual([200]);
        expect(d.stats).toMatchObject({ sent: 2, retried: 1 });
      });

      it("never exceeds the global cap, measured on arrival, and comes close to it", async () => {
        const chats = chatIds(45);
        for (const id of chats) await store.subscribe(id, CHATAPP_CN);
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));

        const d = await start({ config: { alertRateGlobal: 15 } });
        await d.idle();

        const arrivals = server.sends.map((s) => s.receivedAt);
        expect(acceptedByChat(server.sends).size).toBe(45);
        expect(maxInWindow(arrivals, 1000 - LOOP_JITTER_MS)).toBeLessThanOrEqual(15);
        // 15 per window of 1.03 s, paced within it: the 31st can go no sooner than two windows after the
        // first, and the 45th well before a fourth window would begin.
        const span = Math.max(...arrivals) - Math.min(...arrivals);
        expect(span).toBeGreaterThanOrEqual(2 * SECOND - LOOP_JITTER_MS);
        expect(span).toBeLessThan(3 * SECOND);
      });

      it("holds a private chat to one a second and a group to ALERT_RATE_GROUP a minute", async () => {
        for (const target of [CHATAPP_CN, SAFECHAT_CN, TUNNEL_CN, OPENCHAT_CN]) {
          await store.subscribe("9", target);
          await store.subscribe("-300", target);
        }
        let at = 0;
        for (const target of [CHATAPP_CN, SAFECHAT_CN, TUNNEL_CN, OPENCHAT_CN]) {
          await queueChange(store, change(target, "blocked", `2026-11-21T08:0${at++}:00.000Z`));
        }

        await start({ config: { alertRateGroup: 3 } });
        const deadline = Date.now() + 10_000;
        while (server.sends.filter((s) => s.chatId === "9").length < 4 && Date.now() < deadline)
          await sleep(50);
        await sleep(1200);

        const toPrivate = server.sends.filter((s) => s.chatId === "9").map((s) => s.receivedAt);
        const toGroup = server.sends.filter((s) => s.chatId === "-300").map((s) => s.receivedAt);
        expect(toPrivate).toHaveLength(4);
        expect(maxInWindow(toPrivate, 1000 - LOOP_JITTER_MS)).toBe(1);
        // Three in the first minute, a second apart; the fourth waits for the minute to pass.
        expect(toGroup).toHaveLength(3);
        expect(maxInWindow(toGroup, 1000 - LOOP_JITTER_MS)).toBe(1);
        // Alerts reach each chat in the order the changes happened.
        expect(server.sends.filter((s) => s.chatId === "9").map((s) => s.text.split("</b>")[0])).toEqual([
          "⛔ <b>ChatApp in China is now blocked",
          "⛔ <b>SafeChat in China is now blocked",
          "⛔ <b>Tunnel in China is now blocked",
          "⛔ <b>OpenChat &lt;beta&gt; in China is now blocked",
        ]);
      });

      it("sends what was planned before a crash that came before the acknowledgement, once", async () => {
        await store.subscribe("1", CHATAPP_CN);
        await store.subscribe("2", CHATAPP_CN);
        const queued = change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z");
        await queueChange(store, queued);
        // A dispatcher planned it and died before acknowledging; meanwhile a third chat subscribed.
        await planChange(store, queued, "2026-11-21T08:00:01.000Z");
        await store.subscribe("3", CHATAPP_CN);

        const d = await start();
        await d.idle();

        expect([...acceptedByChat(server.sends).keys()].sort()).toEqual(["1", "2"]);
        expect(server.sends).toHaveLength(2);
        expect(await store.pendingChanges()).toEqual([]);
      });

      it("sends digest chats one digest a day at DIGEST_HOUR with the changes before it, once", async () => {
        let clock = Date.parse("2026-11-22T07:50:00.000Z");
        const offset = () => clock - Date.now();
        let shift = offset();
        const now = () => Date.now() + shift;
        const setClock = (iso: string) => {
          clock = Date.parse(iso);
          shift = offset();
        };
        await store.subscribe("5", ALL_CN);
        await store.updateChat("5", { delivery: "digest", lang: "zh-Hans" });
        await store.subscribe("1", CHATAPP_CN);
        const early = change(CHATAPP_CN, "blocked", "2026-11-22T07:00:00.000Z");
        const later = change(SAFECHAT_CN, "partial", "2026-11-22T07:10:00.000Z");
        await queueChange(store, early);
        await queueChange(store, later);

        const d = await start({}, now);
        await d.idle();
        expect(server.sends.map((s) => s.chatId)).toEqual(["1"]);

        setClock("2026-11-22T08:00:01.000Z");
        await d.runDigests();
        await d.idle();
        await d.runDigests();
        await d.idle();
        const digests = () => server.sends.filter((s) => s.chatId === "5").map((s) => s.text);
        expect(digests()).toEqual([renderDigest(kb, [early, later], "zh-Hans")]);

        // A change after the digest waits for the next day's.
        setClock("2026-11-22T09:00:00.000Z");
        const next = change(TUNNEL_CN, "blocked", "2026-11-22T08:55:00.000Z");
        await queueChange(store, next);
        await d.kick();
        await d.idle();
        await d.runDigests();
        await d.idle();
        expect(digests()).toHaveLength(1);
        setClock("2026-11-23T08:00:01.000Z");
        await d.runDigests();
        await d.idle();
        expect(digests()).toEqual([
          renderDigest(kb, [early, later], "zh-Hans"),
          renderDigest(kb, [next], "zh-Hans"),
        ]);
        expect(await store.digestChats()).toEqual([]);
      });
    },
  );
});

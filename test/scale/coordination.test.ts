import { setTimeout as sleep } from "node:timers/promises";
import { Telegram } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertDispatcher, createAlertDispatcher } from "../../bot/alerts/dispatcher.js";
import { telegrafSender } from "../../bot/alerts/telegram-sender.js";
import type { Store } from "../../model/store.js";
import { currentSlot, storeRunCoordinator } from "../../scheduler/run-coordinator.js";
import { type Scheduler, startScheduler } from "../../scheduler/scheduler.js";
import { openStore } from "../../store/open.js";
import { acceptedByChat, change, FAST_TUNING, queueChange, RATES, TOKEN } from "../bot/alerts/support.js";
import { waitFor } from "../bot/support/start-process.js";
import { miniKb } from "../helpers.js";
import { memoryLog } from "../scheduler/memory-log.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

// Coordination between replicas, in one process: two schedulers and two alert dispatchers share one store
// (the memory store: its claims behave as Redis's SET NX PX does across processes; the three-replica test
// in replicas.test.ts runs the same over Redis with real processes).

const EVERY_SECOND = "*/1 * * * * *";
const CHATAPP_CN = { service: "chatapp", country: "CN" };

const running: { stop(): Promise<void> }[] = [];
let store: Store | undefined;
let server: BotApiServer | undefined;
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

describe("scheduled cycles across replicas (run coordinator over claimOnce)", () => {
  it("runs each slot, the start cycle included, on exactly one of two schedulers", async () => {
    store = await openStore("memory:");
    const ran: { replica: string; slot: string }[] = [];
    const schedulers: Scheduler[] = [];
    for (const replica of ["a", "b"]) {
      const { log, lines } = memoryLog();
      const scheduler = startScheduler({
        schedule: EVERY_SECOND,
        log,
        coordinator: storeRunCoordinator(store),
        runCycle: async () => {
          const elected = lines.filter((l) => l.msg === "cycle elected").at(-1);
          ran.push({ replica, slot: String(elected?.slot) });
          await sleep(20);
        },
      });
      schedulers.push(scheduler);
      running.push(scheduler);
    }
    const firsts = await Promise.all(schedulers.map((s) => s.firstCycle));
    // Both started within the same second: one ran the start cycle, the other was told it runs elsewhere.
    expect(firsts.map((f) => f?.outcome).sort()).toEqual(["completed", "not-elected"]);
    await sleep(3_200);
    for (const s of schedulers) await s.stop();

    const slots = ran.map((r) => r.slot);
    expect(slots.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length);
    const stats = schedulers.map((s) => s.stats());
    // Every slot was offered to both: one ran it, the other counted it as not elected (but for a last tick
    // that may come to the second after the first stopped).
    expect(stats.reduce((n, s) => n + s.notElected, 0)).toBeGreaterThanOrEqual(ran.length - 1);
    expect(stats.reduce((n, s) => n + s.started, 0)).toBe(ran.length);
  });

  it("finds the slot a moment falls in, stepping back by the schedule's grain", () => {
    const everyTenMinutes = { match: (d: Date) => d.getUTCSeconds() === 0 && d.getUTCMinutes() % 10 === 0 };
    const at = new Date("2026-11-21T08:17:42.500Z");
    expect(currentSlot(everyTenMinutes, at, 20 * 60_000, 60_000)?.toISOString()).toBe(
      "2026-11-21T08:10:00.000Z",
    );
    expect(currentSlot(everyTenMinutes, at, 20 * 60_000)?.toISOString()).toBe("2026-11-21T08:10:00.000Z");
    expect(currentSlot(everyTenMinutes, at, 5 * 60_000, 60_000)).toBeUndefined();
  });
});

describe("one alert dispatcher at a time (a lease in the store)", () => {
  const LEASE = { ttlMs: 600, renewMs: 100, kickCheckMs: 50 };

  it("only the lease holder sends; a kick elsewhere reaches it; another takes over when it stops", async () => {
    store = await openStore("memory:");
    server = await startBotApiServer(TOKEN);
    const kb = miniKb();
    for (const chat of ["1", "2", "3"]) await store.subscribe(chat, CHATAPP_CN);
    const replicas: { d: AlertDispatcher; lines: ReturnType<typeof memoryLog>["lines"] }[] = [];
    for (let i = 0; i < 2; i++) {
      const { log, lines } = memoryLog();
      const d = createAlertDispatcher({
        store,
        kb,
        log,
        telegram: telegrafSender(new Telegram(TOKEN, { apiRoot: server.apiRoot })),
        config: RATES,
        // The outbox is not polled during the test: only kicks (and kick marks) get changes planned.
        tuning: { ...FAST_TUNING, pollIntervalMs: 60_000 },
        lease: LEASE,
      });
      replicas.push({ d, lines });
    }
    for (const r of replicas) running.push(r.d);
    for (const r of replicas) await r.d.start();
    const taken = () =>
      replicas.map((r) => r.lines.filter((l) => l.msg.startsWith("alert lease taken")).length);
    expect(taken().sort()).toEqual([0, 1]);
    const holder = taken()[0] === 1 ? 0 : 1;
    const other = 1 - holder;

    // A change confirmed on the replica without the lease: its kick is a mark the holder follows.
    await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));
    await replicas[other]?.d.kick();
    await waitFor(
      "the first alert to every subscriber",
      () => acceptedByChat(server?.sends ?? []).size === 3,
    );

    // The holder stops (releasing the lease): the other takes over and sends the next change.
    await replicas[holder]?.d.stop();
    await queueChange(store, change(CHATAPP_CN, "accessible", "2026-11-21T09:00:00.000Z"));
    await waitFor("the other replica to take the lease", () => taken()[other] === 1);
    await replicas[other]?.d.kick();
    await waitFor("the second alert", () =>
      [...acceptedByChat(server?.sends ?? []).values()].every((sends) => sends.length === 2),
    );
    await sleep(300);
    const byChat = acceptedByChat(server.sends);
    expect([...byChat.keys()].sort()).toEqual(["1", "2", "3"]);
    for (const sends of byChat.values()) expect(sends).toHaveLength(2);
  });
});

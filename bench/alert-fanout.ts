import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { StatusChange } from "../analysis/status-engine.js";
import { createAlertDispatcher } from "../bot/alerts/dispatcher.js";
import { telegrafSender } from "../bot/alerts/telegram-sender.js";
import { botApiClient } from "../bot/api-transport.js";
import { createLogger } from "../core/log.js";
import { loadKnowledgeBase } from "../kb/load.js";
import type { Store } from "../model/store.js";
import { openStore } from "../store/open.js";
import type { BotApiWorkerData, BotApiWorkerReady, LoggedSend } from "./bot-api-worker.js";
import type { Figure } from "./probe-cycle.js";

// One status change fanned out to 10,000 subscribers through the real dispatcher, the bot's Bot API client
// (telegraf's, with the bot's JSON transport) and a SQLite store, against the loopback Bot API server,
// which answers 5% of sends 429 (retry_after 1 s). Every
// figure is measured on the server's arrival log, where Telegram counts. Targets: the send rate within 5%
// of the cap while sends are waiting, no subscriber without the alert, none with it twice, and never more
// than the cap in any second.

export interface AlertFanoutBenchOptions {
  subscribers: number;
  /** ALERT_RATE_GLOBAL; above 30 it needs ALERT_PAID_BROADCAST, which the bench then turns on. */
  ratePerSecond: number;
  /** Every n-th request is answered 429 (20: 5%). */
  tooManyEvery: number;
  retryAfterSeconds: number;
  /** `sqlite` (a temporary file) or `memory`. */
  store: "sqlite" | "memory";
}

export const DEFAULT_ALERT_FANOUT_BENCH: AlertFanoutBenchOptions = {
  subscribers: 10_000,
  ratePerSecond: 300,
  tooManyEvery: 20,
  retryAfterSeconds: 1,
  store: "sqlite",
};

/**
 * Two runs: 300 a second, and the paid maximum of 1000; ALERT_BENCH_RATE (1-1000; 30 is Telegram's free
 * rate, about six minutes for 10,000) runs that rate alone. ALERT_BENCH_SUBSCRIBERS and ALERT_BENCH_STORE
 * (sqlite or memory) change the others. At 1000 a second a request costs the sender and the loopback
 * server about a millisecond of CPU together, a whole core: there the figure also measures how much CPU
 * the rest of the machine leaves (see the CPU figures printed beside it).
 */
export function alertFanoutRuns(env: NodeJS.ProcessEnv = process.env): AlertFanoutBenchOptions[] {
  const number = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const base: AlertFanoutBenchOptions = {
    ...DEFAULT_ALERT_FANOUT_BENCH,
    subscribers: number(env.ALERT_BENCH_SUBSCRIBERS, DEFAULT_ALERT_FANOUT_BENCH.subscribers),
    store: env.ALERT_BENCH_STORE === "memory" ? "memory" : DEFAULT_ALERT_FANOUT_BENCH.store,
  };
  const rates =
    env.ALERT_BENCH_RATE === undefined ? [300, 1000] : [Math.min(1000, number(env.ALERT_BENCH_RATE, 300))];
  return rates.map((ratePerSecond) => ({ ...base, ratePerSecond }));
}

const TOKEN = "123456789:AAHbenchbenchbenchbenchbenchbench00";
const TARGET = { service: "whatsapp", country: "CN" };

export async function runAlertFanoutBench(options: AlertFanoutBenchOptions): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), "isblocked-bench-"));
  const data: BotApiWorkerData = {
    token: TOKEN,
    tooManyEvery: options.tooManyEvery,
    retryAfterSeconds: options.retryAfterSeconds,
  };
  const worker = new Worker(new URL("./bot-api-worker.js", import.meta.url), { workerData: data });
  const [{ apiRoot }] = (await once(worker, "message")) as [BotApiWorkerReady];
  let store: Store | undefined;
  try {
    store = await openStore(options.store === "sqlite" ? `sqlite://${join(dir, "bench.sqlite")}` : "memory:");
    const setup = await subscribe(store, options.subscribers);
    const dispatcher = createAlertDispatcher({
      store,
      kb: loadKnowledgeBase(),
      telegram: telegrafSender(botApiClient(TOKEN, { apiRoot })),
      config: {
        alertRateGlobal: options.ratePerSecond,
        alertRatePrivate: 1,
        alertRateGroup: 20,
        alertPaidBroadcast: options.ratePerSecond > 30,
        digestHour: 8,
      },
      log: createLogger({ level: "silent" }),
    });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await dispatcher.start();
    const planned = performance.now();
    await dispatcher.idle();
    const finished = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    await dispatcher.stop();
    worker.postMessage("log");
    const [sends] = (await once(worker, "message")) as [LoggedSend[]];
    return figures(options, sends, {
      setupMs: setup,
      planMs: planned - started,
      totalMs: finished - started,
      cpuMs: (user + system) / 1000,
    });
  } finally {
    await store?.close();
    await worker.terminate();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Subscribes chats 1..n and queues the change; resolves to how long it took. */
async function subscribe(store: Store, subscribers: number): Promise<number> {
  const started = performance.now();
  const chats = Array.from({ length: subscribers }, (_, n) => String(1_000_000 + n));
  for (let i = 0; i < chats.length; i += 500) {
    await Promise.all(chats.slice(i, i + 500).map((chatId) => store.subscribe(chatId, TARGET)));
  }
  const at = "2026-11-21T08:00:00.000Z";
  const change: StatusChange = {
    id: `${TARGET.service}/${TARGET.country}/${at}`,
    target: TARGET,
    from: "accessible",
    to: "partial",
    since: at,
    at,
    mechanism: "tls",
    features: [
      { feature: "text", status: "ok", mechanism: null },
      { feature: "media", status: "blocked", mechanism: "tls" },
    ],
  };
  await store.updateEngineState(TARGET, () => ({
    state: { confirmed: null, candidate: null, observedAt: at },
    change,
  }));
  return performance.now() - started;
}

function figures(
  options: AlertFanoutBenchOptions,
  sends: readonly LoggedSend[],
  times: { setupMs: number; planMs: number; totalMs: number; cpuMs: number },
): Figure[] {
  const cap = options.ratePerSecond;
  const accepted = new Map<string, number>();
  const firstTry = new Map<string, number>();
  for (const send of sends) {
    if (send.status === 200) accepted.set(send.chatId, (accepted.get(send.chatId) ?? 0) + 1);
    if (!firstTry.has(send.chatId)) firstTry.set(send.chatId, send.receivedAt);
  }
  const lost = options.subscribers - accepted.size;
  const duplicated = [...accepted.values()].reduce((sum, n) => sum + n - 1, 0);
  const arrivals = sends.map((s) => s.receivedAt).sort((a, b) => a - b);
  const start = arrivals[0] ?? 0;
  // While sends were waiting: until every chat had its first try. After that only the retries of the
  // last 429s are left, each waiting its retry_after: a tail no rate can shorten.
  const busyUntil = Math.max(...firstTry.values());
  const busySends = arrivals.filter((t) => t <= busyUntil).length;
  const sendRate = (busySends - 1) / ((busyUntil - start) / 1000);
  const lastAccepted = Math.max(...sends.filter((s) => s.status === 200).map((s) => s.receivedAt));
  const label = `alert fan-out ${options.subscribers} @ ${cap}/s`;
  return [
    {
      figure: `${label}: send rate below the cap`,
      value: Math.max(0, 100 * (1 - sendRate / cap)),
      target: 5,
      unit: "%",
    },
    { figure: `${label}: subscribers without the alert`, value: lost, target: 0, unit: "" },
    { figure: `${label}: alerts received twice`, value: duplicated, target: 0, unit: "" },
    { figure: `${label}: most sends in any 1 s`, value: maxInWindow(arrivals, 1000), target: cap, unit: "" },
    { figure: `${label}: send rate while sends waited`, value: sendRate, target: null, unit: "/s" },
    {
      figure: `${label}: delivered, first send to last`,
      value: (accepted.size - 1) / ((lastAccepted - start) / 1000),
      target: null,
      unit: "/s",
    },
    { figure: `${label}: requests (429s included)`, value: sends.length, target: null, unit: "" },
    {
      figure: `${label}: planning (subscribers read, job stored)`,
      value: times.planMs / 1000,
      target: null,
      unit: "s",
    },
    { figure: `${label}: start to all delivered`, value: times.totalMs / 1000, target: null, unit: "s" },
    {
      // Both threads: the dispatcher's and the Bot API server's. What limits the rate on a busy machine.
      figure: `${label}: CPU per request, sender and server`,
      value: times.cpuMs / sends.length,
      target: null,
      unit: "ms",
    },
  ];
}

function maxInWindow(sorted: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

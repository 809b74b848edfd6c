import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { Telegraf } from "telegraf";
import { createTelegramBot } from "../bot/telegram.js";
import { SECRET_HEADER, webhookHandler } from "../bot/webhook.js";
import { createLogger } from "../core/log.js";
import { createMetrics } from "../core/metrics.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { openStore } from "../store/open.js";
import { createWebServer } from "../web/server.js";
import type {
  LatencyRun,
  LatencySamples,
  LatencyWorkerData,
  LatencyWorkerReady,
} from "./bot-latency-worker.js";
import type { Figure } from "./probe-cycle.js";
import { timedStore } from "./store-timing.js";

// Question to sendMessage on loopback: the bot (createTelegramBot, memory store, the shipped knowledge base,
// its default rate limits) against a bare telegraf echo bot, measured the same way in the same run. Both
// get each update as an HTTP webhook on 127.0.0.1, each through its own: the bot through the webhook it
// serves in production (bot/webhook.ts, on the web server of web/server.ts), the echo bot through
// telegraf's webhookCallback. Each answers as it does in production: the bot's answer rides in the
// webhook's response (bot/delivery.ts, replyGate); the echo bot's is its own sendMessage, since telegraf
// never puts sendMessage in a webhook reply (its allowlist). The timing, on a thread of its own with the
// loopback Bot API server, ends when the reply begins to reach that thread: the response, or the
// sendMessage. The target: our p50 and p99 within 1.5× the echo bot's.
//
// Five questions are asked in turn, each from a new person: within a second, the bot gives a question's
// answer again (bot/ask.ts), so most answers here are ones given again, as when many ask the same at once.
// Then once more on the SQLite store, the embedded default, with the same target: statuses and report
// counts come from the store's in-process cache (store/status-cache.ts), as do the settings of a chat seen
// before; every question here comes from a new chat, so an answer's remaining SQLite statements are the
// read of that chat's settings (none) and the update claim's write, which the echo bot never makes.
// Last, on SQLite with every question its own (a trailing " #<round>"): every answer built, none given
// again; reported without a target.

export interface BotLatencyBenchOptions {
  rounds: number;
  warmup: number;
}

// 3000 rounds: the p99 is then the 30th slowest of each bot, which a stray pause of either thread moves
// far less than the 10th of 1000 (p99 ratios of 0.7 to 1.7 across runs of 1000, 1.0 to 1.4 of 4000).
export const DEFAULT_BOT_LATENCY_BENCH: BotLatencyBenchOptions = { rounds: 3000, warmup: 300 };

const TOKEN = "123456789:AAHbenchbenchbenchbenchbenchbench00";
const SECRET = "bench-webhook-secret";
const TARGET_RATIO = 1.5;

/** One question in each language the bot speaks, asked in turn. */
const QUESTIONS: LatencyRun["questions"] = [
  { text: "is whatsapp blocked in china", languageCode: "en" },
  { text: "微信在中国被封了吗", languageCode: "zh-hans" },
  { text: "Telegram 在中國能用嗎", languageCode: "zh-TW" },
  { text: "ватсап заблокирован в китае?", languageCode: "ru" },
  { text: "آیا تلگرام در ایران فیلتر است", languageCode: "fa" },
];

async function listen(handler: RequestListener, path: string): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}` };
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export async function runBotLatencyBench(options: BotLatencyBenchOptions): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), "isblocked-latency-"));
  try {
    return [
      ...(await measure(options, { storeUrl: "memory:", label: "", target: TARGET_RATIO })),
      ...(await measure(options, {
        storeUrl: `sqlite://${join(dir, "latency.sqlite")}`,
        label: ", SQLite store",
        target: TARGET_RATIO,
      })),
      // Every question its own: each answer is built, none given again (bot/ask.ts). Reported, no target.
      ...(await measure(options, {
        storeUrl: `sqlite://${join(dir, "latency-distinct.sqlite")}`,
        label: ", SQLite store, every question new",
        target: null,
        distinct: true,
      })),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface LatencyCase {
  storeUrl: string;
  /** Added to the figures' label. */
  label: string;
  /** The ratios' target; null: reported only. */
  target: number | null;
  distinct?: boolean;
}

/** One run of both bots, the bot on the store at `storeUrl`. */
async function measure(
  options: BotLatencyBenchOptions,
  { storeUrl, label: storeLabel, target, distinct = false }: LatencyCase,
): Promise<Figure[]> {
  const worker = new Worker(new URL("./bot-latency-worker.js", import.meta.url), {
    workerData: { token: TOKEN } satisfies LatencyWorkerData,
  });
  const [{ apiRoot }] = (await once(worker, "message")) as [LatencyWorkerReady];
  const opened = await openStore(storeUrl);
  const timing = timedStore(opened);
  const servers: Server[] = [];
  try {
    const kb = loadKnowledgeBase();
    const log = createLogger({ level: "silent" });
    const ours = createTelegramBot({
      token: TOKEN,
      apiRoot,
      context: { kb, store: timing.store, defaultCountry: "CN" },
      log,
    });
    const echo = new Telegraf(TOKEN, { telegram: { apiRoot, webhookReply: false } });
    echo.on("text", (ctx) => ctx.reply(ctx.message.text));

    // The bot's webhook as `start` serves it: on the web server, ahead of its routes.
    const web = createWebServer({ store: timing.store, kb, metrics: createMetrics(), log });
    web.mountNode({
      path: "/hook",
      route: "webhook",
      handler: webhookHandler({ secret: SECRET, deliver: ours.deliverByWebhook, accepting: () => true }),
    });
    servers.push(web.server);
    const echoHook = await listen(echo.webhookCallback("/hook"), "/hook");
    servers.push(echoHook.server);
    const hooks: Record<string, string> = {
      echo: echoHook.url,
      isblocked: `http://127.0.0.1:${await web.listen(0, "127.0.0.1")}/hook`,
    };
    const spec: LatencyRun = {
      hooks,
      headers: { [SECRET_HEADER]: SECRET },
      questions: QUESTIONS,
      rounds: options.rounds,
      distinct,
      warmup: options.warmup,
    };
    worker.postMessage(spec);
    const [reply] = (await once(worker, "message")) as [{ samples?: LatencySamples; error?: string }];
    if (!reply.samples) throw new Error(`latency bench failed: ${reply.error}`);
    const label = `bot latency (${options.rounds} questions, webhook → reply${storeLabel})`;
    return [
      ...figures(reply.samples, label, target),
      // Every question of the run, warm-up included, went through the store.
      ...timing.figures(label, options.rounds + options.warmup),
    ];
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    worker.postMessage("close");
    await once(worker, "message");
    await worker.terminate();
    await opened.close();
  }
}

function figures(samples: LatencySamples, label: string, target: number | null): Figure[] {
  const sorted = (bot: string) => [...(samples[bot] ?? [])].sort((a, b) => a - b);
  const echo = sorted("echo");
  const ours = sorted("isblocked");
  const stat = (name: string, values: number[], p: number): Figure => ({
    figure: `${label}: ${name} p${p}`,
    value: percentile(values, p),
    target: null,
    unit: "ms",
  });
  const ratio = (p: number): Figure => ({
    figure: `${label}: isblocked / echo bot, p${p}`,
    value: percentile(ours, p) / percentile(echo, p),
    target,
    unit: "×",
  });
  return [
    stat("echo bot", echo, 50),
    stat("echo bot", echo, 99),
    stat("isblocked", ours, 50),
    stat("isblocked", ours, 99),
    ratio(50),
    ratio(99),
  ];
}

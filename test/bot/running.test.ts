import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Telegraf } from "telegraf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALLOWED_UPDATES, createTelegramBot } from "../../bot/telegram.js";
import { createLogger } from "../../core/log.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { TOKEN, textUpdate, WEBHOOK_URL } from "../scale/support.js";
import { type BotApiServer, readWebhookResponse, startBotApiServer } from "../support/bot-api-server.js";
import { freePort, type StartedProcess, startProcess, waitFor } from "./support/start-process.js";

// Running the bot (issue item 7), against real processes and sockets on loopback: the webhook refuses
// forged calls and handles each update once, a failing or hanging handler never holds up the next update,
// and SIGTERM answers what is in flight, then closes the store, within 10 s. Polling itself is covered by
// telegram-start.test.ts.

const TOKEN_SECRET_PART = TOKEN.split(":")[1] ?? "";
const WEBHOOK_SECRET = "wh_s3cret-Value_7f3a9";
/** The requirement: everything closed within 10 s of SIGTERM. */
const STOP_BOUND_MS = 10_000;

let nextUpdateId = 1000;
function message(chatId: number, text: string, languageCode = "en", updateId = nextUpdateId++) {
  return textUpdate(updateId, chatId, text, languageCode);
}

const sendsTo = (api: BotApiServer, chatId: number) =>
  api.calls.filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId);

let api: BotApiServer | undefined;
let running: StartedProcess | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill("SIGKILL");
    await running.exited;
  }
  running = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await api?.close();
  api = undefined;
  vi.restoreAllMocks();
});

describe("webhook (WEBHOOK_URL set)", () => {
  it("serves WEBHOOK_URL's path on WEB_PORT, refuses forged calls, handles each update once, never logs secrets", async () => {
    api = await startBotApiServer(TOKEN);
    const port = await freePort();
    running = startProcess({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      WEBHOOK_URL,
      WEBHOOK_SECRET,
      WEB_PORT: String(port),
      PROBE_SCHEDULE: "off",
      STORE_URL: "memory:",
      LOG_LEVEL: "debug",
    });

    // The bot tells Telegram (here the loopback Bot API) where to deliver, with the secret and the updates
    // it handles; bot.example.invalid itself is never contacted.
    const setWebhook = await api.waitForCall("setWebhook", 15_000);
    expect(setWebhook.payload).toMatchObject({
      url: WEBHOOK_URL,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    expect(api.calls.some((c) => c.method === "deleteWebhook" || c.method === "getUpdates")).toBe(false);

    const hook = `http://127.0.0.1:${port}/tg/hook`;
    const post = (update: unknown, headers: Record<string, string> = {}, url = hook) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
    const genuine = { "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET };
    /** As Telegram: posts with the secret, then makes the call the response carries. */
    const deliver = async (update: unknown) => {
      const response = await post(update, genuine);
      await api?.followWebhookResponse(await readWebhookResponse(response));
      return response;
    };
    await waitFor("the webhook to listen", () =>
      fetch(hook).then(
        () => true,
        () => false,
      ),
    );

    // Forged calls carry the update id the genuine update will have: were one of them claimed, the genuine
    // update would be dropped as a duplicate.
    const FORGER = 666;
    const first = message(42, "/start", "en", 7001);
    const forged = { ...message(FORGER, "/start", "en", 7001) };
    const wrongSecret = await post(forged, { "X-Telegram-Bot-Api-Secret-Token": "not-the-secret" });
    const noSecret = await post(forged);
    const wrongPath = await post(forged, genuine, `http://127.0.0.1:${port}/tg/other`);
    for (const refused of [wrongSecret, noSecret, wrongPath]) {
      expect(refused.ok, `HTTP ${refused.status}`).toBe(false);
      expect(refused.status).toBeGreaterThanOrEqual(400);
    }

    const delivered = await deliver(first);
    expect(delivered.ok).toBe(true);
    // Telegram delivers again when it did not see the first delivery acknowledged: acknowledged, not handled.
    const redelivered = await deliver(first);
    expect(redelivered.ok).toBe(true);
    // A later genuine update from someone else: once it is answered, everything before it has been too.
    expect((await deliver(message(43, "is whatsapp blocked in china"))).ok).toBe(true);
    await waitFor("the second answer", () => sendsTo(api as BotApiServer, 43).length === 1);

    expect(sendsTo(api, FORGER)).toEqual([]);
    expect(sendsTo(api, 42)).toHaveLength(1);
    expect(String(sendsTo(api, 42)[0]?.payload.text)).toMatch(/^Hello! Ask me whether a service is blocked/);
    expect(String(sendsTo(api, 43)[0]?.payload.text)).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    expect(api.calls.filter((c) => c.method === "sendMessage")).toHaveLength(2);

    const { code, ms } = await running.terminate();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    const logs = running.logs();
    expect(logs).toContain('"duplicate update ignored"');
    expect(logs).toContain('"stopped"');
    expect(logs).not.toContain(TOKEN_SECRET_PART);
    expect(logs).not.toContain(WEBHOOK_SECRET);
  });
});

describe("the error boundary, with the bot polling a real Bot API server", () => {
  async function pollingBot(store: Store, logs: string[]): Promise<Telegraf> {
    const server = api as BotApiServer;
    const bot = createTelegramBot({
      token: TOKEN,
      apiRoot: server.apiRoot,
      context: { kb: realKb(), store, defaultCountry: "CN" },
      log: createLogger({ level: "debug", secrets: [TOKEN], write: (line) => logs.push(line) }),
      handlerTimeoutMs: 500,
    });
    const launched = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] });
    cleanups.push(async () => {
      bot.stop("test over");
      await server.close(); // ends the request left hanging, so the polling loop can finish
      await launched.catch(() => {});
    });
    return bot;
  }

  it("moves on from a handler that hangs: the next update is answered while the first is still stuck", async () => {
    api = await startBotApiServer(TOKEN);
    const store = await openStore("memory:");
    cleanups.push(() => store.close());
    const logs: string[] = [];
    // The first answer to chat 501 is never answered by "Telegram": its handler hangs on it.
    api.onSend({ chatId: 501, times: 1, answer: { kind: "hang" } });
    api.queueUpdate(message(501, "is whatsapp blocked in china"));
    await pollingBot(store, logs);
    await waitFor("the hanging send", () => api?.sends.some((s) => s.chatId === "501") === true);

    api.queueUpdate(message(502, "is telegram blocked in iran"));
    await waitFor("the next update's answer", () => api?.sends.some((s) => s.chatId === "502") === true);
    const [hung] = api.sends.filter((s) => s.chatId === "501");
    expect(hung?.answeredAt).toBeUndefined(); // still stuck when the next person got their answer
    expect(String(sendsTo(api, 502)[0]?.payload.text)).toMatch(/^⛔ <b>Telegram in Iran<\/b>/);

    // The hanging update was abandoned, logged, and its person told.
    await waitFor("the apology", () => sendsTo(api as BotApiServer, 501).length === 2);
    expect(String(sendsTo(api, 501)[1]?.payload.text)).toBe(
      "Sorry, something went wrong while answering. Please try again later.",
    );
    expect(logs.filter((l) => l.includes('"update failed"'))).toHaveLength(1);
    expect(logs.join("\n")).not.toContain(TOKEN_SECRET_PART);
  });

  it("moves on from a handler that throws", async () => {
    api = await startBotApiServer(TOKEN);
    const store = await openStore("memory:");
    cleanups.push(() => store.close());
    const logs: string[] = [];
    vi.spyOn(store, "getChat").mockRejectedValueOnce(new Error("store down"));
    api.queueUpdate(message(503, "is whatsapp blocked in china"));
    await pollingBot(store, logs);
    await waitFor("the apology", () => sendsTo(api as BotApiServer, 503).length === 1);
    expect(String(sendsTo(api, 503)[0]?.payload.text)).toBe(
      "Sorry, something went wrong while answering. Please try again later.",
    );

    api.queueUpdate(message(504, "is whatsapp blocked in china"));
    await waitFor("the next answer", () => sendsTo(api as BotApiServer, 504).length === 1);
    expect(String(sendsTo(api, 504)[0]?.payload.text)).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    const failures = logs.filter((l) => l.includes('"update failed"'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("store down");
  });
});

describe("SIGTERM", () => {
  function startPolling(storeFile: string): StartedProcess {
    return startProcess({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: (api as BotApiServer).apiRoot,
      PROBE_SCHEDULE: "off",
      WEB_PORT: "0",
      STORE_URL: `sqlite://${storeFile}`,
      LOG_LEVEL: "debug",
    });
  }

  it("answers the updates in flight, then closes the store, and exits 0 within 10 s", async () => {
    api = await startBotApiServer(TOKEN);
    const dir = mkdtempSync(join(tmpdir(), "isblocked-sigterm-"));
    const storeFile = join(dir, "bot.sqlite");
    // A slow Telegram: every answer takes 2 s, so the updates are still in flight when SIGTERM comes.
    api.onSend({ answer: { kind: "ok", delayMs: 2000 } });
    api.queueUpdate(message(601, "/subscribe whatsapp cn"));
    api.queueUpdate(message(602, "is whatsapp blocked in china", "ru"));
    running = startPolling(storeFile);
    await waitFor("both answers to be on their way", () => (api?.sends.length ?? 0) === 2);

    const { code, ms } = await running.terminate();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    // The bot waited for Telegram's answers: both were written to a connection still open.
    expect(api.sends.map((s) => [s.chatId, s.answeredAt !== undefined]).sort()).toEqual([
      ["601", true],
      ["602", true],
    ]);
    const logs = running.logs();
    expect(logs).toContain('"reason":"SIGTERM"');
    expect(logs).not.toContain("stopped with updates still in flight");
    expect(logs).toContain('"stopped"');
    expect(logs).not.toContain(TOKEN_SECRET_PART);

    // The store was closed cleanly (SQLite removes the write-ahead log on the last clean close) and opens
    // again, with the subscription made by the update that was in flight.
    expect(existsSync(`${storeFile}-wal`)).toBe(false);
    const store = await openStore(`sqlite://${storeFile}`);
    try {
      expect(await store.subscriptionsOf("601")).toEqual([
        expect.objectContaining({ service: "whatsapp", country: "CN" }),
      ]);
      await store.subscribe("602", { service: "telegram", country: "IR" });
    } finally {
      await store.close();
    }
  });

  it("still exits within 10 s, store closed, when Telegram never answers an update in flight", async () => {
    api = await startBotApiServer(TOKEN);
    const dir = mkdtempSync(join(tmpdir(), "isblocked-sigterm-"));
    const storeFile = join(dir, "bot.sqlite");
    api.onSend({ answer: { kind: "hang" } });
    api.queueUpdate(message(603, "/subscribe telegram ir"));
    running = startPolling(storeFile);
    await waitFor("the answer to be on its way", () => (api?.sends.length ?? 0) === 1);

    const { code, ms } = await running.terminate();
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(code).toBe(0);
    const logs = running.logs();
    expect(logs).toContain("stopped with updates still in flight");
    expect(logs).toContain('"stopped"');
    expect(existsSync(`${storeFile}-wal`)).toBe(false);
    const store = await openStore(`sqlite://${storeFile}`);
    try {
      expect(await store.subscriptionsOf("603")).toEqual([
        expect.objectContaining({ service: "telegram", country: "IR" }),
      ]);
    } finally {
      await store.close();
    }
  });
});

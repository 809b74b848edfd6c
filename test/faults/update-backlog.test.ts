import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

// A day of backlog: the bot was down for 24 hours and Telegram holds 5,000 updates for it, dated over
// that day. `isblocked start` polls the loopback Bot API server, which hands them out as Telegram does
// (at most 100 a call, each call's offset confirming the ones before). Every update is answered once.

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
const UPDATES = 5000;
const DAY_S = 24 * 60 * 60;
const FIRST_CHAT = 300_000;

let api: BotApiServer | undefined;
let running: StartedProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill("SIGKILL");
    await running.exited;
  }
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One person's question, sent `secondsAgo` before now. */
function question(n: number, nowS: number) {
  const chatId = FIRST_CHAT + n;
  const secondsAgo = DAY_S - Math.floor((n * DAY_S) / UPDATES);
  return {
    update_id: 50_000 + n,
    message: {
      message_id: 1 + n,
      date: nowS - secondsAgo,
      chat: { id: chatId, type: "private", first_name: "Lin" },
      from: { id: chatId, is_bot: false, first_name: "Lin", language_code: "en" },
      text: "is whatsapp blocked in china",
    },
  };
}

describe("a 24-hour backlog", () => {
  it(`answers each of ${UPDATES} pending updates once`, async () => {
    api = await startBotApiServer(TOKEN);
    const nowS = Math.floor(Date.now() / 1000);
    for (let n = 0; n < UPDATES; n++) api.queueUpdate(question(n, nowS));
    dir = mkdtempSync(join(tmpdir(), "isblocked-backlog-"));
    const started = performance.now();
    running = startProcess({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      PROBE_SCHEDULE: "off",
      WEB_PORT: "0",
      STORE_URL: `sqlite://${join(dir, "bot.sqlite")}`,
    });
    const answered = () => api?.sends.filter((s) => s.status === 200).length ?? 0;
    await waitFor("every update answered", () => answered() >= UPDATES, 240_000);
    const seconds = (performance.now() - started) / 1000;
    // Stopped before counting: whatever it would still send is sent by then, and counted.
    const { code } = await running.terminate();

    const perChat = new Map<string, number>();
    for (const send of api.sends) perChat.set(send.chatId, (perChat.get(send.chatId) ?? 0) + 1);
    const expected = Array.from({ length: UPDATES }, (_, n) => String(FIRST_CHAT + n));
    const missing = expected.filter((id) => !perChat.has(id));
    const repeated = expected.filter((id) => (perChat.get(id) ?? 0) > 1);
    const wrong = api.sends.filter((s) => !s.text.startsWith("⛔ <b>WhatsApp in China</b>"));
    const delivered = api.batches.reduce((sum, size) => sum + size, 0);
    console.log(
      `fault update-backlog: ${UPDATES} updates over 24 h, answered ${perChat.size}, missing ${missing.length}, answered twice ${repeated.length}, other answers ${wrong.length}, handed out ${delivered} in ${api.batches.length} getUpdates (largest ${Math.max(...api.batches)}), ${seconds.toFixed(1)} s (${(UPDATES / seconds).toFixed(0)} updates/s)`,
    );
    expect(code).toBe(0);
    expect(missing).toEqual([]);
    expect(repeated).toEqual([]);
    expect(wrong).toEqual([]);
    expect(api.sends).toHaveLength(UPDATES);
    // Each update left the server once: the bot's offsets confirmed every batch it took.
    expect(delivered).toBe(UPDATES);
    expect(Math.max(...api.batches)).toBeLessThanOrEqual(100);
  }, 300_000);
});

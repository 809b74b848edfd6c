import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../store/open.js";
import { type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import { textMessage } from "../bot/support/updates.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

// An unwritable database: another connection holds SQLite's write lock for longer than the store's busy
// timeout (tests run as root, for whom chmod changes nothing). A /subscribe sent meanwhile must not be
// answered "subscribed": the person is told to try again, and nothing is stored. Once the lock is gone,
// the same command subscribes, which it would not ("already subscribed") had the first left anything.

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
const PERSON = { id: 810_001, first_name: "Lin", language_code: "en" };
const holderScript = fileURLToPath(new URL("./sqlite-lock-holder.mjs", import.meta.url));
const SUBSCRIBED = "🔔 Subscribed: this chat gets a message when the status of WhatsApp in China changes.";
const TRY_AGAIN = /try again/i;

let api: BotApiServer | undefined;
let running: StartedProcess | undefined;
let holder: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  holder?.kill("SIGKILL");
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill("SIGKILL");
    await running.exited;
  }
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the lock holder; resolves once it holds the lock, with a function that lets go. */
async function holdWriteLock(path: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [holderScript, path], { stdio: ["pipe", "pipe", "pipe"] });
  holder = child;
  let out = "";
  child.stdout?.on("data", (data) => {
    out += data;
  });
  child.stderr?.on("data", (data) => {
    out += data;
  });
  await waitFor("the write lock", () => out.includes("locked") || child.exitCode !== null);
  expect(out).toContain("locked");
  return async () => {
    child.stdin?.write("release\n");
    await waitFor("the lock released", () => child.exitCode !== null);
    expect(out).toContain("released");
  };
}

const answersTo = (server: BotApiServer) => server.sends.filter((s) => s.chatId === String(PERSON.id));

describe("an unwritable database", () => {
  it('never answers "subscribed" and stores nothing while writes fail', async () => {
    api = await startBotApiServer(TOKEN);
    dir = mkdtempSync(join(tmpdir(), "isblocked-locked-"));
    const file = join(dir, "bot.sqlite");
    running = startProcess({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      PROBE_SCHEDULE: "off",
      WEB_PORT: "0",
      STORE_URL: `sqlite://${file}`,
    });
    const bot = running;
    await waitFor("the bot to poll", () => bot.logs().includes("telegram bot connected"));

    const release = await holdWriteLock(file);
    const started = performance.now();
    api.queueUpdate(textMessage("/subscribe whatsapp cn", PERSON));
    await waitFor("the answer", () => answersTo(api as BotApiServer).length === 1, 30_000);
    const waitedMs = performance.now() - started;
    const refusal = answersTo(api)[0]?.text ?? "";
    await release();

    api.queueUpdate(textMessage("/subscribe whatsapp cn", PERSON));
    await waitFor("the second answer", () => answersTo(api as BotApiServer).length === 2, 30_000);
    const second = answersTo(api)[1]?.text ?? "";
    const { code } = await running.terminate();
    const store = await openStore(`sqlite://${file}`);
    const stored = await store.subscriptionsOf(String(PERSON.id)).finally(() => store.close());

    console.log(
      `fault unwritable-database: answered after ${(waitedMs / 1000).toFixed(1)} s with ${JSON.stringify(refusal)}; after the lock: ${JSON.stringify(second)}; subscriptions stored ${stored.length}`,
    );
    expect(refusal).not.toContain("Subscribed");
    expect(refusal).toMatch(TRY_AGAIN);
    // Nothing was stored by the refused command: the retry is a first subscription, not "already".
    expect(second).toBe(SUBSCRIBED);
    expect(stored).toEqual([expect.objectContaining({ service: "whatsapp", country: "CN" })]);
    expect(code).toBe(0);
  }, 90_000);
});

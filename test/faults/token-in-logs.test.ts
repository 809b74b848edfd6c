import { describe, expect, it } from "vitest";
import { webhookSecretOf } from "../../core/config.js";
import { freePort, startProcess, waitFor } from "../bot/support/start-process.js";
import { textUpdate } from "../scale/support.js";
import { startBotApiServer } from "../support/bot-api-server.js";

// The Bot API unreachable (TELEGRAM_API_ROOT on a closed loopback port) with LOG_LEVEL=debug: every line
// `isblocked start` writes, on stdout and stderr, is searched for the bot token and for each of its parts,
// plain and URL-encoded (a request URL holds the token as /bot<token>/).

const BOT_ID = "7301946521";
const SECRET = "AAG_k3yS3cr3t-Part0fTheT0ken_xYz9876";
const TOKEN = `${BOT_ID}:${SECRET}`;
// The part before the colon is the bot's own user id, public (getMe, every chat with the bot shows it):
// telegraf's own error messages (uploads, polling) keep it, as `/bot<id>:[REDACTED]/`. The bot's JSON
// transport names the method and never the URL. Every other part is secret.
const FORMS = [TOKEN, SECRET, encodeURIComponent(TOKEN), SECRET.slice(0, 12), SECRET.slice(-12)];

describe("the Bot API unreachable, debug logging on", () => {
  it("never writes the bot token or any part of it", async () => {
    const closedPort = await freePort();
    const running = startProcess({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closedPort}`,
      LOG_LEVEL: "debug",
      PROBE_SCHEDULE: "off",
      WEB_PORT: "0",
      STORE_URL: "memory:",
    });
    // It waits for Telegram, retrying with backoff: stopped once it said so and retried at least once.
    await waitFor(
      "a second attempt to reach Telegram",
      () => (running.logs().match(/"telegram not reached"/g) ?? []).length >= 2,
      20_000,
    );
    running.child.kill("SIGTERM");
    const code = await running.exited;
    const output = running.logs();
    const lines = output.split("\n").filter((l) => l.trim() !== "");
    const leaks = FORMS.filter((form) => output.includes(form));
    console.log(
      `fault token-in-logs: ${lines.length} lines, ${leaks.length} containing the token or a part of it, exit ${code}`,
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(output).toContain("Telegram unreachable since");
    // The failure is logged with its reason, which is where a request URL would have carried the token.
    expect(output).toContain(`Bot API getMe: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
    expect(leaks).toEqual([]);
    // The id alone is there, and only before a redaction: never followed by any of the secret.
    expect(
      output
        .split(BOT_ID)
        .slice(1)
        .every((after) => after.startsWith(":[REDACTED]")),
    ).toBe(true);
  }, 60_000);
});

describe("webhook mode with DEBUG=telegraf:*", () => {
  const GIVEN = "wh_given-Secret_8d2f6b1c9e";
  it.each([
    ["a given WEBHOOK_SECRET", GIVEN],
    ["the secret derived when WEBHOOK_SECRET is unset", undefined],
  ])(
    "never writes the bot token or %s",
    async (_, given) => {
      const secret = given ?? webhookSecretOf(TOKEN);
      const api = await startBotApiServer(TOKEN);
      const port = await freePort();
      const running = startProcess({
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: api.apiRoot,
        WEBHOOK_URL: "https://bot.example.invalid/tg/hook",
        ...(given ? { WEBHOOK_SECRET: given } : {}),
        DEBUG: "telegraf:*",
        LOG_LEVEL: "debug",
        PROBE_SCHEDULE: "off",
        WEB_PORT: String(port),
        STORE_URL: "memory:",
      });
      try {
        await waitFor("the webhook", () => running.logs().includes("telegram bot connected"), 30_000);
        // Registered with Telegram: the secret did travel, only to the Bot API.
        expect((await api.waitForCall("setWebhook")).payload.secret_token).toBe(secret);
        const post = (header: string, update: unknown) =>
          fetch(`http://127.0.0.1:${port}/tg/hook`, {
            method: "POST",
            headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": header },
            body: JSON.stringify(update),
          }).then((r) => r.status);
        // A guess that shares most of the secret: what telegraf's debug output used to print.
        expect(await post(`${secret.slice(0, -1)}x`, textUpdate(1, 42, "/start"))).toBe(403);
        expect(await post(secret, textUpdate(2, 42, "is whatsapp blocked in china"))).toBe(200);
      } finally {
        await running.terminate();
        await api.close();
      }
      const output = running.logs();
      const forms = [...FORMS, secret, encodeURIComponent(secret), secret.slice(0, 12), secret.slice(-12)];
      const leaks = forms.filter((form) => output.includes(form));
      const lines = output.split("\n").filter((l) => l.trim() !== "");
      console.log(
        `fault token-in-logs (webhook, DEBUG=telegraf:*, ${given ? "given" : "derived"} secret): ${lines.length} lines, ${lines.filter((l) => l.includes("telegraf:")).length} of them telegraf's debug output, ${leaks.length} containing the token, the secret or a part of either`,
      );
      // telegraf's debug output is on, and speaks of the update it handled.
      expect(output).toMatch(/telegraf:\S+ /);
      if (!given) expect(output).toContain("webhook secret derived from the bot token and registered");
      expect(leaks).toEqual([]);
    },
    60_000,
  );
});

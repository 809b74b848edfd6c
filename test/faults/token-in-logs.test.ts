import { describe, expect, it } from "vitest";
import { freePort, startProcess } from "../bot/support/start-process.js";

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
    // It gives up on Telegram and exits by itself; a SIGTERM after 20 s ends it otherwise.
    const timer = setTimeout(() => running.child.kill("SIGTERM"), 20_000);
    const code = await running.exited;
    clearTimeout(timer);
    const output = running.logs();
    const lines = output.split("\n").filter((l) => l.trim() !== "");
    const leaks = FORMS.filter((form) => output.includes(form));
    console.log(
      `fault token-in-logs: ${lines.length} lines, ${leaks.length} containing the token or a part of it, exit ${code}`,
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(output).toContain("telegram bot failed");
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

import { afterEach, describe, expect, it } from "vitest";
import { botApiClient } from "../../bot/api-transport.js";
import {
  BotTokenRejectedError,
  connectTelegram,
  retryDelayMs,
  telegramReachability,
  watchPolling,
} from "../../bot/telegram-connection.js";
import { createLogger } from "../../core/log.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { freePort } from "./support/start-process.js";

// Telegram unreachable at start and later: the bot waits for it with backoff and says so once per change,
// against a real Bot API server on loopback (or a closed port); a token Telegram rejects stops it.

const TOKEN = "123456:TEST-connection-token";

/** Logged lines as {level, msg}, and a clock that moves as the test says. */
function logged() {
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  let now = Date.parse("2026-12-07T10:00:00Z");
  const log = createLogger({
    level: "info",
    write: (line) => lines.push(JSON.parse(line)),
    now: () => new Date(now),
  });
  return {
    lines,
    log,
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("telegramReachability", () => {
  it("says once when Telegram is lost and once when it is back, whatever happens in between", () => {
    const { lines, log, now, advance } = logged();
    const reachability = telegramReachability(log, now);
    reachability.succeeded();
    reachability.failed(new Error("connect ECONNREFUSED 127.0.0.1:9"));
    advance(30_000);
    reachability.failed(new Error("connect ECONNREFUSED 127.0.0.1:9"));
    reachability.failed(new Error("socket hang up"));
    advance(15_000);
    reachability.succeeded();
    reachability.succeeded();
    expect(lines.map(({ level, msg, reason, downForS }) => ({ level, msg, reason, downForS }))).toEqual([
      {
        level: "warn",
        msg: "Telegram unreachable since 2026-12-07T10:00:00.000Z, retrying",
        reason: "connect ECONNREFUSED 127.0.0.1:9",
        downForS: undefined,
      },
      { level: "info", msg: "Telegram reachable again", reason: undefined, downForS: 45 },
    ]);
  });
});

describe("connectTelegram", () => {
  let server: BotApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("retries with backoff until Telegram answers, then gives the bot's user", async () => {
    server = await startBotApiServer(TOKEN);
    let refusals = 3;
    server.script("getMe", () =>
      refusals-- > 0
        ? { error_code: 502, description: "Bad Gateway" }
        : { result: { id: 123456, is_bot: true, first_name: "isblocked", username: "isblocked_test_bot" } },
    );
    const { lines, log } = logged();
    const waits: number[] = [];
    const me = await connectTelegram(botApiClient(TOKEN, { apiRoot: server.apiRoot }), {
      log,
      reachability: telegramReachability(log),
      signal: new AbortController().signal,
      delayMs: (retry) => {
        waits.push(retry);
        return 1;
      },
    });
    expect(me.username).toBe("isblocked_test_bot");
    expect(waits).toEqual([1, 2, 3]);
    expect(lines.map((l) => `${l.level} ${l.msg.replace(/since \S+,/, "since …,")}`)).toEqual([
      "warn Telegram unreachable since …, retrying",
      "info Telegram reachable again",
    ]);
  });

  it("waits 1 s, doubling, at most a minute; a stop ends the wait", async () => {
    expect([1, 2, 3, 6, 7, 20].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 32_000, 60_000, 60_000]);
    // No server at all: the first attempt fails; the signal ends the 1 s wait it then starts.
    const closedPort = await freePort();
    const { log } = logged();
    const stop = new AbortController();
    const started = Date.now();
    const waiting = connectTelegram(botApiClient(TOKEN, { apiRoot: `http://127.0.0.1:${closedPort}` }), {
      log,
      reachability: telegramReachability(log),
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 200);
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops at once, naming BOT_TOKEN, when Telegram rejects the token", async () => {
    server = await startBotApiServer(TOKEN);
    server.script("getMe", () => ({ error_code: 401, description: "Unauthorized" }));
    const { lines, log } = logged();
    const attempt = connectTelegram(botApiClient(TOKEN, { apiRoot: server.apiRoot }), {
      log,
      reachability: telegramReachability(log),
      signal: new AbortController().signal,
      delayMs: () => 1,
    });
    await expect(attempt).rejects.toBeInstanceOf(BotTokenRejectedError);
    await expect(attempt).rejects.toThrow("BOT_TOKEN: Telegram rejected the token; check it with @BotFather");
    // Not network trouble: nothing said about reachability, one attempt only.
    expect(lines).toEqual([]);
    expect(server.calls.filter((c) => c.method === "getMe")).toHaveLength(1);
  });
});

describe("watchPolling", () => {
  it("tells when long polling loses Telegram and when it has it again", async () => {
    const port = await freePort();
    let server = await startBotApiServer(TOKEN, { port });
    try {
      const telegram = botApiClient(TOKEN, { apiRoot: server.apiRoot });
      const { lines, log } = logged();
      watchPolling(telegram, telegramReachability(log));
      const poll = () => telegram.callApi("getUpdates", { timeout: 0 });
      await poll();
      // Telegram gone: nothing listens on its port for two polls.
      await server.close();
      await expect(poll()).rejects.toThrow();
      await expect(poll()).rejects.toThrow();
      server = await startBotApiServer(TOKEN, { port });
      await poll();
      // Other methods are not polling: their failures are their callers' to report.
      server.script("getMe", () => ({ error_code: 502, description: "Bad Gateway" }));
      await expect(telegram.getMe()).rejects.toThrow("502");
      expect(lines.map((l) => `${l.level} ${l.msg.replace(/since \S+,/, "since …,")}`)).toEqual([
        "warn Telegram unreachable since …, retrying",
        "info Telegram reachable again",
      ]);
    } finally {
      await server.close();
    }
  });
});

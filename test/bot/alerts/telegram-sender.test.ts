import { createServer } from "node:net";
import { Telegram } from "telegraf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AlertTelegram, NO_ANSWER, telegrafSender } from "../../../bot/alerts/telegram-sender.js";
import { botApiClient } from "../../../bot/api-transport.js";
import { type BotApiServer, startBotApiServer } from "../../support/bot-api-server.js";
import { TOKEN } from "./support.js";

// The adapter over telegraf, against the loopback Bot API server: Telegram's answers come back as data.
// The bot's own client sends through its JSON transport (bot/api-transport.ts): both must read the same.

const options = { paidBroadcast: false, timeoutMs: 2000 };

const CLIENTS = [
  { client: "telegraf's own client", telegram: (apiRoot: string) => new Telegram(TOKEN, { apiRoot }) },
  { client: "the bot's JSON transport", telegram: (apiRoot: string) => botApiClient(TOKEN, { apiRoot }) },
];

describe.each(CLIENTS)("telegrafSender over $client", ({ telegram: client }) => {
  let server: BotApiServer;
  let sender: AlertTelegram;

  beforeEach(async () => {
    server = await startBotApiServer(TOKEN);
    sender = telegrafSender(client(server.apiRoot));
  });
  afterEach(async () => {
    await server.close();
  });

  it("sends HTML without link previews, paid broadcast only when asked, and returns the message id", async () => {
    expect(await sender.sendMessage("42", "<b>hi</b>", options)).toEqual({ ok: true, message_id: 1 });
    expect(await sender.sendMessage("-1001", "x", { ...options, paidBroadcast: true })).toEqual({
      ok: true,
      message_id: 2,
    });
    expect(server.sends.map((s) => s.payload)).toEqual([
      { chat_id: "42", text: "<b>hi</b>", parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      {
        chat_id: "-1001",
        text: "x",
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        allow_paid_broadcast: true,
      },
    ]);
  });

  it("returns Telegram's refusals with their parameters", async () => {
    server.onSend({ times: 1, answer: { kind: "too-many-requests", retryAfter: 3 } });
    server.onSend({ times: 1, answer: { kind: "forbidden" } });
    server.onSend({ times: 1, answer: { kind: "migrated", to: -1001234567890 } });
    server.onSend({ times: 1, answer: { kind: "server-error", status: 502 } });
    const results = [];
    for (let n = 0; n < 4; n++) results.push(await sender.sendMessage("-5", "x", options));
    expect(results).toEqual([
      {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 3",
        parameters: { retry_after: 3 },
      },
      { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user", parameters: {} },
      {
        ok: false,
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: -1001234567890 },
      },
      { ok: false, error_code: 502, description: "Bad Gateway", parameters: {} },
    ]);
  });

  it("gives up waiting after the timeout: no answer, error code 0", async () => {
    server.onSend({ answer: { kind: "hang" } });
    const started = Date.now();
    expect(await sender.sendMessage("1", "x", { ...options, timeoutMs: 200 })).toEqual({
      ok: false,
      error_code: NO_ANSWER,
      description: "no answer within 200 ms",
      parameters: {},
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("runs against a loopback server on a fixed port as on an ephemeral one", async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const { port } = free.address() as { port: number };
    await new Promise((resolve) => free.close(resolve));
    const fixed = await startBotApiServer(TOKEN, { port });
    try {
      expect(fixed.apiRoot).toBe(`http://127.0.0.1:${port}`);
      const onFixed = telegrafSender(client(fixed.apiRoot));
      expect(await onFixed.sendMessage("3", "x", options)).toEqual({ ok: true, message_id: 1 });
    } finally {
      await fixed.close();
    }
  });

  it("reports a refused connection without the token", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = telegrafSender(client(`http://127.0.0.1:${port}`));
    const result = await nowhere.sendMessage("1", "x", options);
    expect(result).toEqual({
      ok: false,
      error_code: NO_ANSWER,
      description: "no answer: ECONNREFUSED",
      parameters: {},
    });
    expect(JSON.stringify(result)).not.toContain(TOKEN.split(":")[1]);
  });
});

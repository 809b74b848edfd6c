import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Telegram, TelegramError } from "telegraf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BotApiError, BotApiTransport, botApiJson } from "../../bot/api-transport.js";
import { startBotApiServer } from "../support/bot-api-server.js";

// The bot's JSON transport against a raw loopback HTTP server that records each request as it arrived and
// answers as the test says: the same request line as telegraf's, Telegram's answers read as telegraf reads
// them, and failures that never carry the token.

const TOKEN = "123456789:AAHtransporttransporttransport000";
const SECRET = TOKEN.split(":")[1] ?? "";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Answer = (res: ServerResponse, req: IncomingMessage) => void;

const json =
  (status: number, body: unknown): Answer =>
  (res) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

let server: Server;
let root: string;
let received: Received[];
let answer: Answer;

beforeEach(async () => {
  received = [];
  answer = json(200, { ok: true, result: true });
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    answer(res, req);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(options: Partial<Telegram["options"]> = {}): Telegram {
  const telegram = new Telegram(TOKEN, { apiRoot: root, ...options });
  return new BotApiTransport(telegram).attach(telegram);
}

describe("botApiJson", () => {
  const withReplacer = (value: unknown) =>
    JSON.stringify(value, (_k, v: unknown) => (v == null ? undefined : v));

  it("writes what telegraf writes: null and undefined fields left out, at any depth", () => {
    const payloads: unknown[] = [
      { chat_id: 1, text: "plain", reply_markup: undefined },
      { chat_id: 1, text: "null is a word here", entities: [] },
      { chat_id: 1, text: "x", message_thread_id: null },
      { chat_id: 1, reply_markup: { inline_keyboard: [[{ text: "a", url: null, callback_data: "b" }]] } },
      { chat_id: 1, list: [1, null, undefined, "null"] },
    ];
    for (const payload of payloads) expect(botApiJson(payload)).toBe(withReplacer(payload));
    expect(botApiJson({ chat_id: 1, text: "x", message_thread_id: null })).toBe('{"chat_id":1,"text":"x"}');
  });
});

describe("BotApiTransport", () => {
  it("posts JSON to the URL telegraf would, without null or undefined fields", async () => {
    answer = json(200, { ok: true, result: { message_id: 7 } });
    const payload = { chat_id: 42, text: "hi", reply_markup: undefined, message_thread_id: null };
    const viaTransport = await client().callApi("sendMessage", payload as never);
    const viaTelegraf = await new Telegram(TOKEN, { apiRoot: root }).callApi("sendMessage", payload as never);
    expect(viaTransport).toEqual({ message_id: 7 });
    expect(viaTelegraf).toEqual({ message_id: 7 });
    const [ours, theirs] = received;
    expect(ours?.method).toBe("POST");
    expect(ours?.url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(ours?.url).toBe(theirs?.url);
    expect(ours?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(ours?.body ?? "")).toEqual({ chat_id: 42, text: "hi" });
    expect(JSON.parse(ours?.body ?? "")).toEqual(JSON.parse(theirs?.body ?? ""));
    // telegraf's requests say node-fetch; this one is the transport's own.
    expect(theirs?.headers["user-agent"]).toContain("node-fetch");
    expect(ours?.headers["user-agent"]).toBeUndefined();
  });

  it("resolves an API root with a path and the test environment as telegraf does", async () => {
    for (const options of [{ apiRoot: `${root}/proxy/` }, { apiRoot: `${root}/proxy` }, { testEnv: true }]) {
      await client(options).callApi("getMe", {} as never);
      await new Telegram(TOKEN, { apiRoot: root, ...options }).callApi("getMe", {} as never);
    }
    const urls = received.map((r) => r.url);
    expect(urls).toEqual([
      `/proxy/bot${TOKEN}/getMe`,
      `/proxy/bot${TOKEN}/getMe`,
      `/bot${TOKEN}/getMe`,
      `/bot${TOKEN}/getMe`,
      `/bot${TOKEN}/test/getMe`,
      `/bot${TOKEN}/test/getMe`,
    ]);
  });

  it("turns ok: false and HTTP 5xx into telegraf's TelegramError, parameters included", async () => {
    answer = json(429, {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    const refused = await client()
      .callApi("sendMessage", { chat_id: 1, text: "x" } as never)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TelegramError);
    expect((refused as TelegramError).code).toBe(429);
    expect((refused as TelegramError).parameters).toEqual({ retry_after: 3 });
    expect((refused as TelegramError).on).toEqual({
      method: "sendMessage",
      payload: { chat_id: 1, text: "x" },
    });

    answer = (res) => res.writeHead(503, "Service Unavailable").end("<html>down</html>");
    const down = await client()
      .callApi("getMe", {} as never)
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(TelegramError);
    expect((down as TelegramError).response).toEqual({ error_code: 503, description: "Service Unavailable" });
  });

  it("fails with a BotApiError, never the token, when the answer is not JSON or the connection resets", async () => {
    answer = (res) => res.writeHead(200).end("<html>captive portal</html>");
    const garbled = await client()
      .callApi("getMe", {} as never)
      .catch((e: unknown) => e);
    expect(garbled).toBeInstanceOf(BotApiError);
    expect(String(garbled)).toBe("BotApiError: Bot API getMe: HTTP 200 answer is not JSON");

    answer = (_res, req) => req.socket.destroy();
    const reset = await client()
      .callApi("sendMessage", { chat_id: 1, text: "x" } as never)
      .catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(BotApiError);
    expect((reset as BotApiError).code).toBe("ECONNRESET");
    for (const error of [garbled, reset]) {
      expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toContain(SECRET);
    }
  });

  it("stops at the caller's signal with the AbortError telegraf's callers expect", async () => {
    answer = () => {}; // never answers
    const controller = new AbortController();
    const call = client().callApi("sendMessage", { chat_id: 1, text: "x" } as never, {
      signal: controller.signal as never,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await call.catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
  });

  it("leaves uploads and webhook replies to telegraf", async () => {
    const api = await startBotApiServer(TOKEN);
    try {
      const telegram = new Telegram(TOKEN, { apiRoot: api.apiRoot });
      new BotApiTransport(telegram).attach(telegram);
      await telegram.sendPhoto(5, { source: Buffer.from("png bytes"), filename: "chart.png" });
      const [upload] = api.calls;
      expect(upload?.method).toBe("sendPhoto");
      expect(upload?.payload.photo).toMatchObject({ filename: "chart.png", size: 9 });
    } finally {
      await api.close();
    }
    // A client telegraf made for a webhook update, which may answer in the webhook's response.
    const webhookResponse = {} as ConstructorParameters<typeof Telegram>[2];
    const replying = new Telegram(TOKEN, { apiRoot: root, webhookReply: true }, webhookResponse);
    const own = replying.callApi;
    expect(new BotApiTransport(replying).attach(replying).callApi).toBe(own);
    // One with no webhook to answer (the bot's own, for alerts and polling) sends through the transport.
    const polling = new Telegram(TOKEN, { apiRoot: root, webhookReply: true });
    await new BotApiTransport(polling).attach(polling).callApi("getMe", {} as never);
    expect(received.at(-1)?.headers["user-agent"]).toBeUndefined();
  });
});

import { connect } from "node:net";
import type { Update } from "telegraf/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebhookAnswer } from "../../bot/delivery.js";
import { SECRET_HEADER, WEBHOOK_MAX_BODY_BYTES, webhookHandler } from "../../bot/webhook.js";
import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { createWebServer, type WebServer } from "../../web/server.js";
import { miniKb } from "../helpers.js";
import { textUpdate } from "../scale/support.js";

// The webhook (bot/webhook.ts) mounted on a real web server on loopback port 0, as `start` mounts it, in
// front of a recording `deliver`. Raw sockets where the order of bytes on the wire is the point: a
// refusal that comes before the body was sent, a character split across two TCP writes.

const SECRET = "wh_test-Secret_0123456789";
const PATH = "/tg/hook";

describe("the webhook", () => {
  let store: Store;
  let web: WebServer;
  let port: number;
  let delivered: Update[];
  let accepting: boolean;
  let answer: WebhookAnswer;
  /** What the recording `deliver` waits for before it answers. */
  let answerReady: Promise<void>;

  beforeAll(async () => {
    store = await openStore("memory:");
    web = createWebServer({
      store,
      kb: miniKb(),
      metrics: createMetrics(),
      log: createLogger({ level: "silent" }),
    });
    web.mountNode({
      path: PATH,
      route: "webhook",
      handler: webhookHandler({
        secret: SECRET,
        deliver: async (update) => {
          delivered.push(update);
          await answerReady;
          return answer;
        },
        accepting: () => accepting,
      }),
    });
    port = await web.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await web.close();
    await store.close();
  });
  beforeEach(() => {
    delivered = [];
    accepting = true;
    answer = { delivery: "handled" };
    answerReady = Promise.resolve();
  });

  const post = (
    body: NonNullable<RequestInit["body"]>,
    headers: Record<string, string> = { [SECRET_HEADER]: SECRET },
  ) =>
    fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  /** Writes `parts` to a raw connection, one write each, `gapMs` apart; resolves with the whole answer. */
  function raw(parts: (string | Buffer)[], gapMs = 30): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let received = "";
      socket.setNoDelay(true);
      socket.on("data", (d) => {
        received += d;
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(received));
      socket.on("connect", async () => {
        for (const part of parts) {
          if (socket.destroyed || received !== "") break;
          socket.write(part);
          await new Promise((r) => setTimeout(r, gapMs));
        }
      });
    });
  }

  const head = (length: number, secret?: string) =>
    `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close\r\n${secret === undefined ? "" : `${SECRET_HEADER}: ${secret}\r\n`}\r\n`;

  it("hands a genuine update over and acknowledges it once handled", async () => {
    const update = textUpdate(1, 42, "/start");
    const response = await post(JSON.stringify(update));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(delivered).toEqual([update]);
  });

  it("carries the answer's last call in the response, and says when it is written or cannot be", async () => {
    const outcomes: boolean[] = [];
    answer = {
      delivery: "handled",
      reply: {
        method: "sendMessage",
        payload: {
          chat_id: 42,
          text: "⛔ <b>WhatsApp in China</b>",
          parse_mode: "HTML",
          reply_markup: undefined,
        },
      },
      responded: async (written) => {
        outcomes.push(written);
      },
    };
    const response = await post(JSON.stringify(textUpdate(2, 42, "whatsapp cn")));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      method: "sendMessage",
      chat_id: 42,
      text: "⛔ <b>WhatsApp in China</b>",
      parse_mode: "HTML",
    });
    expect(outcomes).toEqual([true]);

    // Telegram gone before the answer is ready (its connection closed): nothing is written, so the update
    // is not recorded as handled, and Telegram delivers it again.
    let release = () => {};
    answerReady = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = JSON.stringify(textUpdate(3, 42, "whatsapp cn"));
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.end(`${head(Buffer.byteLength(body), SECRET)}${body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await expect.poll(() => outcomes).toEqual([true, false]);
  });

  it("refuses a wrong or missing secret with 403 before the body is sent", async () => {
    for (const secret of ["not-the-secret-at-all", `${SECRET}x`, SECRET.slice(0, -1), undefined]) {
      // Headers alone, announcing a body that is never written: the answer comes without it.
      const answered = await raw([head(5000, secret)]);
      expect(answered).toMatch(/^HTTP\/1\.1 403 /);
    }
    expect(
      (await post(JSON.stringify(textUpdate(2, 666, "/start")), { [SECRET_HEADER]: "guess" })).status,
    ).toBe(403);
    expect(delivered).toEqual([]);
  });

  it("answers 405 to any other method, naming POST", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
        method,
        headers: { [SECRET_HEADER]: SECRET },
      });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
    expect(delivered).toEqual([]);
  });

  it("refuses a body over 1 MiB with 413, declared or not", async () => {
    const big = JSON.stringify({ update_id: 3, padding: "x".repeat(WEBHOOK_MAX_BODY_BYTES) });
    expect((await post(big)).status).toBe(413);
    // Declared over the limit: refused from the headers, the body never sent.
    expect(await raw([head(WEBHOOK_MAX_BODY_BYTES + 1, SECRET)])).toMatch(/^HTTP\/1\.1 413 /);
    // Chunked, no length declared: refused once the limit is passed.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(100 * 1024).fill(0x20));
        controller.close();
      },
    });
    const chunked = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      headers: { [SECRET_HEADER]: SECRET },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(delivered).toEqual([]);
  });

  it("refuses with 400 a body that is not JSON, not UTF-8, or not an update", async () => {
    const bodies: NonNullable<RequestInit["body"]>[] = [
      "not json",
      Buffer.from([0x7b, 0x22, 0x75, 0xff, 0xfe, 0x7d]),
      // Valid JSON once U+FFFD stands in for the lone byte: a decoder that is not strict would take it.
      Buffer.concat([
        Buffer.from('{"update_id":4,"message":{"text":"'),
        Buffer.from([0xd9]),
        Buffer.from('"}}'),
      ]),
      "[]",
      "null",
      '{"update_id":-1}',
      '{"update_id":"5"}',
    ];
    for (const body of bodies) expect((await post(body)).status).toBe(400);
    expect(delivered).toEqual([]);
  });

  it("delivers a Persian question split inside a character across two TCP writes intact", async () => {
    const text = "آیا واتساپ در ایران مسدود است؟";
    const body = Buffer.from(JSON.stringify(textUpdate(6, 44, text, "fa")));
    // The first byte of "ا" (0xD8 0xA7) ends the first write, its second byte opens the next.
    const split = body.indexOf(Buffer.from("ا")) + 1;
    expect(body[split - 1]).toBe(0xd8);
    const answered = await raw(
      [head(body.length, SECRET), body.subarray(0, split), body.subarray(split)],
      50,
    );
    expect(answered).toMatch(/^HTTP\/1\.1 200 /);
    expect(delivered).toHaveLength(1);
    expect((delivered[0] as { message: { text: string } }).message.text).toBe(text);
  });

  it("answers 503 with retry-after while stopping, and while another replica holds the update", async () => {
    accepting = false;
    const stopping = await post(JSON.stringify(textUpdate(7, 42, "/start")));
    expect(stopping.status).toBe(503);
    expect(stopping.headers.get("retry-after")).toBe("5");
    expect(delivered).toEqual([]);
    // The secret still comes first: a stranger learns nothing, not even that the bot is stopping.
    expect((await post("{}", { [SECRET_HEADER]: "wrong-secret-wrong" })).status).toBe(403);

    accepting = true;
    answer = { delivery: "busy" };
    const busy = await post(JSON.stringify(textUpdate(8, 42, "/start")));
    expect(busy.status).toBe(503);
    expect(delivered).toHaveLength(1);
  });
});

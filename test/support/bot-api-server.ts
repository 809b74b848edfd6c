import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SendFaults, type SendRecord, type SendRule } from "./bot-api-faults.js";

// A real HTTP Bot API server on loopback: enough of Telegram's API for the bot to connect, poll and reply.
// Tests queue updates and read back every call the bot made.

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A webhook's response as Telegram reads it. */
export interface WebhookResponse {
  status: number;
  contentType: string | null;
  body: string;
}

/** A fetch response to a webhook request, read whole for `followWebhookResponse`. */
export async function readWebhookResponse(response: Response): Promise<WebhookResponse> {
  const contentType = response.headers.get("content-type");
  return { status: response.status, contentType, body: await response.text() };
}

/** What a scripted method answers: a result, or a Bot API error (`{ok: false, error_code, description}`). */
export type ScriptedReply = { result: unknown } | { error_code: number; description: string };

export interface BotApiServer {
  apiRoot: string;
  calls: RecordedCall[];
  /** Holds an update until a getUpdates call confirms it (an `offset` past its id). */
  queueUpdate(update: Record<string, unknown>): void;
  /** The size of each non-empty getUpdates answer, in order. */
  batches: number[];
  /**
   * Answers every later call of `method` with `reply(payload)` instead of the default result, until
   * scripted again. Calls are recorded either way.
   */
  script(method: string, reply: (payload: Record<string, unknown>) => ScriptedReply): void;
  /** Every sendMessage with its arrival time and what the server decided (bot-api-faults.ts). */
  sends: SendRecord[];
  /**
   * Scripts sendMessage answers per call or per chat: 429, 403, 400 migrate, 5xx, slow, never. Rules are
   * tried in the order added; a matching rule wins over `script("sendMessage", …)`.
   */
  onSend(rule: SendRule): void;
  clearSendRules(): void;
  /**
   * What Telegram does with a webhook's response: a JSON body naming a `method` is that call, made as if
   * the bot had made it (recorded, scripted and faulted alike). Resolves once it is answered; a response
   * without one is nothing to do.
   */
  followWebhookResponse(response: WebhookResponse): Promise<void>;
  /** Resolves with the first call of `method` that matches, waiting for it if need be. */
  waitForCall(method: string, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (type.includes("multipart/form-data")) {
    // File uploads (sendPhoto): text fields as they are, a file as its name, size and first bytes.
    const form = await new Request("http://bot-api.invalid/", {
      method: "POST",
      headers: { "content-type": type },
      body,
    }).formData();
    const fields: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      fields[name] =
        typeof value === "string"
          ? value
          : {
              filename: value.name,
              size: value.size,
              head: Buffer.from(await value.arrayBuffer()).subarray(0, 8),
            };
    }
    return fields;
  }
  const text = body.toString("utf8");
  if (text === "") return {};
  if (type.includes("application/json")) return JSON.parse(text);
  return Object.fromEntries(new URLSearchParams(text));
}

/** getUpdates' ceiling on `limit`, as Telegram's. */
const MAX_UPDATES_PER_CALL = 100;

export interface BotApiServerOptions {
  /** A fixed port; 0 (the default) lets the system pick a free one. */
  port?: number;
}

export async function startBotApiServer(
  token: string,
  options: BotApiServerOptions = {},
): Promise<BotApiServer> {
  const calls: RecordedCall[] = [];
  /** Updates not confirmed yet, in update_id order. */
  const pending: Record<string, unknown>[] = [];
  const batches: number[] = [];
  const waiters: { method: string; resolve: (c: RecordedCall) => void }[] = [];
  let nextMessageId = 1;
  const scripts = new Map<string, (payload: Record<string, unknown>) => ScriptedReply>();
  const faults = new SendFaults();

  const result = (method: string, payload: Record<string, unknown>): unknown => {
    switch (method) {
      case "getMe":
        return { id: 1000, is_bot: true, first_name: "isblocked", username: "isblocked_test_bot" };
      case "deleteWebhook":
      case "setWebhook":
      case "setMyCommands":
        return true;
      case "sendMessage":
        return {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: "private" },
          text: payload.text,
        };
      case "getChatMember":
        return {
          status: "member",
          user: { id: Number(payload.user_id), is_bot: false, first_name: "Member" },
        };
      default:
        return true;
    }
  };

  const server: Server = createServer(async (req, res) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    // When the request began to arrive: the time a rate is measured by, not when its body was parsed.
    const arrivedAt = performance.timeOrigin + performance.now();
    const payload = await readBody(req);
    res.setHeader("content-type", "application/json");
    if (!match || match[1] !== token) {
      res.statusCode = 401;
      res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
      return;
    }
    const method = match[2] ?? "";
    if (method === "getUpdates") {
      // As Telegram: an offset confirms every update before it, which is then forgotten for good; at most
      // `limit` (1-100, default 100) come back, oldest first.
      const offset = Number(payload.offset ?? 0);
      const limit = Math.min(
        MAX_UPDATES_PER_CALL,
        Math.max(1, Number(payload.limit ?? MAX_UPDATES_PER_CALL)),
      );
      const due = () => {
        for (let i = pending.length - 1; i >= 0; i--) {
          if (Number(pending[i]?.update_id) < offset) pending.splice(i, 1);
        }
        return pending.slice(0, limit);
      };
      // Long polling, shortened: hold the request briefly when there is nothing to deliver.
      for (let i = 0; i < 10 && due().length === 0 && server.listening; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const batch = due();
      if (batch.length > 0) batches.push(batch.length);
      res.end(JSON.stringify({ ok: true, result: batch }));
      return;
    }
    const call = { method, payload };
    calls.push(call);
    for (const w of waiters.filter((w) => w.method === method)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(call);
    }
    if (method === "sendMessage" && (faults.matches(payload) || !scripts.has(method))) {
      await faults.answer(payload, res, () => nextMessageId++, arrivedAt);
      return;
    }
    const scripted = scripts.get(method)?.(payload);
    if (scripted && "error_code" in scripted) {
      res.statusCode = scripted.error_code;
      res.end(JSON.stringify({ ok: false, ...scripted }));
      return;
    }
    res.end(JSON.stringify({ ok: true, result: scripted ? scripted.result : result(method, payload) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    queueUpdate: (update) => {
      // Usually the newest: found from the end.
      let at = pending.length;
      while (at > 0 && Number(pending[at - 1]?.update_id) > Number(update.update_id)) at--;
      pending.splice(at, 0, update);
    },
    batches,
    sends: faults.log,
    onSend: (rule) => faults.add(rule),
    clearSendRules: () => faults.clear(),
    script: (method, reply) => {
      scripts.set(method, reply);
    },
    followWebhookResponse: async ({ status, contentType, body }) => {
      if (status !== 200 || !contentType?.includes("application/json") || body === "") return;
      const { method, ...payload } = JSON.parse(body) as { method?: unknown };
      if (typeof method !== "string") return;
      const answer = await fetch(`http://127.0.0.1:${port}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      await answer.arrayBuffer();
    },
    waitForCall: (method, timeoutMs = 10_000) => {
      const seen = calls.find((c) => c.method === method);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${method} call within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          method,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

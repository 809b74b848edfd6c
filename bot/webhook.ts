import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Context, Hono } from "hono";
import type { Update } from "telegraf/types";
import { type WebhookAnswer, webhookReplyBody } from "./delivery.js";

// The Telegram webhook as a Hono app the composition root mounts on the web server (cli/start.ts), served
// here rather than by telegraf's webhookCallback, which decodes the body chunk by chunk (a character split
// across two TCP segments became U+FFFD), reads a body of any size, answers a wrong secret as "not found",
// and whose debug output (DEBUG=telegraf:*) prints the secret of every refused request. In order: the
// method, the secret (before a byte of the body is read), the body's size, then the body decoded as UTF-8
// once, whole, and handed to the bot. The response comes once the update is handled, carrying the answer's
// last call (bot/delivery.ts, replyGate): Telegram makes that call when it reads the response, which also
// acknowledges the update, and delivers again what it did not see acknowledged. So a process killed at any
// point shows that call once: not yet (the update comes again) or with the acknowledgement.

/** The header Telegram sends the secret_token of setWebhook in. */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** Telegram's updates are a few kilobytes; anything near this is not from Telegram. */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookOptions {
  /** The secret_token registered with setWebhook. */
  secret: string;
  /** Handles one update (createTelegramBot's `deliverByWebhook`). */
  deliver(update: Update): Promise<WebhookAnswer>;
  /** False once the bot is stopping: an update is then refused rather than started. */
  accepting(): boolean;
}

/**
 * A refusal that leaves the body unread: the connection is closed rather than kept for another request,
 * so node does not read (and discard) the rest of the body first.
 */
const refuse = (status: number, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers: { connection: "close", ...headers } });

/** Later, to this process or another replica, Telegram delivers the update again. */
const AGAIN_LATER = { "retry-after": "5" };

/** The webhook as a Hono app serving `/`: mount it at WEBHOOK_URL's path. */
export function webhookRoutes(options: WebhookOptions): Hono {
  // Compared as digests: equal lengths for timingSafeEqual, whatever length was sent.
  const expected = digest(options.secret);
  const app = new Hono();
  app.all(
    "/",
    async (c, next) => {
      if (c.req.method !== "POST") return refuse(405, { allow: "POST" });
      const given = c.req.header(SECRET_HEADER);
      if (given === undefined || !timingSafeEqual(digest(given), expected)) return refuse(403);
      if (!options.accepting()) return refuse(503, AGAIN_LATER);
      await next();
    },
    async (c) => {
      // A declared length over the limit is refused before reading; a body without one is read up to it.
      if (Number(c.req.header("content-length") ?? 0) > WEBHOOK_MAX_BODY_BYTES) return refuse(413);
      const body = await readBody(c);
      if (body === undefined) return refuse(413);
      const update = parseUpdate(body);
      if (update === undefined) return c.body(null, 400);
      const answer = await options.deliver(update);
      if (answer.delivery === "busy") return c.body(null, 503, AGAIN_LATER);
      if (answer.reply === undefined) return c.body(null, 200);
      whenWritten(c, answer.responded);
      return c.body(webhookReplyBody(answer.reply), 200, { "content-type": "application/json" });
    },
  );
  return app;
}

/**
 * The body, at most WEBHOOK_MAX_BODY_BYTES of it (undefined past that). Read from node's own request where
 * the web server gives it (c.env.incoming): a web stream built over it costs as much as the rest of the
 * webhook's work does (npm run bench, bot latency). Anywhere else (app.request in tests), as a web body.
 */
async function readBody(c: Context): Promise<Uint8Array | undefined> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined) {
    const body = new Uint8Array(await c.req.arrayBuffer());
    return body.length > WEBHOOK_MAX_BODY_BYTES ? undefined : body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEBHOOK_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Calls `responded` once the response is handed to the connection (true) or the connection closed before
 * (false). Anywhere but node's server (app.request in tests), once the response is made.
 */
function whenWritten(c: Context, responded: WebhookAnswer["responded"]): void {
  if (responded === undefined) return;
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing === undefined) {
    setImmediate(() => void responded(true));
    return;
  }
  if (outgoing.destroyed) {
    void responded(false);
    return;
  }
  // Both come for a response written whole: "finish", then "close".
  let told = false;
  const tell = (written: boolean) => {
    if (!told) void responded(written);
    told = true;
  };
  outgoing.once("finish", () => tell(true));
  outgoing.once("close", () => tell(outgoing.writableFinished));
}

/** Strict: a body that is not UTF-8 is refused rather than read with U+FFFD in it. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The update in a webhook body, or undefined when the body is not UTF-8 JSON of an update. */
export function parseUpdate(body: Uint8Array): Update | undefined {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(body));
  } catch {
    return undefined;
  }
  const id = (value as { update_id?: unknown } | null)?.update_id;
  return typeof value === "object" && Number.isSafeInteger(id) && (id as number) >= 0
    ? (value as Update)
    : undefined;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "telegraf/types";
import { type WebhookAnswer, webhookReplyBody } from "./delivery.js";

// The Telegram webhook as a handler of node's own request and response, which the composition root mounts
// on the web server ahead of its routes (cli/start.ts, web/server.ts `mountNode`): a Request and a
// Response object built per update by Hono's node adapter cost about a twentieth of an answer (npm run
// bench, bot latency). Served here rather than by telegraf's webhookCallback, which decodes the body chunk
// by chunk (a character split across two TCP segments became U+FFFD), reads a body of any size, answers a
// wrong secret as "not found", and whose debug output (DEBUG=telegraf:*) prints the secret of every refused
// request. In order: the method, the secret (before a byte of the body is read), the body's size, then the
// body decoded as UTF-8 once, whole, and handed to the bot. The response comes once the update is handled,
// carrying the answer's last call (bot/delivery.ts, replyGate): Telegram makes that call when it reads the
// response, which also acknowledges the update, and delivers again what it did not see acknowledged. So a
// process killed at any point shows that call once: not yet (the update comes again) or with the
// acknowledgement.

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

/** The webhook: a handler of every request to WEBHOOK_URL's path. It rejects only if `deliver` throws. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Later, to this process or another replica, Telegram delivers the update again. */
const AGAIN_LATER = { "retry-after": "5" };

export function webhookHandler(options: WebhookOptions): WebhookHandler {
  const isSecret = secretMatcher(options.secret);
  return async (req, res) => {
    if (req.method !== "POST") return refuse(res, 405, { allow: "POST" });
    const given = req.headers[SECRET_HEADER];
    if (typeof given !== "string" || !isSecret(given)) return refuse(res, 403);
    if (!options.accepting()) return refuse(res, 503, AGAIN_LATER);
    // A declared length over the limit is refused before reading; a body without one is read up to it.
    if (Number(req.headers["content-length"] ?? 0) > WEBHOOK_MAX_BODY_BYTES) return refuse(res, 413);
    const body = await readBody(req);
    if (body === undefined) return refuse(res, 413);
    const update = parseUpdate(body);
    if (update === undefined) return send(res, 400);
    const answer = await options.deliver(update);
    if (answer.delivery === "busy") return send(res, 503, AGAIN_LATER);
    if (answer.reply === undefined) return send(res, 200);
    whenWritten(res, answer.responded);
    send(res, 200, { "content-type": "application/json" }, webhookReplyBody(answer.reply));
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
  body?: string,
): void {
  if (body === undefined) {
    res.writeHead(status, { "content-length": "0", ...headers }).end();
    return;
  }
  res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), ...headers }).end(body);
}

/**
 * A refusal that leaves the body unread: the connection is closed rather than kept for another request,
 * so node does not read (and discard) the rest of the body first.
 */
function refuse(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  send(res, status, { connection: "close", ...headers });
}

/** The body, at most WEBHOOK_MAX_BODY_BYTES of it (undefined past that). */
async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEBHOOK_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Calls `responded` once the response is handed to the connection (true) or the connection closed before
 * (false).
 */
function whenWritten(res: ServerResponse, responded: WebhookAnswer["responded"]): void {
  if (responded === undefined) return;
  if (res.destroyed) {
    void responded(false);
    return;
  }
  // Both come for a response written whole: "finish", then "close".
  let told = false;
  const tell = (written: boolean) => {
    if (!told) void responded(written);
    told = true;
  };
  res.once("finish", () => tell(true));
  res.once("close", () => tell(res.writableFinished));
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

/** Telegram's secret_token is 1 to 256 characters of A-Z, a-z, 0-9, _ and -. */
const SECRET_ROOM = 256;

/**
 * Whether a header holds `secret`, in a time that tells neither how much of it matched nor how long it is:
 * both are written into the same room of zeros, compared whole by timingSafeEqual, and only then are the
 * lengths compared (a sha256 of each header did the same at a few times the cost).
 */
function secretMatcher(secret: string): (given: string) => boolean {
  if (Buffer.byteLength(secret) > SECRET_ROOM) {
    throw new RangeError(`a webhook secret is at most ${SECRET_ROOM} bytes`);
  }
  const expected = Buffer.alloc(SECRET_ROOM);
  const expectedLength = expected.write(secret);
  const room = Buffer.alloc(SECRET_ROOM);
  return (given) => {
    if (given.length > SECRET_ROOM) return false;
    room.fill(0);
    const length = room.write(given);
    const same = timingSafeEqual(room, expected);
    return same && length === expectedLength && Buffer.byteLength(given) === length;
  };
}

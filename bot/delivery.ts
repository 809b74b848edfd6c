import { setTimeout as sleep } from "node:timers/promises";
import type { Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import { IsblockedError } from "../core/errors.js";
import type { UpdateClaim, UpdateStore } from "../model/store.js";
import { botApiJson } from "./api-transport.js";

// What `deliver` (bot/telegram.ts) puts around each update: the claim that makes it answered at least
// once and by one process at a time, the gate that lets it show its person one reply, and the lane long
// messages wait in.

/**
 * An update's claim lapses this long after its last renewal (every third of it while the update is
 * handled): how long a re-delivery waits for the claim of a process killed mid-update.
 */
export const UPDATE_CLAIM_TTL_MS = 5_000;
/** How often a delivery whose update another process holds asks again whether it is free. */
const CLAIM_POLL_MS = 100;

/**
 * What became of a delivered update: handled here (answered, or failed and told); a duplicate of one
 * handled already; or still held by another process past the wait, for Telegram to deliver again.
 */
export type Delivery = "handled" | "duplicate" | "busy";

/** A webhook update's delivery, with the call its response is to carry. */
export interface WebhookAnswer {
  delivery: Delivery;
  reply?: WebhookReply;
  /**
   * With `reply`: call it once, when the response carrying the reply is written (`true`: the update is
   * recorded as handled) or could not be (`false`: Telegram delivers it again).
   */
  responded?: (written: boolean) => Promise<void>;
}

/**
 * Claims an update, waiting while another delivery holds it: that one finishes (done) or its process died
 * and the claim lapses (claimed here). Past `waitMs` it is left busy.
 */
export async function claimWhenFree(
  store: UpdateStore,
  updateId: number,
  owner: string,
  waitMs: number,
): Promise<UpdateClaim> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    const claim = await store.claimUpdate(updateId, owner, UPDATE_CLAIM_TTL_MS);
    if (claim !== "busy" || Date.now() >= giveUpAt) return claim;
    await sleep(CLAIM_POLL_MS);
  }
}

/**
 * Texts longer than this are handled one at a time (`serialLane`). Each costs the parser at most a few
 * milliseconds (bench/parser.ts), but a burst of hundreds would hold the event loop for seconds: in
 * turn, every other chat and /healthz wait at most one of them. Questions are far shorter; inline
 * queries (256 at most) never queue.
 */
export const LONG_TEXT = 256;

export function isLong(update: Update): boolean {
  const u = update as {
    message?: { text?: string; caption?: string };
    edited_message?: { text?: string; caption?: string };
    channel_post?: { text?: string; caption?: string };
  };
  const m = u.message ?? u.edited_message ?? u.channel_post;
  return (m?.text ?? m?.caption ?? "").length > LONG_TEXT;
}

/** Runs tasks one at a time in arrival order, letting the event loop turn between them. */
export function serialLane(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Bot API methods that show a person something; "typing…" is no answer. */
const VISIBLE = /^(send(?!ChatAction)|answer|edit|copy|forward)/;

/**
 * The visible methods a webhook's response may carry: JSON ones (a photo's upload cannot ride in a
 * response), and only those whose result no handler reads, since Telegram never says how it went.
 */
const HOLDABLE: ReadonlySet<string> = new Set([
  "sendMessage",
  "editMessageText",
  "editMessageReplyMarkup",
  "answerCallbackQuery",
  "answerInlineQuery",
]);

/**
 * A Bot API call Telegram makes itself when it reads the webhook's response (the Bot API's "Making requests
 * when getting updates").
 */
export interface WebhookReply {
  method: string;
  payload: unknown;
}

/** Whether an update's handler has shown its person anything, and whether it may still. */
export interface ReplyGate {
  replied: boolean;
  closed: boolean;
  /** Visible calls under way, which may show something yet. */
  sending: Set<Promise<unknown>>;
  /**
   * Webhook updates: the latest visible call, held back until the handler makes another (it is sent then,
   * so the order stays) or ends (it rides in the webhook's response). Counted as replied.
   */
  held: WebhookReply | undefined;
}

/**
 * Watches (and, once closed, refuses) every call of one update's client. With `holdLast`, the update's
 * last visible call is held for the webhook's response (see `held`): Telegram makes that call only once
 * it has the response, which also acknowledges the update, so an answer is never shown for an update
 * Telegram will deliver again, and a process killed before responding has shown nothing.
 */
export function replyGate(telegram: Telegram, options: { holdLast?: boolean } = {}): ReplyGate {
  const gate: ReplyGate = { replied: false, closed: false, sending: new Set(), held: undefined };
  const call = telegram.callApi.bind(telegram) as (m: string, p: unknown, o?: unknown) => Promise<unknown>;
  const send = async (method: string, payload: unknown, callOptions?: unknown) => {
    const sending = call(method, payload, callOptions);
    gate.sending.add(sending);
    try {
      const result = await sending;
      gate.replied = true;
      return result;
    } finally {
      gate.sending.delete(sending);
    }
  };
  telegram.callApi = (async (method: string, payload: unknown, callOptions?: unknown) => {
    if (gate.closed) throw new UpdateAbandonedError(`${method} of an update already answered by its apology`);
    if (!VISIBLE.test(method)) return call(method, payload, callOptions);
    if (!options.holdLast) return send(method, payload, callOptions);
    const before = gate.held;
    gate.held = undefined;
    if (before) await send(before.method, before.payload);
    if (!HOLDABLE.has(method)) return send(method, payload, callOptions);
    gate.held = { method, payload };
    gate.replied = true;
    // What telegraf's own webhook reply resolves with: no handler reads these calls' results.
    return true;
  }) as Telegram["callApi"];
  return gate;
}

/**
 * A client whose visible calls are held in `gate` for the webhook's response rather than made: how an
 * apology reaches the person of a webhook update, once its handler's gate is closed.
 */
export function holdingClient(telegram: Telegram, gate: ReplyGate): Telegram {
  const client = Object.create(telegram) as Telegram;
  client.callApi = (async (method: string, payload: unknown) => {
    gate.held = { method, payload };
    return true;
  }) as Telegram["callApi"];
  return client;
}

/** The call held for the webhook's response, if any; the gate takes nothing more after it. */
export function takeHeldReply(gate: ReplyGate | undefined): WebhookReply | undefined {
  if (gate === undefined) return undefined;
  gate.closed = true;
  const held = gate.held;
  gate.held = undefined;
  return held;
}

/** The webhook response's body for `reply`: the method and its parameters, null fields left out. */
export function webhookReplyBody(reply: WebhookReply): string {
  return botApiJson({ method: reply.method, ...(reply.payload as object) });
}

/** A call of a handler that ran past its timeout, after its person was told it failed. */
class UpdateAbandonedError extends IsblockedError {
  override name = "UpdateAbandonedError";
}

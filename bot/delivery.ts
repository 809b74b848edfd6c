import { setTimeout as sleep } from "node:timers/promises";
import type { Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import { IsblockedError } from "../core/errors.js";
import type { UpdateClaim, UpdateStore } from "../model/store.js";

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

/** Whether an update's handler has shown its person anything, and whether it may still. */
export interface ReplyGate {
  replied: boolean;
  closed: boolean;
  /** Visible calls under way, which may show something yet. */
  sending: Set<Promise<unknown>>;
}

/** Watches (and, once closed, refuses) every call of one update's client. */
export function replyGate(telegram: Telegram): ReplyGate {
  const gate: ReplyGate = { replied: false, closed: false, sending: new Set() };
  const call = telegram.callApi.bind(telegram) as (m: string, p: unknown, o?: unknown) => Promise<unknown>;
  telegram.callApi = (async (method: string, payload: unknown, options?: unknown) => {
    if (gate.closed) throw new UpdateAbandonedError(`${method} of an update already answered by its apology`);
    if (!VISIBLE.test(method)) return call(method, payload, options);
    const sending = call(method, payload, options);
    gate.sending.add(sending);
    try {
      const result = await sending;
      gate.replied = true;
      return result;
    } finally {
      gate.sending.delete(sending);
    }
  }) as Telegram["callApi"];
  return gate;
}

/** A call of a handler that ran past its timeout, after its person was told it failed. */
class UpdateAbandonedError extends IsblockedError {
  override name = "UpdateAbandonedError";
}

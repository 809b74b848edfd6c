import type { ChatId } from "../../model/store.js";

// Telegram's delivery limits as pure buckets on an injected clock: about 30 messages a second overall
// (up to 1000 with paid broadcast), one a second in any chat, 20 a minute in a group
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
//
// Each limit is a window of `limit` tokens: at most `limit` sends in ANY window of `windowMs` where
// Telegram counts them, on arrival. A classic bucket that refills continuously would let up to
// 2 x limit - 1 through in some window (a full bucket, then its refill), and the caps here are ceilings
// Telegram enforces, not averages.
//
// A request reaches Telegram at some moment between when it is sent and when its answer comes back, and
// only those two moments are known here. So a token is taken when the request is sent, and comes back
// `windowMs` after its answer (or its failure) is known. Then any `limit + 1` requests that arrived
// within one window at Telegram all held a token at the moment the last of them was sent, which the
// window did not allow: the count agrees with Telegram's, whatever the latency or its jitter, retries and
// 429s included (a 429 arrived, and counts, like any other request). The price is the round trip: at
// 1000 a second and 3 ms per answer, 0.3% of the rate.
//
// The overall cap is also paced: one send every 1/rate s, not the whole second's worth at once, so that
// Telegram sees a steady stream rather than bursts, and the window is rarely what holds a send back.

/**
 * Added to every window: a second on this machine's clock must be a second on Telegram's too, and two
 * clocks' rates differ; 1 ms covers a difference of 0.1%, far more than any working clock's.
 */
export const ARRIVAL_HEADROOM_MS = 1;
const SECOND = 1000 + ARRIVAL_HEADROOM_MS;
const MINUTE = 60_000 + ARRIVAL_HEADROOM_MS;

export interface AlertRates {
  /** Messages a second over all chats. */
  globalPerSecond: number;
  /** Messages a second to any one chat (private chats' limit; groups are held to it too). */
  privatePerSecond: number;
  /** Messages a minute to one group, supergroup or channel. */
  groupPerMinute: number;
}

/**
 * At most `limit` sends in any window of `windowMs` at the receiving end: a token is taken at the send
 * (`take`) and comes back `windowMs` after its answer (`settle`).
 */
export class WindowBucket {
  /** Tokens of sends not answered yet: they come back no sooner than `windowMs` from now. */
  private inFlight = 0;
  /** When each answered send's token comes back, in order from `head` on. */
  private readonly returns: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a whole number >= 1: ${limit}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0: ${windowMs}`);
  }

  /** Milliseconds from `now` until a take is allowed; 0 when it is now. */
  waitMs(now: number): number {
    this.expire(now);
    if (this.inFlight + this.returns.length - this.head < this.limit) return 0;
    // Full: the first token back is the earliest answered one's; an unanswered one's is a window away at
    // the very least, and its answer sets the exact time.
    const first = this.returns[this.head];
    return first === undefined ? this.windowMs : first - now;
  }

  /** Spends a token at `now`, for a send; only call when waitMs(now) is 0. */
  take(now: number): void {
    if (this.waitMs(now) > 0) throw new RangeError("take() without a token: check waitMs first");
    this.inFlight++;
  }

  /** The answer to one send taken earlier came at `now` (or it failed): its token is back a window later. */
  settle(now: number): void {
    if (this.inFlight === 0) throw new RangeError("settle() without a send in flight");
    this.inFlight--;
    // Kept in order even if the clock stepped back: the later time is the safe one.
    this.returns.push(Math.max(now + this.windowMs, this.returns.at(-1) ?? 0));
  }

  /** True when every token is back at `now`: the bucket is as good as new and can be forgotten. */
  idle(now: number): boolean {
    this.expire(now);
    return this.inFlight === 0 && this.head === this.returns.length;
  }

  private expire(now: number): void {
    while (this.head < this.returns.length && (this.returns[this.head] as number) <= now) this.head++;
    // Drops the spent prefix once it is most of the array: amortised constant time per token.
    if (this.head > 64 && this.head * 2 > this.returns.length) {
      this.returns.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * One take every `intervalMs` (GCRA). Up to `burst` may go at once, so that a turn of the event loop that
 * came late is caught up rather than lost: at 1000 a second one late millisecond would otherwise cost a
 * send for good.
 */
export class Pacer {
  /** When the next take is due on the ideal schedule. */
  private due = Number.NEGATIVE_INFINITY;

  constructor(
    readonly intervalMs: number,
    readonly burst: number,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0: ${intervalMs}`);
    if (!Number.isInteger(burst) || burst < 1)
      throw new RangeError(`burst must be a whole number >= 1: ${burst}`);
  }

  waitMs(now: number): number {
    return Math.max(0, this.due - (this.burst - 1) * this.intervalMs - now);
  }

  take(now: number): void {
    if (this.waitMs(now) > 0) throw new RangeError("take() ahead of the pace: check waitMs first");
    this.due = Math.max(this.due, now) + this.intervalMs;
  }
}

/**
 * Catch-up allowed to the overall pace: 20 ms worth of sends, and at least two, so that a timer that fires
 * a little late (they all do) costs nothing at low rates either: at 30 a second, a millisecond lost per
 * send would be 3% of the rate. The window bucket still caps every window.
 */
export function paceBurst(perSecond: number): number {
  return Math.max(2, Math.round(perSecond / 50));
}

/** Private chats have positive ids; groups, supergroups and channels negative ones. */
export const isGroupChat = (chatId: ChatId): boolean => chatId.startsWith("-");

export interface RateCheck {
  /** Milliseconds until a message to the chat may go; 0 when it may go now. */
  waitMs: number;
  /** What holds it back: the overall cap, or the chat's own. */
  limitedBy: "global" | "chat" | null;
}

/** How many takes between sweeps of the per-chat buckets that are idle again. */
const SWEEP_EVERY = 1000;

/** The three caps together: ask `check(chat)`, and `take(chat)` when it says 0. */
export class AlertRateLimiter {
  private readonly global: WindowBucket;
  private readonly pace: Pacer;
  private readonly perChat = new Map<ChatId, WindowBucket[]>();
  private takes = 0;

  constructor(
    private readonly rates: AlertRates,
    private readonly now: () => number,
  ) {
    this.global = new WindowBucket(rates.globalPerSecond, SECOND);
    this.pace = new Pacer(SECOND / rates.globalPerSecond, paceBurst(rates.globalPerSecond));
  }

  check(chatId: ChatId): RateCheck {
    const now = this.now();
    const chatWait = Math.max(0, ...this.bucketsOf(chatId).map((b) => b.waitMs(now)));
    if (chatWait > 0) return { waitMs: chatWait, limitedBy: "chat" };
    const globalWait = Math.max(this.global.waitMs(now), this.pace.waitMs(now));
    return globalWait > 0 ? { waitMs: globalWait, limitedBy: "global" } : { waitMs: 0, limitedBy: null };
  }

  /** Records a message to `chatId` now. Throws if a cap would be exceeded: call `check` first. */
  take(chatId: ChatId): void {
    const now = this.now();
    const buckets = this.bucketsOf(chatId);
    if (this.global.waitMs(now) > 0 || this.pace.waitMs(now) > 0 || buckets.some((b) => b.waitMs(now) > 0)) {
      throw new RangeError(`rate cap reached for ${chatId}: check() first`);
    }
    this.global.take(now);
    this.pace.take(now);
    for (const bucket of buckets) bucket.take(now);
    this.perChat.set(chatId, buckets);
    if (++this.takes % SWEEP_EVERY === 0) this.sweep(now);
  }

  /**
   * The request taken for `chatId` was answered now, or failed: its tokens come back a window later. Call
   * once per `take`, whatever became of the request.
   */
  settle(chatId: ChatId): void {
    const now = this.now();
    this.global.settle(now);
    for (const bucket of this.perChat.get(chatId) ?? []) bucket.settle(now);
  }

  /** Chats with a bucket still holding a token back: memory stays bounded by recent activity. */
  get trackedChats(): number {
    return this.perChat.size;
  }

  private bucketsOf(chatId: ChatId): WindowBucket[] {
    const known = this.perChat.get(chatId);
    if (known) return known;
    const perSecond = new WindowBucket(this.rates.privatePerSecond, SECOND);
    return isGroupChat(chatId)
      ? [perSecond, new WindowBucket(this.rates.groupPerMinute, MINUTE)]
      : [perSecond];
  }

  private sweep(now: number): void {
    for (const [chatId, buckets] of this.perChat) {
      if (buckets.every((b) => b.idle(now))) this.perChat.delete(chatId);
    }
  }
}

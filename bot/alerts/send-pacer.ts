import type { ChatId } from "../../model/store.js";

// Telegram's delivery limits as pure buckets on an injected clock: about 30 messages a second overall
// (up to 1000 with paid broadcast), one a second in any chat, 20 a minute in a group
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
//
// Each limit is a bucket of `limit` tokens where a token spent comes back exactly `windowMs` later. That
// is the cap itself: at most `limit` sends in ANY window of `windowMs`. A classic bucket that refills
// continuously would let up to 2 x limit - 1 through in some window (a full bucket, then its refill), and
// the caps here are ceilings Telegram enforces, not averages.
//
// Telegram counts on arrival, and a request reaches it some milliseconds after it was decided on, more or
// less depending on what else the event loop was doing. So every window is ARRIVAL_HEADROOM_MS longer
// than its second or minute, which absorbs that much jitter at the price of as much rate (3% of a second),
// and the overall cap is paced: one send every 1/rate s, not the whole second's worth at once. A burst
// arrives spread by its own length while the next one arrives tight: two bursts a window apart at the
// sender can overlap at Telegram. Evenly spaced sends arrive evenly spaced.

/** How much later than when it is sent a request may reach Telegram, with the caps still kept there. */
export const ARRIVAL_HEADROOM_MS = 30;
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

/** At most `limit` takes in any window of `windowMs`: the times of the last `limit` takes, in a ring. */
export class WindowBucket {
  private readonly times: number[] = [];
  private next = 0;

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
    if (this.times.length < this.limit) return 0;
    // The ring is full: the oldest take is the one `next` points at, and its token returns windowMs after it.
    const oldest = this.times[this.next] as number;
    return Math.max(0, oldest + this.windowMs - now);
  }

  /** Spends a token at `now`; only call when waitMs(now) is 0. */
  take(now: number): void {
    if (this.waitMs(now) > 0) throw new RangeError("take() without a token: check waitMs first");
    if (this.times.length < this.limit) this.times.push(now);
    else this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
  }

  /** True when every token is back at `now`: the bucket is as good as new and can be forgotten. */
  idle(now: number): boolean {
    if (this.times.length === 0) return true;
    const newest = this.times[(this.next + this.limit - 1) % this.limit] as number;
    return newest + this.windowMs <= now;
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

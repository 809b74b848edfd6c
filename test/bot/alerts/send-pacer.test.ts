import { describe, expect, it } from "vitest";
import {
  AlertRateLimiter,
  ARRIVAL_HEADROOM_MS,
  isGroupChat,
  Pacer,
  paceBurst,
  WindowBucket,
} from "../../../bot/alerts/send-pacer.js";

/** A clock the test moves by hand. */
function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

/** Takes as soon as allowed, once per chat, each answered at once; the times the takes happened. */
function drain(limiter: AlertRateLimiter, time: ReturnType<typeof clock>, chats: string[]): number[] {
  const at: number[] = [];
  for (const chat of chats) {
    const { waitMs } = limiter.check(chat);
    time.advance(waitMs);
    limiter.take(chat);
    limiter.settle(chat);
    at.push(time.now());
  }
  return at;
}

/** A take answered at once. */
function send(limiter: AlertRateLimiter, chat: string): void {
  limiter.take(chat);
  limiter.settle(chat);
}

describe("WindowBucket", () => {
  it("lets `limit` through at once, then each token back exactly one window after its answer", () => {
    const bucket = new WindowBucket(3, 1000);
    for (const t of [0, 10, 20]) {
      expect(bucket.waitMs(t)).toBe(0);
      bucket.take(t);
    }
    // Nothing answered yet: no token is back for at least a window.
    expect(bucket.waitMs(20)).toBe(1000);
    bucket.settle(30);
    bucket.settle(50);
    expect(bucket.waitMs(50)).toBe(980);
    expect(bucket.waitMs(1029)).toBe(1);
    bucket.take(1030);
    expect(bucket.waitMs(1030)).toBe(20);
    bucket.take(1050);
    expect(bucket.waitMs(1050)).toBe(1000);
    bucket.settle(1100);
    expect(bucket.waitMs(2000)).toBe(100);
  });

  it("never allows more than `limit` in any window, which a continuously refilled bucket would", () => {
    const bucket = new WindowBucket(5, 1000);
    const takes: number[] = [];
    for (let t = 0; t < 10_000; t += 7) {
      if (bucket.waitMs(t) === 0) {
        bucket.take(t);
        bucket.settle(t);
        takes.push(t);
      }
    }
    for (const start of takes)
      expect(takes.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
    // And it is not stingy: 5 per second over 10 seconds.
    expect(takes.length).toBeGreaterThanOrEqual(49);
  });

  it("refuses a take without a token and a settle without a take, and says when it is idle again", () => {
    const bucket = new WindowBucket(1, 1000);
    bucket.take(0);
    expect(() => bucket.take(500)).toThrow(RangeError);
    expect(bucket.idle(5000)).toBe(false);
    bucket.settle(5000);
    expect(() => bucket.settle(5000)).toThrow(RangeError);
    expect(bucket.idle(5999)).toBe(false);
    expect(bucket.idle(6000)).toBe(true);
    expect(() => new WindowBucket(0, 1000)).toThrow(RangeError);
    expect(() => new WindowBucket(1.5, 1000)).toThrow(RangeError);
  });
});

describe("Pacer", () => {
  it("spaces takes evenly, catching up at most `burst` after a late turn", () => {
    const pacer = new Pacer(10, 3);
    expect(pacer.waitMs(0)).toBe(0);
    pacer.take(0);
    pacer.take(0);
    pacer.take(0);
    expect(pacer.waitMs(0)).toBe(10);
    // Idle for a while: three at once again, never more.
    pacer.take(100);
    pacer.take(100);
    pacer.take(100);
    expect(pacer.waitMs(100)).toBe(10);
    pacer.take(110);
    expect(pacer.waitMs(110)).toBe(10);
    // A turn 25 ms late: the slots missed are caught up, `burst` of them at most, then the pace resumes.
    pacer.take(145);
    pacer.take(145);
    pacer.take(145);
    expect(pacer.waitMs(145)).toBe(10);
    expect(() => pacer.take(145)).toThrow(RangeError);
  });

  it("allows 20 ms worth of catch-up to the overall pace, at least two sends", () => {
    expect([1, 30, 100, 300, 1000].map(paceBurst)).toEqual([2, 2, 2, 6, 20]);
  });
});

describe("AlertRateLimiter", () => {
  const rates = { globalPerSecond: 30, privatePerSecond: 1, groupPerMinute: 20 };
  // Every window is a second (or minute) plus the headroom for a clock counting whole milliseconds.
  const SECOND = 1000 + ARRIVAL_HEADROOM_MS;
  const MINUTE = 60_000 + ARRIVAL_HEADROOM_MS;

  it("tells private chats from groups and channels by the sign of the id", () => {
    expect(isGroupChat("123")).toBe(false);
    expect(isGroupChat("-456")).toBe(true);
    expect(isGroupChat("-1001234567890")).toBe(true);
  });

  it("sends 30 different chats a second, evenly spaced, no more", () => {
    const time = clock();
    const limiter = new AlertRateLimiter(rates, time.now);
    const chats = Array.from({ length: 91 }, (_, n) => String(n + 1));
    const at = drain(limiter, time, chats);
    const pace = SECOND / 30;
    // Two at once (the catch-up allowance), then one per pace until the window is full.
    [0, 0, pace, 2 * pace].forEach((t, n) => {
      expect(at[n]).toBeCloseTo(t, 6);
    });
    expect(at[30]).toBeCloseTo(SECOND, 6);
    expect(at[60]).toBeCloseTo(2 * SECOND, 6);
    expect(at[90]).toBeCloseTo(3 * SECOND, 6);
    for (const start of at)
      expect(at.filter((t) => t >= start && t < start + SECOND).length).toBeLessThanOrEqual(30);
  });

  it("holds one private chat to one message a second, without holding anyone else", () => {
    const time = clock();
    const limiter = new AlertRateLimiter(rates, time.now);
    send(limiter, "7");
    expect(limiter.check("7")).toEqual({ waitMs: SECOND, limitedBy: "chat" });
    time.advance(400);
    expect(limiter.check("8")).toEqual({ waitMs: 0, limitedBy: null });
    expect(limiter.check("7")).toEqual({ waitMs: SECOND - 400, limitedBy: "chat" });
    expect(drain(limiter, time, ["7", "7", "7"])).toEqual([SECOND, 2 * SECOND, 3 * SECOND]);
  });

  it("holds a group to 20 a minute, and to one a second like any chat", () => {
    const time = clock();
    const limiter = new AlertRateLimiter(rates, time.now);
    const at = drain(
      limiter,
      time,
      Array.from({ length: 22 }, () => "-100"),
    );
    expect(at.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, n) => n * SECOND));
    // The 21st waits for the first token of the minute to come back, a minute after it was spent.
    expect(at[20]).toBe(MINUTE);
    expect(at[21]).toBe(MINUTE + SECOND);
  });

  it("reports the chat's own limit first, so a held chat does not stall the others", () => {
    const time = clock();
    const limiter = new AlertRateLimiter({ ...rates, globalPerSecond: 2 }, time.now);
    send(limiter, "1");
    send(limiter, "2");
    expect(limiter.check("1")).toEqual({ waitMs: SECOND, limitedBy: "chat" });
    expect(limiter.check("3")).toEqual({ waitMs: SECOND, limitedBy: "global" });
    expect(() => limiter.take("3")).toThrow(RangeError);
    time.advance(SECOND);
    send(limiter, "3");
    send(limiter, "4");
    expect(limiter.check("5")).toEqual({ waitMs: SECOND, limitedBy: "global" });
  });

  it("goes up to 1000 a second with paid broadcast", () => {
    const time = clock();
    const limiter = new AlertRateLimiter({ ...rates, globalPerSecond: 1000 }, time.now);
    const at = drain(
      limiter,
      time,
      Array.from({ length: 2500 }, (_, n) => String(n + 1)),
    );
    // 20 at once, then one every 1.001 ms: 1000 in each window of 1001 ms, none more.
    expect(at.slice(0, 20)).toEqual(Array.from({ length: 20 }, () => 0));
    expect(at[20]).toBeCloseTo(SECOND / 1000, 6);
    expect(at.filter((t) => t < SECOND)).toHaveLength(1000);
    expect(at.filter((t) => t >= SECOND && t < 2 * SECOND)).toHaveLength(1000);
  });

  it("forgets chats whose limits have passed, so memory follows recent traffic only", () => {
    const time = clock();
    const limiter = new AlertRateLimiter({ ...rates, globalPerSecond: 1000 }, time.now);
    drain(
      limiter,
      time,
      Array.from({ length: 999 }, (_, n) => String(n + 1)),
    );
    expect(limiter.trackedChats).toBe(999);
    time.advance(5000);
    send(limiter, "100000");
    expect(limiter.trackedChats).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../bot/person-limiter.js";

describe("RateLimiter", () => {
  it("allows a burst, warns once, then drops until a token is back", () => {
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 0.5 });
    const at = (ms: number) => limiter.take("42", ms);
    expect([at(0), at(0), at(0), at(0), at(100), at(1000)]).toEqual([
      "allow",
      "allow",
      "allow",
      "warn",
      "drop",
      "drop",
    ]);
    expect(at(2000)).toBe("allow");
    // Limited again: warned again, once.
    expect([at(2000), at(2001)]).toEqual(["warn", "drop"]);
  });

  it("keeps people apart", () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0.1 });
    expect([limiter.take("a", 0), limiter.take("b", 0), limiter.take("a", 0)]).toEqual([
      "allow",
      "allow",
      "warn",
    ]);
  });

  it("refills no higher than the burst", () => {
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1 });
    limiter.take("a", 0);
    const later = [1, 2, 3].map(() => limiter.take("a", 3_600_000));
    expect(later).toEqual(["allow", "allow", "warn"]);
  });

  it("forgets people whose bucket is full again beyond 10,000, but never one still limited", () => {
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 0.1 });
    // Limited at 0 ms: a token back 10 s later, full 20 s later.
    expect([limiter.take("flooder", 0), limiter.take("flooder", 0), limiter.take("flooder", 0)]).toEqual([
      "allow",
      "allow",
      "warn",
    ]);
    // 12,000 people ask once each within the next second: none of them is full again yet.
    for (let n = 0; n < 12_000; n++) limiter.take(`person${n}`, 1 + n / 12);
    expect(limiter.size).toBe(12_001);
    expect(limiter.take("flooder", 1_000)).toBe("drop");
    // Half a minute on, everyone is full again: each new person's take forgets the oldest buckets.
    for (let n = 0; n < 10; n++) limiter.take(`late${n}`, 30_000 + n);
    expect(limiter.size).toBe(10_000);
    // The flooder, used least recently, was forgotten: a fresh, full bucket.
    expect([limiter.take("flooder", 30_000), limiter.take("flooder", 30_000)]).toEqual(["allow", "allow"]);
  });
});

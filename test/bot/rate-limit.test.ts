import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../bot/rate-limit.js";

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
});

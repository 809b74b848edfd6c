import { describe, expect, it } from "vitest";
import { AlertRateLimiter } from "../../../bot/alerts/send-pacer.js";
import { seededRandom } from "../../support/seeded-random.js";
import { maxInWindow } from "./support.js";

// The overall cap as Telegram measures it: sends counted on arrival, in any window of one second. The
// limiter only knows when a request left and when its answer came; these sequences put each arrival
// anywhere in between, with round trips from 1 to 600 ms, and every 20th request answered 429 with
// retry_after 1 s, as the fan-out benchmark's server does. On an injected clock: no timer, no flake.

const CAP = 50;
const RATES = { globalPerSecond: CAP, privatePerSecond: 1, groupPerMinute: 20 };

interface Answer {
  chat: string;
  at: number;
  tooMany: boolean;
}

/**
 * Sends once to each chat as soon as the limiter allows, retrying 429s after retry_after; the arrival
 * time of every request. `settle`: when the limiter hears of a request's end, at its answer (what the
 * sender does) or at once, as if its token came back a window after the send.
 */
function simulate(chats: number, seed: number, settle: "at-answer" | "at-send"): number[] {
  let now = 0;
  const limiter = new AlertRateLimiter(RATES, () => now);
  const next = seededRandom(seed);
  const ready = Array.from({ length: chats }, (_, n) => ({ chat: String(n + 1), at: 0 }));
  const answers: Answer[] = [];
  const arrivals: number[] = [];
  while (ready.length > 0 || answers.length > 0) {
    for (const answer of answers.filter((a) => a.at <= now)) {
      answers.splice(answers.indexOf(answer), 1);
      if (settle === "at-answer") limiter.settle(answer.chat);
      if (answer.tooMany) ready.push({ chat: answer.chat, at: answer.at + 1000 });
    }
    const due = ready.filter((r) => r.at <= now).sort((a, b) => a.at - b.at)[0];
    let waitMs = Number.POSITIVE_INFINITY;
    if (due) {
      const check = limiter.check(due.chat);
      if (check.waitMs === 0) {
        limiter.take(due.chat);
        if (settle === "at-send") limiter.settle(due.chat);
        ready.splice(ready.indexOf(due), 1);
        // Mostly quick, sometimes very slow, and the request reaches Telegram anywhere in its round trip.
        const roundTrip = next() < 0.8 ? 1 + 4 * next() : 100 + 500 * next();
        arrivals.push(now + roundTrip * next());
        answers.push({ chat: due.chat, at: now + roundTrip, tooMany: arrivals.length % 20 === 0 });
        continue;
      }
      waitMs = check.waitMs;
    }
    const later = [
      now + waitMs,
      ...answers.map((a) => a.at),
      ...ready.filter((r) => r.at > now).map((r) => r.at),
    ];
    now = Math.min(...later);
  }
  return arrivals.sort((a, b) => a - b);
}

describe("the overall cap where Telegram counts it", () => {
  it("never has more than the cap arrive in any second, whatever each request's round trip", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const arrivals = simulate(1000, seed, "at-answer");
      // 1000 chats and their 429s' retries, every one sent.
      expect(arrivals.length).toBe(1000 + Math.floor(arrivals.length / 20));
      expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(CAP);
      // And close to it: slow answers hold tokens longer, quick ones barely.
      const span = ((arrivals.at(-1) as number) - (arrivals[0] as number)) / 1000;
      expect(arrivals.length / span).toBeGreaterThan(0.85 * CAP);
    }
  });

  it("would let more through if tokens came back a window after the send instead", () => {
    // The same sequences, the limiter told of each end at its send: what Telegram sees goes over.
    const over = [1, 2, 3, 4, 5].map((seed) => maxInWindow(simulate(1000, seed, "at-send"), 1000));
    expect(Math.max(...over)).toBeGreaterThan(CAP);
  });
});

import type { KbEvent } from "../../kb/schema.js";
import type { Answer } from "../../pipeline/answer.js";
import { answerWithNothingKnown, miniKb } from "../helpers.js";

/**
 * ChatApp in China, measured partly blocked: text works, media is blocked at TLS; with the fixture's two
 * dated events newest first, two alternatives and one way around the block.
 */
export function measuredPartialAnswer(): Answer {
  // The fixture has exactly these two events, oldest first.
  const [partialEvent, blockedEvent] = miniKb().eventsFor("chatapp", "CN") as [KbEvent, KbEvent];
  return {
    ...answerWithNothingKnown("chatapp", "CN"),
    status: "partial",
    basis: "measurement",
    since: "2026-11-20T08:00:00.000Z",
    checkedAt: "2026-11-21T10:05:00.000Z",
    mechanism: "tls",
    features: [
      { feature: "text", status: "ok", mechanism: null },
      { feature: "media", status: "blocked", mechanism: "tls" },
    ],
    method: { vantages: 2, controls: 1, measurements: 70, positive: 0, direct: 0 },
    history: [blockedEvent, partialEvent],
    alternatives: [
      { service: "safechat", status: "accessible", basis: "measurement", stale: false, e2ee: "yes" },
      { service: "openchat", status: "accessible", basis: "history", stale: false, e2ee: "no" },
    ],
    circumvention: [{ service: "tunnel", status: "unknown", basis: "none", stale: false, e2ee: "no" }],
  };
}

import { createHmac, timingSafeEqual } from "node:crypto";

// The request signature of POST /api/v1/ingest (ingest/README.md): HMAC-SHA256 with the agent's key over
// `<timestamp>.<body>`, hex, with the timestamp in unix seconds. Signing the timestamp with the body makes
// an old request unusable once the window has passed; the replay cache covers the window itself.

export const HEADERS = {
  agent: "x-isblocked-agent",
  timestamp: "x-isblocked-timestamp",
  signature: "x-isblocked-signature",
} as const;

/** Accepted clock difference between agent and bot, either way. */
export const WINDOW_S = 300;

export function sign(key: string, timestamp: number, body: Buffer | string): string {
  return createHmac("sha256", key).update(`${timestamp}.`).update(body).digest("hex");
}

/** The headers that carry a signed body. */
export function signedHeaders(agent: string, key: string, timestamp: number, body: Buffer | string) {
  return {
    [HEADERS.agent]: agent,
    [HEADERS.timestamp]: String(timestamp),
    [HEADERS.signature]: sign(key, timestamp, body),
  };
}

export type SignatureCheck = "ok" | "expired" | "future" | "forged";

/**
 * Checks a signature: the timestamp must be within WINDOW_S of `nowS`, and the HMAC must match, compared
 * in constant time. A signature of the wrong length or not hex is compared too (against the expected
 * value itself) so that its rejection takes as long as any other.
 */
export function checkSignature(
  key: string,
  timestamp: number,
  body: Buffer,
  signature: string,
  nowS: number,
): SignatureCheck {
  const expected = Buffer.from(sign(key, timestamp, body), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  const wellFormed = given.length === expected.length;
  const same = timingSafeEqual(expected, wellFormed ? given : expected) && wellFormed;
  const window = checkWindow(timestamp, nowS);
  if (window !== "ok") return window;
  return same ? "ok" : "forged";
}

/** Whether a timestamp is within WINDOW_S of `nowS`: checked before the body is read, and with the HMAC. */
export function checkWindow(timestamp: number, nowS: number): "ok" | "expired" | "future" {
  if (timestamp < nowS - WINDOW_S) return "expired";
  if (timestamp > nowS + WINDOW_S) return "future";
  return "ok";
}

/** A timestamp header: a plain decimal count of seconds, nothing else. */
export function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

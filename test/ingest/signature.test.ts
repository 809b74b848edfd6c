import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSignature, parseTimestamp, sign, signedHeaders, WINDOW_S } from "../../ingest/signature.js";

const KEY = "k".repeat(32);
const OTHER_KEY = "o".repeat(32);
const NOW = 1_772_000_000;
const BODY = Buffer.from('{"agent":"bj-1","measurements":[]}');

describe("ingest signature", () => {
  it("is HMAC-SHA256 of timestamp, a dot and the body, in hex", () => {
    const expected = createHmac("sha256", KEY).update(`${NOW}.${BODY.toString()}`).digest("hex");
    expect(sign(KEY, NOW, BODY)).toBe(expected);
    expect(signedHeaders("bj-1", KEY, NOW, BODY)).toEqual({
      "x-isblocked-agent": "bj-1",
      "x-isblocked-timestamp": String(NOW),
      "x-isblocked-signature": expected,
    });
  });

  it("accepts a valid signature, in either case, anywhere inside the window", () => {
    const signature = sign(KEY, NOW, BODY);
    expect(checkSignature(KEY, NOW, BODY, signature, NOW)).toBe("ok");
    expect(checkSignature(KEY, NOW, BODY, signature.toUpperCase(), NOW)).toBe("ok");
    expect(checkSignature(KEY, NOW, BODY, signature, NOW + WINDOW_S)).toBe("ok");
    expect(checkSignature(KEY, NOW, BODY, signature, NOW - WINDOW_S)).toBe("ok");
  });

  it("refuses a forged body, a wrong key and a changed timestamp", () => {
    const signature = sign(KEY, NOW, BODY);
    const forged = Buffer.from(BODY.toString().replace("bj-1", "bj-2"));
    expect(checkSignature(KEY, NOW, forged, signature, NOW)).toBe("forged");
    expect(checkSignature(OTHER_KEY, NOW, BODY, signature, NOW)).toBe("forged");
    expect(checkSignature(KEY, NOW + 1, BODY, signature, NOW)).toBe("forged");
    expect(checkSignature(KEY, NOW, BODY, sign(OTHER_KEY, NOW, BODY), NOW)).toBe("forged");
  });

  it("refuses a timestamp 301 s old as expired and 301 s ahead as from the future", () => {
    const old = NOW - WINDOW_S - 1;
    const ahead = NOW + WINDOW_S + 1;
    expect(checkSignature(KEY, old, BODY, sign(KEY, old, BODY), NOW)).toBe("expired");
    expect(checkSignature(KEY, ahead, BODY, sign(KEY, ahead, BODY), NOW)).toBe("future");
  });

  it("refuses signatures of another length or not hex without throwing (the timing-safe path)", () => {
    const signature = sign(KEY, NOW, BODY);
    for (const given of ["", "ab", signature.slice(0, -1), `${signature}0`, "é".repeat(32), "z".repeat(64)]) {
      expect(checkSignature(KEY, NOW, BODY, given, NOW)).toBe("forged");
    }
  });

  it("reads only plain decimal timestamps", () => {
    expect(parseTimestamp(String(NOW))).toBe(NOW);
    for (const bad of [undefined, "", "1e9", "-5", " 12", "0x10", "12.5", "9".repeat(13)]) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });
});

import { describe, expect, it } from "vitest";
import { firstStrongDirection, keepRightToLeft } from "../../present/bidi.js";

describe("right to left", () => {
  it("finds the first strong character, skipping tags, entities, emoji and isolated names", () => {
    expect(firstStrongDirection("⛔ <b>\u2068WhatsApp\u2069 در چین</b>")).toBe("rtl");
    expect(firstStrongDirection("/status whatsapp")).toBe("ltr");
    expect(firstStrongDirection("&amp; سلام")).toBe("rtl");
    expect(firstStrongDirection("&lt;b&gt; سلام")).toBe("ltr");
    expect(firstStrongDirection("• 12 · ✅")).toBeUndefined();
  });

  it("marks only the lines that would turn left to right", () => {
    expect(keepRightToLeft("سلام\n/help — راهنما\n\u2068Signal\u2069: فیلتر\n")).toBe(
      "سلام\n\u200f/help — راهنما\n\u2068Signal\u2069: فیلتر\n",
    );
  });
});

import { describe, expect, it } from "vitest";
import { splitMessage, TELEGRAM_MESSAGE_LIMIT } from "../../bot/split.js";

describe("splitMessage", () => {
  it("leaves a message within the limit alone", () => {
    expect(splitMessage("<b>short</b>\nanswer")).toEqual(["<b>short</b>\nanswer"]);
    expect(splitMessage("a".repeat(TELEGRAM_MESSAGE_LIMIT))).toHaveLength(1);
    expect(splitMessage("  \n ")).toEqual([]);
  });

  it("splits at line boundaries and drops blank lines at the cuts", () => {
    expect(splitMessage("one\ntwo\n\nthree\nfour", 9)).toEqual(["one\ntwo", "three", "four"]);
    expect(splitMessage("aaaa\nbbbb\ncccc", 9)).toEqual(["aaaa\nbbbb", "cccc"]);
  });

  it("cuts a line longer than the limit at a space, closing and reopening its tags", () => {
    expect(splitMessage("<b>alpha beta gamma delta</b>", 20)).toEqual([
      "<b>alpha beta </b>",
      "<b>gamma delta</b>",
    ]);
    expect(splitMessage('<a href="https://x.org/?a=1&amp;b">one two three four</a>', 50)).toEqual([
      '<a href="https://x.org/?a=1&amp;b">one two </a>',
      '<a href="https://x.org/?a=1&amp;b">three four</a>',
    ]);
  });

  it("never cuts inside an entity, and cuts text without spaces anywhere", () => {
    expect(splitMessage("&amp;&amp;&amp;&amp;", 10)).toEqual(["&amp;&amp;", "&amp;&amp;"]);
    expect(splitMessage("中文没有空格可以断开", 4)).toEqual(["中文没有", "空格可以", "断开"]);
  });

  it("never cuts a surrogate pair", () => {
    const parts = splitMessage("😀".repeat(5), 5);
    expect(parts).toEqual(["😀😀", "😀😀", "😀"]);
  });

  it("keeps every part of a 10,000-character answer within the limit and loses nothing", () => {
    const line = (n: number) => `• <b>line ${n}</b>: ${"word ".repeat(20)}&amp; more`;
    const text = Array.from({ length: 100 }, (_, n) => line(n)).join("\n");
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(parts.join("\n")).toBe(text);
  });

  it("splits one huge line into valid pieces that join back to the text", () => {
    const text = `<i>${"x".repeat(9000)} ${"y ".repeat(1000)}</i>`;
    const parts = splitMessage(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(part.startsWith("<i>") && part.endsWith("</i>")).toBe(true);
    }
    expect(parts.map((p) => p.slice(3, -4)).join("")).toBe(text.slice(3, -4));
  });
});

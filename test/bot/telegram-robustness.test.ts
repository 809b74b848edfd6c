import { afterEach, describe, expect, it, vi } from "vitest";
import { TELEGRAM_MESSAGE_LIMIT } from "../../bot/split.js";
import { callbackData, type Harness, startHarness, TOKEN, texts } from "./support/harness.js";
import { ANNA, buttonPress, GROUP, inlineQuery, LIN, NEDA, textMessage } from "./support/updates.js";

// Bad input and bad days: nothing a person sends crashes the bot or comes back raw, long answers are split,
// floods are answered once and politely, and a failing handler never stops the bot.

let h: Harness | undefined;
afterEach(async () => h?.close());

/**
 * Whether text holds what must never reach Telegram from user input: control characters other than the
 * line feed, zero-width and bidi formatting characters, byte-order marks, lone surrogates.
 */
function hasRaw(text: string): boolean {
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if ((cp < 0x20 && cp !== 0x0a) || cp === 0x7f || cp === 0xfeff) return true;
    if (cp === 0x200b || cp === 0x200e || cp === 0x200f) return true;
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0xd800 && cp <= 0xdfff)) {
      return true;
    }
  }
  return false;
}

const failures = (h: Harness) => h.logs.filter((l) => l.includes('"update failed"'));

describe("bad input", () => {
  it("answers hostile Unicode without crashing and without echoing control characters", async () => {
    h = await startHarness();
    const inputs = [
      "is \u202ewhatsapp\u202c blocked in china",
      "whats\u200bapp\u200d\ufeff китай",
      "is Wh\u0430tsApp bl\u043eck\u0435d in Ch\u0456na",
      "/country \u202eNR\u202c<script>&amp;",
      "/subscribe \u0000\u0007\u001b[31m",
      "/status \ud800 whatsapp",
      `${"блокировка ".repeat(1000)}whatsapp`,
      "x".repeat(10_000),
      "\u2067\u2067\u2067 واتساپ \u2069",
      "<b>not a tag</b> & &amp; telegram",
    ];
    for (const text of inputs) {
      const started = Date.now();
      const calls = await h.send(textMessage(text));
      expect(Date.now() - started, text.slice(0, 20)).toBeLessThan(2000);
      expect(texts(calls).length, text.slice(0, 20)).toBeGreaterThan(0);
      for (const sent of texts(calls)) {
        expect(hasRaw(sent), text.slice(0, 20)).toBe(false);
        expect(sent.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      }
    }
    expect(failures(h)).toEqual([]);
    const [country] = texts(await h.send(textMessage("/country <b>x</b>")));
    expect(country).toBe(
      'I do not know the country "&lt;b&gt;x&lt;/b&gt;". Use a two-letter code such as CN, IR or RU.',
    );
  });

  it("survives hostile inline queries and button data", async () => {
    h = await startHarness();
    for (const query of ["\u202e\u0000", "x".repeat(5000), "wh\u0430tsapp \u200b iran"]) {
      const [answered] = await h.send(inlineQuery(query));
      expect(answered?.method).toBe("answerInlineQuery");
    }
    for (const data of ["sub:\u202e:CN", "a".repeat(64), ""]) {
      const calls = await h.send(buttonPress(data));
      expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    }
    expect(failures(h)).toEqual([]);
  });

  it("splits an answer longer than 4,096 characters at line boundaries, buttons under the last part", async () => {
    h = await startHarness();
    const chat = String(ANNA.id);
    for (const service of h.kb.services) {
      for (const country of ["CN", "IR", "RU", "TR"])
        await h.store.subscribe(chat, { service: service.id, country });
    }
    const calls = await h.send(textMessage("/subscriptions"));
    const parts = texts(calls);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(
      parts
        .join("\n")
        .split("\n")
        .filter((l) => l.startsWith("• ")),
    ).toHaveLength(h.kb.services.length * 4);
    expect(calls.slice(0, -1).every((c) => c.payload.reply_markup === undefined)).toBe(true);
    const rows = callbackData(calls.at(-1));
    expect(rows).toHaveLength(21);
    expect(rows.at(-1)).toEqual(["dlv:digest"]);
  });
});

describe("rate limit", () => {
  it("answers a flood once, politely, in the person's language, then waits", async () => {
    h = await startHarness({
      rateLimits: {
        messages: { capacity: 2, refillPerSecond: 0.1 },
        inline: { capacity: 1, refillPerSecond: 0.1 },
      },
    });
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(texts(await h.send(textMessage("whatsapp", NEDA))).length);
    expect(sent).toEqual([1, 1, 1, 0, 0]);
    expect(texts(h.api.calls).at(-1)).toBe(
      "سریع‌تر از آنچه بتوانم پاسخ دهم می‌پرسید. لطفاً یک دقیقه صبر کنید و دوباره بپرسید.",
    );
    const pressed = await h.send(buttonPress("det:whatsapp:CN", NEDA));
    expect(pressed.map((c) => c.method)).toEqual(["answerCallbackQuery"]);

    // Others are not held up, and group chatter not meant for the bot costs nothing.
    expect(texts(await h.send(textMessage("whatsapp", LIN)))).toHaveLength(1);
    for (let i = 0; i < 5; i++) await h.send(textMessage("hello everyone", ANNA, GROUP));
    expect(texts(await h.send(textMessage("/status whatsapp", ANNA, GROUP)))).toHaveLength(1);

    h.advance(10_000);
    expect(texts(await h.send(textMessage("whatsapp", NEDA)))[0]).toMatch(/^⛔/);
  });
});

describe("the error boundary", () => {
  it("acts on a button pressed long ago, which Telegram no longer lets it answer", async () => {
    h = await startHarness();
    h.api.script("answerCallbackQuery", () => ({
      error_code: 400,
      description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
    }));
    const calls = await h.send(buttonPress("det:whatsapp:CN"));
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
    expect(failures(h)).toEqual([]);
  });

  it("logs a failing update, tells the person, and goes on with the next", async () => {
    h = await startHarness();
    vi.spyOn(h.store, "getChat").mockRejectedValueOnce(new Error("store down"));
    expect(texts(await h.send(textMessage("whatsapp")))).toEqual([
      "Sorry, something went wrong while answering. Please try again later.",
    ]);
    expect(failures(h)).toHaveLength(1);
    expect(failures(h)[0]).toContain("store down");
    expect(texts(await h.send(textMessage("whatsapp")))[0]).toMatch(/^⛔ <b>WhatsApp in China/);
  });

  it("survives Telegram refusing to deliver, even the apology, and never logs the token", async () => {
    h = await startHarness();
    h.api.script("sendMessage", () => ({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    }));
    await h.send(textMessage("whatsapp"));
    expect(failures(h)).toHaveLength(1);
    expect(h.logs.some((l) => l.includes("could not report the failure"))).toBe(true);
    h.api.script("sendMessage", (payload) => ({
      result: { message_id: 1, date: 1, chat: { id: payload.chat_id, type: "private" } },
    }));
    expect(texts(await h.send(textMessage("/about")))).toHaveLength(1);
    expect(h.logs.join("\n")).not.toContain(TOKEN.split(":")[1]);
  });
});

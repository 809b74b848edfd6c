import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceStatus } from "../../model/status.js";
import { miniKb } from "../helpers.js";
import type { RecordedCall } from "../support/bot-api-server.js";
import { callbackData, type Harness, keyboardOf, startHarness, texts } from "./support/harness.js";
import { ANNA, buttonPress, IVAN, inlineQuery, LIN, NEDA, textMessage } from "./support/updates.js";

// A private chat with the bot: literal updates in, the Bot API calls it makes out.

const WHATSAPP_CN_MEASURED: ServiceStatus = {
  service: "whatsapp",
  country: "CN",
  status: "partial",
  mechanism: "tls",
  since: "2026-11-20T08:00:00.000Z",
  checkedAt: "2026-11-21T10:05:00.000Z",
  features: [
    { feature: "text", status: "ok", mechanism: null },
    { feature: "media", status: "blocked", mechanism: "tls" },
  ],
  regions: [{ region: "beijing", status: "partial" }],
  confidence: 0.9,
};

/** The ids of the articles an inline answer offered. */
const resultIds = (call: RecordedCall | undefined) =>
  ((call?.payload.results ?? []) as { id: string }[]).map((r) => r.id);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe("questions and commands", () => {
  it("answers a free-text question with the answer's buttons", async () => {
    const calls = await h.send(textMessage("is whatsapp blocked in china?"));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.payload).toMatchObject({
      chat_id: ANNA.id,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    expect(texts(calls)[0]).toMatch(
      /^⛔ <b>WhatsApp in China<\/b>\nNo fresh measurement; last known: blocked/,
    );
    expect(callbackData(calls[0])).toEqual([
      ["sub:whatsapp:CN", "alt:whatsapp:CN"],
      ["det:whatsapp:CN", "his:whatsapp:CN"],
    ]);
  });

  it("answers /status like a question, and a question it cannot read with suggestions and no buttons", async () => {
    const [status] = texts(await h.send(textMessage("/status whatsapp ir")));
    expect(status).toMatch(/^✅ <b>WhatsApp in Iran<\/b>/);
    const unknown = await h.send(textMessage("is blorpchat blocked"));
    expect(texts(unknown)[0]).toMatch(/^I could not tell which service you mean\./);
    expect(unknown[0]?.payload.reply_markup).toBeUndefined();
    expect(texts(await h.send(textMessage("/status")))).toEqual([
      "Which service? For example: /status whatsapp cn",
    ]);
  });

  it("lists a country's services by category", async () => {
    const [list] = texts(await h.send(textMessage("/list ir")));
    expect(list?.split("\n")[0]).toBe("<b>Iran: every service by category</b>");
    expect(list).toContain("<b>Messaging</b>: ");
    expect(list).toContain("<b>VPNs</b>: ");
  });

  it("suggests alternatives, explains /about and lists commands with inline mode in /help", async () => {
    expect(texts(await h.send(textMessage("/alternatives whatsapp")))[0]).toMatch(
      // Nothing offered instead is known to work in China, so the ways around the block come first.
      /^🔀 <b>Instead of WhatsApp in China<\/b>\n\nWays around the block:\n• /,
    );
    expect(texts(await h.send(textMessage("/about")))[0]).toMatch(
      /^<b>How isblocked knows<\/b>\n• Vantages inside/,
    );
    expect(texts(await h.send(textMessage("/help")))[0]).toContain(
      "In any chat, type @isblocked_test_bot whatsapp iran to share a status.",
    );
  });

  it("welcomes with the language buttons", async () => {
    const calls = await h.send(textMessage("/start"));
    expect(texts(calls)[0]).toContain("Language: English (/lang) · default country: China (/country)");
    expect(callbackData(calls[0])[0]).toEqual(["lang:en", "lang:zh-Hans", "lang:zh-Hant"]);
  });
});

describe("answer buttons", () => {
  it("Details shows per-feature and per-region evidence", async () => {
    await h.store.putStatus(WHATSAPP_CN_MEASURED);
    const calls = await h.send(buttonPress("det:whatsapp:CN"));
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
    expect(texts(calls)[0]).toBe(
      [
        "🔍 <b>WhatsApp in China: details</b>",
        "Status: partially blocked · confidence 90%",
        "Since 20 November 2026 08:00 UTC · last checked 21 November 2026 10:05 UTC",
        "",
        "By feature:",
        "• Text messages: works",
        "• Photos, video and voice notes: blocked (TLS)",
        "",
        "By region:",
        "• Beijing: partially blocked",
        "",
        "How it fails:",
        "• TLS: the encrypted handshake was cut off or answered by an impostor",
      ].join("\n"),
    );
  });

  it("History shows the measured timeline and the dated events with sources", async () => {
    await h.store.appendTimeline(
      { service: "whatsapp", country: "CN" },
      { at: "2026-11-20T08:00:00.000Z", from: "blocked", to: "partial", mechanism: "tls" },
    );
    const [history] = texts(await h.send(buttonPress("his:whatsapp:CN")));
    const lines = history?.split("\n") ?? [];
    expect(lines.slice(0, 3)).toEqual([
      "📜 <b>WhatsApp in China: history</b>",
      "Measured changes:",
      "• 20 November 2026 08:00 UTC: blocked → partially blocked (TLS)",
    ]);
    expect(lines).toContain("Recorded events:");
    expect(history).toContain(
      '<a href="https://www.nytimes.com/2017/09/25/business/china-whatsapp-blocked.html">source</a>',
    );
  });

  it("History and /history send the 30-day chart as a PNG with its alt text, then the dated history", async () => {
    for (const update of [buttonPress("his:whatsapp:CN"), textMessage("/history whatsapp cn")]) {
      const calls = await h.send(update);
      expect(calls.map((c) => c.method).filter((m) => m !== "answerCallbackQuery")).toEqual([
        "sendPhoto",
        "sendMessage",
      ]);
      const photo = calls.find((c) => c.method === "sendPhoto")?.payload as {
        photo: { size: number; head: Buffer };
        caption: string;
      };
      expect(photo.photo.head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
        true,
      );
      expect(photo.photo.size).toBeGreaterThan(1000);
      expect(photo.caption).toContain("WhatsApp");
    }
    expect(texts(await h.send(textMessage("/history")))[0]).toContain("/history");
  });

  it("Alternatives answers with the alternatives; a forged or stale button only says so", async () => {
    expect(texts(await h.send(buttonPress("alt:whatsapp:IR")))[0]).toMatch(
      /^🔀 <b>Instead of WhatsApp in Iran<\/b>/,
    );
    for (const data of ["det:nosuchservice:CN", "det:whatsapp:ZZ", "evil:<b>:CN"]) {
      const calls = await h.send(buttonPress(data));
      expect(calls).toEqual([
        {
          method: "answerCallbackQuery",
          payload: {
            callback_query_id: expect.any(String),
            text: "This button no longer works. Please ask again.",
          },
        },
      ]);
    }
  });
});

describe("languages", () => {
  it("answers in the person's Telegram language", async () => {
    expect(texts(await h.send(textMessage("微信在中国被封了吗", LIN)))[0]).toMatch(/^.*微信.*中国/);
    expect(texts(await h.send(textMessage("/about", IVAN)))[0]).toMatch(
      /^<b>Откуда isblocked это знает<\/b>/,
    );
    const zhTw = { ...LIN, id: 46, language_code: "zh-TW" };
    expect(texts(await h.send(textMessage("/start", zhTw)))[0]).toContain("語言：繁體中文");
  });

  it("keeps Persian right to left without breaking service names", async () => {
    const mini = await startHarness({ kb: miniKb() });
    const [answer] = texts(await mini.send(textMessage("safechat", NEDA)));
    expect(answer?.split("\n")[0]).toBe("❔ <b>\u2068SafeChat\u2069 در چین</b>");
    await mini.close();
    const [domain] = texts(await h.send(textMessage("example.org", NEDA)));
    expect(domain).toContain("دامنهٔ \u2068example.org\u2069 هنوز");
    const [help] = texts(await h.send(textMessage("/help", NEDA)));
    // Every line that would begin left to right starts with a right-to-left mark.
    expect(help?.split("\n").filter((l) => /^[/A-Za-z]/.test(l))).toEqual([]);
    expect(help).toContain("• زبان این گفت‌وگو: /lang [کد]");
  });

  it("overrides the Telegram language with /lang and the buttons, and goes back with auto", async () => {
    expect(texts(await h.send(textMessage("/lang ru")))).toEqual(["Язык этого чата: русский."]);
    expect(texts(await h.send(textMessage("/about")))[0]).toMatch(/^<b>Откуда isblocked/);
    const pressed = await h.send(buttonPress("lang:fa"));
    expect(pressed[0]).toEqual({
      method: "answerCallbackQuery",
      payload: { callback_query_id: expect.any(String), text: "زبان این گفت‌وگو: فارسی." },
    });
    expect(texts(pressed)).toEqual(["زبان این گفت‌وگو: فارسی."]);
    expect((await h.store.getChat(String(ANNA.id)))?.lang).toBe("fa");
    expect(texts(await h.send(textMessage("/lang auto")))).toEqual([
      "This chat now answers each person in their Telegram language.",
    ]);
    expect((await h.store.getChat(String(ANNA.id)))?.lang).toBeUndefined();
    const choose = await h.send(textMessage("/lang klingon"));
    expect(texts(choose)).toEqual(["Choose the language of this chat:"]);
    expect(callbackData(choose[0]).flat()).toContain("lang:auto");
  });

  it("sets the default country with /country, by code or name", async () => {
    expect(texts(await h.send(textMessage("/country")))).toEqual([
      "Default country of this chat: China. Change it with /country and a code, e.g. /country IR.",
    ]);
    expect(texts(await h.send(textMessage("/country iran")))).toEqual([
      "Default country of this chat: Iran.",
    ]);
    expect(texts(await h.send(textMessage("is whatsapp blocked")))[0]).toMatch(
      /^✅ <b>WhatsApp in Iran<\/b>/,
    );
    expect(texts(await h.send(textMessage("/country XX")))).toEqual([
      'I do not know the country "XX". Use a two-letter code such as CN, IR or RU.',
    ]);
    expect((await h.store.getChat(String(ANNA.id)))?.country).toBe("IR");
  });
});

describe("inline mode", () => {
  it("offers the status as an article to send in any chat", async () => {
    const calls = await h.send(inlineQuery("whatsapp iran"));
    expect(calls.map((c) => c.method)).toEqual(["answerInlineQuery"]);
    const { results, is_personal } = (calls[0]?.payload ?? {}) as {
      results: {
        id: string;
        title: string;
        description: string;
        input_message_content: { message_text: string };
      }[];
      is_personal: boolean;
    };
    expect(is_personal).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      type: "article",
      id: "whatsapp:IR",
      title: "✅ WhatsApp in Iran: accessible (last known)",
      description: "No fresh measurement; last known: accessible since January 2025 (source)",
      input_message_content: { parse_mode: "HTML" },
    });
    expect(results[0]?.input_message_content.message_text).toMatch(/^✅ <b>WhatsApp in Iran<\/b>/);
  });

  it("shares an answer: its Share button asks the same question inline, in the chat the person picks", async () => {
    const [answer] = await h.send(textMessage("is whatsapp blocked in china?"));
    const share = keyboardOf(answer).at(-1);
    expect(share).toEqual([{ text: "📤 Share", switch_inline_query: "whatsapp CN" }]);
    const [inline] = await h.send(inlineQuery(share?.[0]?.switch_inline_query ?? "", IVAN));
    expect(resultIds(inline)).toEqual(["whatsapp:CN"]);
  });

  it("uses the person's default country, offers suggestions for a misread query, help for an empty one", async () => {
    await h.send(textMessage("/country ru"));
    const [own] = await h.send(inlineQuery("telegram"));
    expect(resultIds(own)).toEqual(["telegram:RU"]);
    const [vpn] = await h.send(inlineQuery("which vpn works"));
    expect(resultIds(vpn)).toEqual(["lantern:RU", "outline:RU", "psiphon:RU"]);
    const [empty] = await h.send(inlineQuery("  "));
    expect(empty?.payload).toMatchObject({
      results: [],
      button: { text: 'Type a service and a country, e.g. "whatsapp iran"', start_parameter: "inline" },
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  answerKeyboard,
  CALLBACK_DATA_LIMIT,
  encodeCallback,
  languageKeyboard,
  parseCallback,
  subscriptionsKeyboard,
} from "../../bot/keyboards.js";
import { ALL_SERVICES } from "../../model/store.js";
import { miniKb, realKb } from "../helpers.js";

describe("callback data", () => {
  it("round-trips every kind", () => {
    const callbacks = [
      { kind: "target", action: "sub", target: { service: "whatsapp", country: "CN" } },
      { kind: "target", action: "uns", target: { service: ALL_SERVICES, country: "IR" } },
      { kind: "target", action: "his", target: { service: "facebook-messenger", country: "RU" } },
      { kind: "lang", lang: "zh-Hant" },
      { kind: "lang", lang: "auto" },
      { kind: "delivery", delivery: "digest" },
    ] as const;
    for (const callback of callbacks) expect(parseCallback(encodeCallback(callback))).toEqual(callback);
    expect(encodeCallback(callbacks[0])).toBe("sub:whatsapp:CN");
  });

  it("fits Telegram's 64 bytes for every service and country of the knowledge base", () => {
    const kb = realKb();
    for (const service of kb.services) {
      for (const country of kb.countries) {
        for (const action of ["sub", "uns", "alt", "det", "his"] as const) {
          const data = encodeCallback({
            kind: "target",
            action,
            target: { service: service.id, country: country.code },
          });
          expect(Buffer.byteLength(data, "utf8")).toBeLessThanOrEqual(CALLBACK_DATA_LIMIT);
        }
      }
    }
  });

  it("refuses anything else a client may send", () => {
    for (const data of [
      undefined,
      "",
      "sub:whatsapp",
      "sub:whatsapp:cn",
      "sub:WhatsApp:CN",
      "sub:whats:app:CN",
      "del:whatsapp:CN",
      "lang:de",
      "dlv:weekly",
      `sub:${"a".repeat(70)}:CN`,
      "sub:../../x:CN",
      "sub:whatsapp\u202e:CN",
    ]) {
      expect(parseCallback(data)).toBeUndefined();
    }
  });
});

describe("keyboards", () => {
  it("puts Subscribe, Alternatives, Details, History and Share under an answer", () => {
    expect(answerKeyboard({ service: "whatsapp", country: "CN" }, "en")).toEqual({
      inline_keyboard: [
        [
          { text: "🔔 Subscribe", callback_data: "sub:whatsapp:CN" },
          { text: "🔀 Alternatives", callback_data: "alt:whatsapp:CN" },
        ],
        [
          { text: "🔍 Details", callback_data: "det:whatsapp:CN" },
          { text: "📜 History", callback_data: "his:whatsapp:CN" },
        ],
        [{ text: "📤 Share", switch_inline_query: "whatsapp CN" }],
      ],
    });
    expect(answerKeyboard({ service: "whatsapp", country: "CN" }, "ru").inline_keyboard[0]?.[0]?.text).toBe(
      "🔔 Подписаться",
    );
  });

  it("names each language in itself", () => {
    expect(languageKeyboard("en").inline_keyboard).toEqual([
      [
        { text: "English", callback_data: "lang:en" },
        { text: "简体中文", callback_data: "lang:zh-Hans" },
        { text: "繁體中文", callback_data: "lang:zh-Hant" },
      ],
      [
        { text: "Русский", callback_data: "lang:ru" },
        { text: "فارسی", callback_data: "lang:fa" },
      ],
      [{ text: "Each person's Telegram language", callback_data: "lang:auto" }],
    ]);
  });

  it("offers to drop each subscription and to switch the delivery mode", () => {
    const targets = [
      { service: "chatapp", country: "CN" },
      { service: ALL_SERVICES, country: "CN" },
    ];
    expect(subscriptionsKeyboard(miniKb(), targets, "immediate", "en").inline_keyboard).toEqual([
      [{ text: "✖ ChatApp in China", callback_data: "uns:chatapp:CN" }],
      [{ text: "✖ every service in China", callback_data: "uns:*:CN" }],
      [{ text: "Switch to a daily digest", callback_data: "dlv:digest" }],
    ]);
    expect(subscriptionsKeyboard(miniKb(), [], "digest", "en").inline_keyboard).toEqual([
      [{ text: "Switch to alerts at once", callback_data: "dlv:immediate" }],
    ]);
  });
});

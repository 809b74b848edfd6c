import { describe, expect, it } from "vitest";
import { LANGS } from "../../kb/schema.js";
import { webEn } from "../../present/page-i18n/en.js";
import {
  chooseLang,
  formatPercent,
  formatShortDate,
  langFromParam,
  webLocales,
  wt,
} from "../../present/page-i18n/index.js";

// The status page's locales, held to the same rules as the bot's (test/bot/i18n.test.ts).

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("web locales", () => {
  it("cover the bot's five languages", () => {
    expect(Object.keys(webLocales).sort()).toEqual([...LANGS].sort());
  });

  it.each(Object.entries(webLocales))("%s has exactly the English keys", (_lang, messages) => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(webEn).sort());
  });

  it.each(Object.entries(webLocales))("%s keeps every placeholder and is never empty", (_lang, messages) => {
    for (const [key, text] of Object.entries(webEn)) {
      const translated = messages[key as keyof typeof webEn];
      expect(translated.trim(), key).not.toBe("");
      expect(placeholders(translated), key).toEqual(placeholders(text));
    }
  });

  it.each(["zh-Hans", "zh-Hant", "ru", "fa"] as const)("%s is translated, not English", (lang) => {
    const same = Object.entries(webEn).filter(
      ([key, text]) => webLocales[lang][key as keyof typeof webEn] === text,
    );
    // Only names and symbols may stay as they are.
    for (const [key] of same) {
      expect(
        ["site.name", "footer.api", "board.count", "service.change", "chart.alt", "chart.separator"],
        key,
      ).toContain(key);
    }
  });

  it("each language names itself in its own script", () => {
    expect(LANGS.map((l) => webLocales[l]["lang.name"])).toEqual([
      "English",
      "简体中文",
      "繁體中文",
      "Русский",
      "فارسی",
    ]);
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(wt("en", "board.count", { status: "Blocked", count: 2 })).toBe("Blocked: 2");
    expect(wt("en", "board.count")).toBe("{status}: {count}");
  });
});

describe("choosing the page language", () => {
  it.each([
    ["fa", undefined, "fa"],
    ["ZH-HANT", undefined, "zh-Hant"],
    ["de", "ru-RU,ru;q=0.9", "ru"],
    [null, "de-DE,de;q=0.9,zh-TW;q=0.8", "zh-Hant"],
    [null, "fa;q=0.5,en;q=0.9", "en"],
    [null, "zh-CN", "zh-Hans"],
    [null, "de, *;q=0.1", "en"],
    [null, undefined, "en"],
    [null, "ru;q=0", "en"],
  ] as const)("?lang=%s, Accept-Language %s → %s", (param, accept, lang) => {
    expect(chooseLang(param, accept)).toBe(lang);
  });

  it("accepts only the five tags as ?lang=", () => {
    expect(langFromParam("zh-hans")).toBe("zh-Hans");
    expect(langFromParam("zh")).toBeUndefined();
    expect(langFromParam("")).toBeUndefined();
  });
});

describe("numbers and dates", () => {
  it("never rounds a partial outage up to 100%", () => {
    expect(formatPercent(0.9996, "en")).toBe("99.9%");
    expect(formatPercent(1, "en")).toBe("100%");
    expect(formatPercent(0.5, "ru")).toBe("50\u00a0%");
    expect(formatPercent(0.5, "fa")).toBe("۵۰٪");
  });

  it("writes short Gregorian dates in each language's own digits", () => {
    const june3 = Date.UTC(2026, 5, 3);
    expect(LANGS.map((l) => formatShortDate(june3, l))).toEqual([
      "3 Jun",
      "6月3日",
      "6月3日",
      "3 июн.",
      "۳ ژوئن",
    ]);
  });
});

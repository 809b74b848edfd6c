import { describe, expect, it } from "vitest";
import { en } from "../../bot/i18n/en.js";
import { locales, pickLang, t } from "../../bot/i18n/index.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("locales", () => {
  it.each(Object.entries(locales))("%s has exactly the English keys", (_lang, messages) => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.entries(locales))("%s keeps every placeholder and is never empty", (_lang, messages) => {
    for (const [key, text] of Object.entries(en)) {
      const translated = messages[key as keyof typeof en];
      expect(translated.trim(), key).not.toBe("");
      expect(placeholders(translated), key).toEqual(placeholders(text));
    }
  });

  it.each(["zh-Hans", "zh-Hant", "ru", "fa"] as const)("%s is translated, not English", (lang) => {
    expect(t(lang, "answer.notUnderstood")).not.toBe(en["answer.notUnderstood"]);
    expect(t(lang, "status.blocked")).not.toBe(en["status.blocked"]);
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("en", "answer.since", { since: "2017" })).toBe("Since 2017");
    expect(t("en", "answer.since")).toBe("Since {since}");
  });
});

describe("pickLang", () => {
  it.each([
    [undefined, "en"],
    ["en-US", "en"],
    ["de", "en"],
    ["zh", "zh-Hans"],
    ["zh-hans", "zh-Hans"],
    ["zh-CN", "zh-Hans"],
    ["zh-TW", "zh-Hant"],
    ["zh-hk", "zh-Hant"],
    ["zh-Hant", "zh-Hant"],
    ["ru", "ru"],
    ["ru-RU", "ru"],
    ["fa", "fa"],
    ["fa-IR", "fa"],
  ])("%s → %s", (code, lang) => {
    expect(pickLang(code)).toBe(lang);
  });
});

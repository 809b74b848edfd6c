import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../bot/commands.js";
import { CATEGORIES } from "../../kb/schema.js";
import { en } from "../../present/i18n/en.js";
import { locales, pickLang, t, tPlural } from "../../present/i18n/index.js";

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

describe("conversation messages", () => {
  it("has a description for every command and a name for every category", () => {
    for (const command of COMMANDS) expect(Object.keys(en)).toContain(`command.${command.name}`);
    for (const category of CATEGORIES) expect(Object.keys(en)).toContain(`category.${category}`);
  });

  it.each([
    ["en", 1, "1 person in China reported problems in the last hour."],
    ["en", 2, "2 people in China reported problems in the last hour."],
    ["ru", 1, "Китай: за последний час о проблемах сообщил 1 человек."],
    ["ru", 4, "Китай: за последний час о проблемах сообщили 4 человека."],
    ["ru", 11, "Китай: за последний час о проблемах сообщили 11 человек."],
    ["zh-Hant", 1, "過去一小時內，中國有 1 人回報遇到問題。"],
    ["fa", 2, "در یک ساعت گذشته ۲ نفر در چین مشکل را گزارش کرده‌اند."],
  ] as const)("%s: %i report(s) in the language's plural form", (lang, count, text) => {
    const place = { en: "China", ru: "Китай", "zh-Hant": "中國", fa: "چین" }[lang];
    expect(tPlural(lang, "report.recent", count, { place })).toBe(text);
  });
});

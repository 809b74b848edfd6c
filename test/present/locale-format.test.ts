import { describe, expect, it } from "vitest";
import type { Lang } from "../../kb/schema.js";
import { localDigits, t } from "../../present/i18n/index.js";
import { formatDuration, formatPercent, wt } from "../../present/page-i18n/index.js";
import { listOf } from "../../present/regions.js";
import { aside, labelled } from "../../present/text.js";

// Punctuation, lists, brackets and numbers come from the locale, never from the code: a Chinese line reads
// "标签：内容（注）", a Persian one has Persian digits except in what is typed or copied as it is.

describe("punctuation, brackets and lists in each language", () => {
  it.each<[Lang, string[], string, string, string]>([
    [
      "en",
      ["Beijing", "Shenzhen", "Shanghai"],
      "Signal: blocked",
      "blocked (last known)",
      "Beijing, Shenzhen and Shanghai",
    ],
    ["zh-Hans", ["北京", "深圳", "上海"], "Signal：被封锁", "被封锁（最后已知状态）", "北京、深圳和上海"],
    ["zh-Hant", ["北京", "深圳", "上海"], "Signal：遭封鎖", "遭封鎖（最後已知狀態）", "北京、深圳和上海"],
    [
      "ru",
      ["Пекин", "Шэньчжэнь", "Шанхай"],
      "Signal: блокировка",
      "блокировка (по последним данным)",
      "Пекин, Шэньчжэнь и Шанхай",
    ],
    [
      "fa",
      ["پکن", "شنژن", "شانگهای"],
      "Signal: مسدود",
      "مسدود (آخرین وضعیت شناخته‌شده)",
      "پکن، شنژن و شانگهای",
    ],
  ])("%s", (lang, places, label, note, list) => {
    const blocked = t(lang, "status.blocked");
    expect(labelled("Signal", blocked, lang)).toBe(label);
    expect(aside(blocked, t(lang, "answer.lastKnown"), lang)).toBe(note);
    expect(listOf(places, lang)).toBe(list);
  });
});

describe("numbers in each language's digits", () => {
  it.each<[Lang, string, string, string]>([
    ["en", "87.5%", "3 hours", "Confidence: 87.5%"],
    ["zh-Hans", "87.5%", "3小时", "可信度：87.5%"],
    ["zh-Hant", "87.5%", "3 小時", "可信度：87.5%"],
    ["ru", "87,5\u00a0%", "3 часа", "Уверенность: 87,5\u00a0%"],
    ["fa", "۸۷٫۵٪", "۳ ساعت", "اطمینان: ۸۷٫۵٪"],
  ])("%s: percent, duration, and a percentage inside a sentence", (lang, percent, hours, sentence) => {
    expect(formatPercent(0.875, lang)).toBe(percent);
    expect(formatDuration(3 * 3_600_000, lang)).toBe(hours);
    expect(wt(lang, "service.confidence", { percent: formatPercent(0.875, lang) })).toBe(sentence);
  });

  it("writes a number value in Persian digits, and keeps a domain or a command as it is typed", () => {
    expect(localDigits("2009 · 30:05", "fa")).toBe("۲۰۰۹ · ۳۰:۰۵");
    expect(localDigits("2009", "ru")).toBe("2009");
    expect(t("fa", "checkNow.hint", { domain: "1.1.1.1", country: "IR" })).toBe(
      "برای بررسی همین حالا از نقاط سنجش ما: /check 1.1.1.1 IR",
    );
    expect(t("fa", "details.status", { status: "مسدود", confidence: 87 })).toBe("وضعیت: مسدود · اطمینان ۸۷٪");
  });
});

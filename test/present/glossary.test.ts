import { describe, expect, it } from "vitest";
import { LANGS, type Lang } from "../../kb/schema.js";
import { GLOSSARY, glossaryOffences } from "../../present/i18n/glossary.js";
import { locales } from "../../present/i18n/index.js";
import { webLocales } from "../../present/page-i18n/index.js";
import { realKb } from "../helpers.js";

// Every text a reader can see in a language, named by where it comes from: the bot's and the site's
// messages here, the knowledge base's translated cautions, events and notes below.
function texts(lang: Lang): [string, string][] {
  return [
    ...Object.entries(locales[lang]).map(([key, text]): [string, string] => [`bot ${key}`, text]),
    ...Object.entries(webLocales[lang]).map(([key, text]): [string, string] => [`web ${key}`, text]),
  ];
}

function knowledgeBaseTexts(lang: Lang): [string, string][] {
  const kb = realKb();
  const out: [string, string][] = [];
  for (const c of kb.countries) {
    const caution = c.circumventionRisk?.text[lang];
    if (caution) out.push([`kb countries ${c.code} circumventionRisk`, caution]);
  }
  for (const e of kb.events) {
    const summary = e.summary[lang];
    if (summary) out.push([`kb event ${e.service}/${e.country} ${e.date}`, summary]);
  }
  for (const s of kb.services) {
    const notes = s.notes?.[lang];
    if (notes) out.push([`kb services/${s.id} notes`, notes]);
  }
  return out;
}

function offences(lang: Lang): string[] {
  return [
    ...texts(lang).map(([where, text]) => [where, glossaryOffences(text, lang, "strings")] as const),
    ...knowledgeBaseTexts(lang).map(
      ([where, text]) => [where, glossaryOffences(text, lang, "knowledgeBase")] as const,
    ),
  ].flatMap(([where, found]) => found.map((o) => `${where}: «${o.word}» (${o.concept}; use «${o.instead}»)`));
}

describe("one term per concept in each language", () => {
  it.each(LANGS)("%s: no bot, web or knowledge-base text uses a synonym the glossary rules out", (lang) => {
    expect(offences(lang)).toEqual([]);
  });

  it.each(LANGS)("%s: every term of the glossary is the one the strings use", (lang) => {
    const all = texts(lang)
      .map(([, text]) => text.toLowerCase())
      .join("\n");
    // Russian declines the term ("точки измерения"), so it is looked for by the stem of each word.
    const stem = (word: string) => (lang === "ru" && word.length >= 5 ? word.slice(0, -1) : word);
    const unused = Object.entries(GLOSSARY[lang].terms).filter(([, entry]) => {
      const words = entry.term.toLowerCase().split(" ").map(stem);
      const pattern = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\p{L}* ");
      return !new RegExp(pattern, "u").test(all);
    });
    expect(unused.map(([concept]) => concept)).toEqual([]);
  });

  it("finds the synonyms that had crept in, and only at the start of a word where words have endings", () => {
    expect(glossaryOffences("2 个检测点显示被封锁", "zh-Hans", "strings").map((o) => o.word)).toEqual([
      "检测点",
    ]);
    expect(glossaryOffences("我們的客戶端無法訪問", "zh-Hant", "knowledgeBase")).toEqual([
      { concept: "regional", word: "訪問", instead: "連線、造訪" },
      { concept: "regional", word: "客戶端", instead: "用戶端" },
    ]);
    expect(glossaryOffences("Данные зондов и замеров", "ru", "strings").map((o) => o.concept)).toEqual([
      "vantage",
      "measurement",
    ]);
    expect(glossaryOffences("با فیلترشکن", "fa", "knowledgeBase")).toEqual([
      { concept: "vpn", word: "فیلترشکن", instead: "وی‌پی‌ان" },
    ]);
    expect(glossaryOffences("This chat follows Telegram", "en", "strings").map((o) => o.word)).toEqual([
      "follow",
    ]);
    expect(glossaryOffences("It was unfiltered", "en", "strings")).toEqual([]);
    // The knowledge base may speak of following an account, or of deep packet inspection (深度包检测).
    expect(glossaryOffences("People who follow the channel", "en", "knowledgeBase")).toEqual([]);
    expect(glossaryOffences("它借助深度包检测识别Tor连接", "zh-Hans", "knowledgeBase")).toEqual([]);
  });
});

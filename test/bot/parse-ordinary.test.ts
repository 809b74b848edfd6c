import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { MAX_COMPARISONS, type ParseMeter, parseQuestion } from "../../bot/parse.js";
import { aliasKey } from "../../core/text.js";
import { LANGS, type Lang } from "../../kb/schema.js";
import { realKb } from "../helpers.js";

// Aliases that are everyday words (kb `aliases.ambiguous`) and Chinese aliases inside longer words: ordinary
// sentences are not questions about a service, while questions still are (phrasings.yaml, and below).

interface Sentence {
  lang: Lang;
  q: string;
}

const kb = realKb();
const table = YAML.parse(
  readFileSync(new URL("./ordinary-sentences.yaml", import.meta.url), "utf8"),
) as Sentence[];

const SCRIPT: Record<Lang, RegExp> = {
  en: /^[^\p{Script=Han}\p{Script=Cyrillic}\p{Script=Arabic}]+$/u,
  "zh-Hans": /\p{Script=Han}/u,
  "zh-Hant": /\p{Script=Han}/u,
  ru: /\p{Script=Cyrillic}/u,
  fa: /\p{Script=Arabic}/u,
};

describe("the ordinary-sentence table", () => {
  it("has at least 100 sentences, 15 or more in each of the five languages, none twice", () => {
    expect(table.length).toBeGreaterThanOrEqual(100);
    for (const lang of LANGS) {
      expect(table.filter((s) => s.lang === lang).length, lang).toBeGreaterThanOrEqual(15);
    }
    expect(new Set(table.map((s) => s.q)).size).toBe(table.length);
  });

  it("writes each sentence in its language's script", () => {
    for (const s of table) {
      expect(LANGS, s.q).toContain(s.lang);
      expect(s.q, s.lang).toMatch(SCRIPT[s.lang]);
    }
  });

  it("holds an alias, or a near miss of one, in every sentence (or it would test nothing)", () => {
    const keys = kb.aliases.map((a) => a.key);
    for (const s of table) {
      const text = aliasKey(s.q);
      const holds = keys.some((k) => text.includes(k.slice(0, Math.max(2, k.length - 1))));
      expect(holds, s.q).toBe(true);
    }
  });
});

describe("parseQuestion on ordinary sentences", () => {
  it.each(table)("$lang: $q", ({ q }) => {
    const parsed = parseQuestion(q, kb);
    expect({ understood: parsed.understood, service: parsed.service, domain: parsed.domain }).toEqual({
      understood: false,
      service: null,
      domain: null,
    });
  });
});

describe("everyday aliases in questions", () => {
  // Beside phrasings.yaml: questions whose service is named by an everyday word.
  const questions: [string, string, string | null][] = [
    ["飞机能用吗", "telegram", null],
    ["飛機在中國能用嗎", "telegram", "CN"],
    ["在北京能用飞机吗", "telegram", "CN"],
    ["is zoom blocked in china", "zoom", "CN"],
    ["threads in russia", "threads", "RU"],
    ["is the signal app blocked in iran?", "signal", "IR"],
    ["signal or whatsapp in iran?", "signal", "IR"],
    ["x", "twitter", null],
    ["and signal?", "signal", null],
    ["飞机呢？", "telegram", null],
    ["сигнал работает в России?", "signal", "RU"],
    ["медуза в России заблокирована?", "meduza", "RU"],
    ["тор в Беларуси работает?", "tor", "BY"],
    ["تور در ایران فیلتر است؟", "tor", "IR"],
    ["آیا زوم در ایران کار می‌کند؟", "zoom", "IR"],
    ["威信在美国能用吗", "wechat", "US"],
  ];
  it.each(questions)("%s", (q, service, country) => {
    expect(parseQuestion(q, kb)).toMatchObject({ understood: true, service, country });
  });

  it("prefers a plain name to an everyday word that is not the question's subject", () => {
    expect(parseQuestion("坐飞机去北京能用微信吗", kb)).toMatchObject({ service: "wechat", country: "CN" });
    expect(parseQuestion("the signal is weak, can I use whatsapp?", kb).service).toBe("whatsapp");
    expect(parseQuestion("飞机上能用微信吗", kb).service).toBe("wechat");
  });

  it("reads no Chinese alias inside a longer word", () => {
    // 美国 is the US: 美国国内 is about the US, not 国内 (China).
    expect(parseQuestion("美国国内能用微信吗", kb)).toMatchObject({ service: "wechat", country: "US" });
    expect(parseQuestion("維基解密在中國被封鎖了嗎", kb)).toMatchObject({ service: null, country: "CN" });
    expect(parseQuestion("输油管", kb).service).toBeNull();
  });

  it("reads 国内 as China only in a question about a service or a way round blocks", () => {
    expect(parseQuestion("国内经济增长放缓", kb).country).toBeNull();
    expect(parseQuestion("ins在国内能用吗", kb).country).toBe("CN");
    expect(parseQuestion("在国内用什么翻墙软件", kb).country).toBe("CN");
  });
});

describe("the knowledge base's everyday aliases", () => {
  const named = [
    ...kb.services.map((s) => ({ id: s.id, name: s.name, aliases: s.aliases })),
    ...kb.countries.map((c) => ({ id: c.code, name: c.name, aliases: c.aliases })),
    ...kb.countries.flatMap((c) => c.regions.map((r) => ({ id: r.id, name: r.name, aliases: r.aliases }))),
  ];

  it("lists as ambiguous only the entry's own names and aliases", () => {
    for (const { id, name, aliases } of named) {
      const own = new Set(
        LANGS.flatMap((lang) => [name[lang], ...aliases[lang]]).map((text) => aliasKey(text)),
      );
      for (const word of aliases.ambiguous ?? [])
        expect(own.has(aliasKey(word)), `${id}: ${word}`).toBe(true);
    }
  });

  it("marks the everyday words of the brief, and drops the invented aliases", () => {
    const ambiguous = new Set(kb.aliases.filter((a) => a.ambiguous).map((a) => a.key));
    for (const word of [
      "飞机",
      "飛機",
      "威信",
      "连我",
      "連我",
      "油管",
      "国内",
      "сигнал",
      "تور",
      "line",
      "signal",
      "zoom",
      "threads",
      "x",
    ]) {
      expect(ambiguous.has(aliasKey(word)), word).toBe(true);
    }
    const keys = new Set(kb.aliases.map((a) => a.key));
    for (const invented of [
      "微聊外国版",
      "نیویورک تایمز فارسی",
      "وال استریت ژورنال فارسی",
      "美杜莎",
      "美杜莎新闻",
      "美杜莎新聞",
    ]) {
      expect(keys.has(aliasKey(invented)), invented).toBe(false);
    }
  });
});

describe("the parser's work", () => {
  it("stays under MAX_COMPARISONS on a 4,096-character message of made-up words", () => {
    const letters = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюяابپتثجچحخدرزسشصطعفقکگلمنوهی";
    let text = "";
    for (let i = 0; text.length < 4096; i++) {
      let word = "";
      for (let n = i; n > 0 || word.length < 5; n = Math.floor(n / letters.length))
        word += letters[n % letters.length];
      text += `${word} `;
    }
    const meter: ParseMeter = { comparisons: 0 };
    parseQuestion(text.slice(0, 4096), kb, meter);
    expect(meter.comparisons).toBeGreaterThan(0);
    expect(meter.comparisons).toBeLessThanOrEqual(MAX_COMPARISONS);
  });

  it("reads a question at the start of a long message the same as alone", () => {
    const filler = " lorem ipsum dolor".repeat(300);
    expect(parseQuestion(`is whatsapp blocked in china?${filler}`, kb)).toMatchObject({
      service: "whatsapp",
      country: "CN",
    });
  });
});

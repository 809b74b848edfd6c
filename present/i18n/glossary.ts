import type { Lang } from "../../kb/schema.js";

// One word per concept in each language, so the bot, the site and the knowledge base never call one thing
// by two names (a reader who meets 探测点 and 检测点 may well think they are two kinds of vantage). Each
// entry gives the term to use and the synonyms that have crept in before; test/present/glossary.test.ts
// fails on any string that uses one of those synonyms.

export type Concept =
  | "vantage"
  | "measurement"
  | "confidence"
  | "circumvention"
  | "vpn"
  | "blocked"
  | "partial"
  | "outage"
  | "subscribe";

export interface GlossaryEntry {
  /** The word this language uses for the concept, as it appears in the strings. */
  readonly term: string;
  /** Other words for the same thing, used nowhere: not by the bot, the site or the knowledge base. */
  readonly avoid: readonly string[];
  /**
   * Words the bot's and the site's own strings must not use, though the knowledge base's prose may, where
   * they mean something else or agree with the sentence's own subject: "follow" an account, 深度包检测
   * (deep packet inspection), «активное зондирование», «сайт был частично заблокирован».
   */
  readonly avoidInStrings?: readonly string[];
}

export interface Glossary {
  readonly terms: Readonly<Record<Concept, GlossaryEntry>>;
  /** Words of another variety of the language, with what this one says instead. */
  readonly regional?: Readonly<Record<string, string>>;
}

export const GLOSSARY: Readonly<Record<Lang, Glossary>> = {
  en: {
    terms: {
      vantage: { term: "vantage", avoid: ["vantage point", "probe point", "measurement point"] },
      measurement: { term: "measurement", avoid: ["test result"] },
      confidence: { term: "confidence", avoid: [], avoidInStrings: ["certainty"] },
      circumvention: {
        term: "ways around the block",
        avoid: ["workaround"],
        avoidInStrings: ["circumvention"],
      },
      vpn: { term: "VPN", avoid: ["virtual private network"] },
      blocked: { term: "blocked", avoid: [], avoidInStrings: ["filtered", "censored"] },
      partial: { term: "partially blocked", avoid: [], avoidInStrings: ["partly blocked"] },
      outage: { term: "outage", avoid: ["downtime"] },
      subscribe: { term: "subscribe", avoid: [], avoidInStrings: ["follow"] },
    },
  },
  "zh-Hans": {
    terms: {
      vantage: { term: "探测点", avoid: ["检测点", "探针", "观测点"] },
      measurement: { term: "测量", avoid: ["检测结果", "尚未检测"] },
      confidence: { term: "可信度", avoid: ["置信度"] },
      circumvention: { term: "翻墙", avoid: ["绕过封锁的方法", "科学上网"] },
      vpn: { term: "VPN", avoid: ["虚拟专用网", "虚拟私人网络", "梯子"] },
      blocked: { term: "被封锁", avoid: ["屏蔽", "被墙"] },
      partial: { term: "部分被封锁", avoid: ["局部封锁"] },
      outage: { term: "故障", avoid: ["宕机", "停机"] },
      subscribe: { term: "订阅", avoid: [], avoidInStrings: ["关注"] },
    },
  },
  "zh-Hant": {
    terms: {
      vantage: { term: "探測點", avoid: ["檢測點", "探針", "觀測點"] },
      measurement: { term: "測量", avoid: ["檢測結果", "尚未檢測"] },
      confidence: { term: "可信度", avoid: ["置信度", "信賴度"] },
      circumvention: { term: "翻牆", avoid: ["繞過封鎖的方法", "科學上網"] },
      vpn: { term: "VPN", avoid: ["虛擬私人網路", "虛擬專用網", "梯子"] },
      blocked: { term: "遭封鎖", avoid: ["屏蔽", "被牆"] },
      partial: { term: "部分遭封鎖", avoid: ["局部封鎖"] },
      outage: { term: "中斷", avoid: ["宕機", "當機"], avoidInStrings: ["故障"] },
      subscribe: { term: "訂閱", avoid: [], avoidInStrings: ["關注", "追蹤"] },
    },
    // Mainland usage the rest of the Traditional Chinese text does not share (Taiwan usage instead).
    // 地址 alone is also Taiwan's word for a postal address, so only the network sense is listed.
    regional: {
      訪問: "連線、造訪",
      網絡: "網路",
      IP地址: "IP位址",
      "IP 地址": "IP 位址",
      客戶端: "用戶端",
      報道: "報導",
      視頻: "影片",
      軟件: "軟體",
    },
  },
  ru: {
    terms: {
      vantage: {
        term: "точка измерения",
        avoid: ["точка проверки", "точки проверки", "точек проверки", "точкам проверки", "зонды", "зондов"],
      },
      measurement: { term: "измерение", avoid: ["замер"] },
      confidence: { term: "уверенность", avoid: ["достоверность"] },
      circumvention: { term: "обход", avoid: [] },
      vpn: { term: "VPN", avoid: ["ВПН", "виртуальная частная сеть"] },
      blocked: { term: "блокировка", avoid: ["забанен"] },
      partial: { term: "частичная блокировка", avoid: [], avoidInStrings: ["частично заблокирован"] },
      outage: { term: "сбой", avoid: ["авария"] },
      subscribe: { term: "подписка", avoid: [], avoidInStrings: ["следит", "отслеживает"] },
    },
  },
  fa: {
    terms: {
      vantage: {
        term: "نقطهٔ سنجش",
        avoid: ["کاوشگر", "نقطهٔ اندازه‌گیری", "نقاط اندازه‌گیری", "نقطهٔ بررسی", "نقاط بررسی"],
      },
      // «آزمون» alone is also an exam, and «آزمون‌های دستی» tests by hand: only OONI's are measurements.
      measurement: { term: "سنجش", avoid: ["اندازه‌گیری", "آزمون‌های OONI", "آزمون OONI"] },
      confidence: { term: "اطمینان", avoid: ["میزان اعتماد"] },
      circumvention: { term: "دور زدن سانسور", avoid: ["دور زدن فیلتر", "عبور از فیلتر", "رفع فیلتر"] },
      vpn: { term: "وی‌پی‌ان", avoid: ["فیلترشکن", "فیلتر شکن", "وی پی ان", "شبکهٔ خصوصی مجازی"] },
      blocked: { term: "مسدود", avoid: ["فیلتر شده", "فیلترشده", "فیلتر است"] },
      partial: { term: "تا حدی مسدود", avoid: ["نیمه‌مسدود", "بخشی مسدود"] },
      outage: { term: "قطعی", avoid: [], avoidInStrings: ["خرابی"] },
      subscribe: { term: "اشتراک", avoid: [], avoidInStrings: ["دنبال کردن", "دنبال می‌کند"] },
    },
  },
};

/** Scripts that separate words with spaces and change word endings: a synonym there must start a word. */
const WORD_SCRIPTS: ReadonlySet<Lang> = new Set(["en", "ru"]);

export interface GlossaryOffence {
  /** The concept whose synonym was used, or "regional" for another variety's word. */
  readonly concept: Concept | "regional";
  readonly word: string;
  readonly instead: string;
}

/**
 * The synonyms and regional words `text` uses where the glossary has another term: `from` the bot's and
 * the site's strings, or from the knowledge base's prose, which may use some of them in another sense. In English and
 * Russian a synonym counts only at the start of a word, with any ending ("замер" finds «замеры», "follow"
 * does not find "unfollowed"); in Chinese and Persian anywhere. Case is ignored.
 */
export function glossaryOffences(
  text: string,
  lang: Lang,
  from: "strings" | "knowledgeBase",
): GlossaryOffence[] {
  const glossary = GLOSSARY[lang];
  const lower = text.toLowerCase();
  const found = (word: string) => {
    const w = word.toLowerCase();
    if (!WORD_SCRIPTS.has(lang)) return lower.includes(w);
    for (let at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) {
      if (at === 0 || !/[\p{L}\p{N}]/u.test(lower[at - 1] ?? "")) return true;
    }
    return false;
  };
  const offences: GlossaryOffence[] = [];
  for (const [concept, entry] of Object.entries(glossary.terms) as [Concept, GlossaryEntry][]) {
    const avoid = from === "strings" ? [...entry.avoid, ...(entry.avoidInStrings ?? [])] : entry.avoid;
    for (const word of avoid) if (found(word)) offences.push({ concept, word, instead: entry.term });
  }
  for (const [word, instead] of Object.entries(glossary.regional ?? {})) {
    if (found(word)) offences.push({ concept: "regional", word, instead });
  }
  return offences;
}

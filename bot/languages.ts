import { aliasKey } from "../core/text.js";
import type { Lang } from "../kb/schema.js";

// Which language a person means: what they type after /lang, and, in the console chat where no Telegram
// profile says it, the script their question is written in.

/** What people type after /lang: codes, and each language's own name. */
const LANGUAGE_WORDS: ReadonlyMap<string, Lang | "auto"> = new Map(
  Object.entries({
    en: "en",
    english: "en",
    zh: "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    简体中文: "zh-Hans",
    简体: "zh-Hans",
    中文: "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    繁體中文: "zh-Hant",
    繁體: "zh-Hant",
    ru: "ru",
    русский: "ru",
    russian: "ru",
    fa: "fa",
    farsi: "fa",
    persian: "fa",
    فارسی: "fa",
    auto: "auto",
  } as const).map(([word, lang]) => [aliasKey(word), lang]),
);

/** The language /lang's argument names, `auto`, or undefined when it names none. */
export const languageChoice = (args: string): Lang | "auto" | undefined => LANGUAGE_WORDS.get(aliasKey(args));

// Characters frequent in Traditional Chinese whose Simplified forms differ: one of them in a question is
// enough to answer in Traditional.
const TRADITIONAL =
  /[們這麼為還個國網嗎說時會對開關電話實號過來點務體鎖連線臺灣擋牆訊該後發現問題讀寫應當從經裡]/u;

/**
 * The language a message is written in, by its script: Han (Traditional when it has a character only
 * Traditional writes), Cyrillic, Arabic script (Persian, the only one the bot speaks), else Latin letters
 * for English; undefined for a message with no letters (a URL alone, digits, a command).
 */
export function languageOf(text: string): Lang | undefined {
  if (/\p{Script=Han}/u.test(text)) return TRADITIONAL.test(text) ? "zh-Hant" : "zh-Hans";
  if (/\p{Script=Cyrillic}/u.test(text)) return "ru";
  if (/\p{Script=Arabic}/u.test(text)) return "fa";
  if (/\p{Script=Latin}/u.test(text.replace(/https?:\/\/\S+/g, ""))) return "en";
  return undefined;
}

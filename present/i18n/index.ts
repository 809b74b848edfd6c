import type { Lang } from "../../kb/schema.js";
import { en, type MessageKey, type Messages } from "./en.js";
import { fa } from "./fa.js";
import { ru } from "./ru.js";
import { zhHans } from "./zh-Hans.js";
import { zhHant } from "./zh-Hant.js";

export type { MessageKey, Messages };

export const locales: Record<Lang, Messages> = { en, "zh-Hans": zhHans, "zh-Hant": zhHant, ru, fa };

/** Each template split once: literal text at even positions, placeholder names at odd ones. */
const compiled = new Map<string, string[]>();

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/**
 * Digits as the language writes them: Persian digits in Persian, Latin elsewhere. Only for numbers the
 * text itself says (counts, hours, dates); never for a URL, a command, a domain, an address or an ASN,
 * which keep their Latin digits because they are typed or copied as they are.
 */
export function localDigits(text: string, lang: Lang): string {
  return lang === "fa" ? text.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)] ?? d) : text;
}

/**
 * A message with its {placeholders} filled; a missing placeholder value is left visible, not blank. A
 * number value is written with the language's digits; a string value is inserted as it is.
 */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = locales[lang][key];
  if (!template.includes("{")) return template;
  let parts = compiled.get(template);
  if (parts === undefined) {
    parts = template.split(/\{(\w+)\}/);
    compiled.set(template, parts);
  }
  let out = parts[0] ?? "";
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] ?? "";
    const value = vars[name];
    const shown =
      value === undefined
        ? `{${name}}`
        : typeof value === "number"
          ? localDigits(String(value), lang)
          : value;
    out += shown + (parts[i + 1] ?? "");
  }
  return out;
}

/**
 * The bot's language from a Telegram `language_code` (IETF tag) or a CLI `--lang` value. Chinese script
 * follows the region where the tag names one: Taiwan, Hong Kong and Macau read traditional characters.
 */
export function pickLang(code: string | undefined | null): Lang {
  const tag = (code ?? "").toLowerCase().replace(/_/g, "-");
  if (tag.startsWith("zh")) {
    return /hant|-tw|-hk|-mo/.test(tag) ? "zh-Hant" : "zh-Hans";
  }
  if (tag.startsWith("ru")) return "ru";
  if (tag.startsWith("fa") || tag.startsWith("per")) return "fa";
  return "en";
}

export const isRtl = (lang: Lang): boolean => lang === "fa";

/** Messages that come in the plural forms of every locale: `<base>.one|few|many|other`. */
export type PluralBase = "report.recent" | "ooni.measurements" | `sources.${"ooni" | "probe" | "agent"}`;

const pluralRules = new Map<Lang, Intl.PluralRules>();

/**
 * A message whose wording depends on a count, chosen by the language's plural rules (CLDR, via Intl):
 * Russian needs one/few/many ("1 человек", "2 человека", "5 человек"), English one/other, Chinese none.
 */
export function tPlural(
  lang: Lang,
  base: PluralBase,
  count: number,
  vars: Record<string, string | number> = {},
) {
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  const category = rules.select(count);
  const form = category === "one" || category === "few" || category === "many" ? category : "other";
  return t(lang, `${base}.${form}`, { count, ...vars });
}

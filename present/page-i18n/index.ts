import { LANGS, type Lang } from "../../kb/schema.js";
import { localDigits, pickLang } from "../i18n/index.js";
import { type WebMessageKey, type WebMessages, webEn } from "./en.js";
import { webFa } from "./fa.js";
import { webRu } from "./ru.js";
import { webZhHans } from "./zh-Hans.js";
import { webZhHant } from "./zh-Hant.js";

export type { WebMessageKey, WebMessages };

export const webLocales: Record<Lang, WebMessages> = {
  en: webEn,
  "zh-Hans": webZhHans,
  "zh-Hant": webZhHant,
  ru: webRu,
  fa: webFa,
};

/**
 * A status page message with its {placeholders} filled; a missing value is left visible, not blank. A
 * number is written with the language's digits, as the bot writes it.
 */
export function wt(lang: Lang, key: WebMessageKey, vars: Record<string, string | number> = {}): string {
  return webLocales[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? localDigits(String(value), lang) : value;
  });
}

/** `?lang=` exactly as one of the five tags (any case); undefined for anything else. */
export function langFromParam(value: string | null | undefined): Lang | undefined {
  if (!value) return undefined;
  return LANGS.find((l) => l.toLowerCase() === value.trim().toLowerCase());
}

/**
 * The page language: `?lang=` when it names one of the five, else the first Accept-Language tag we speak
 * (by quality), else English.
 */
export function chooseLang(param: string | null | undefined, acceptLanguage: string | undefined): Lang {
  const explicit = langFromParam(param);
  if (explicit) return explicit;
  const tags = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((t) => t.tag !== "" && t.tag !== "*" && t.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of tags) {
    const lang = pickLang(tag);
    // pickLang falls back to English for languages we do not speak: only a real English tag stops here.
    if (lang !== "en" || tag.toLowerCase().startsWith("en")) return lang;
  }
  return "en";
}

/**
 * The Intl locale of a page language: the Gregorian calendar, and the digits the bot writes (Persian
 * digits in Persian, Latin ones elsewhere).
 */
export function intlLocale(lang: Lang): string {
  // British English: "3 June", day before month, as the bot writes dates.
  return `${lang === "en" ? "en-GB" : lang}-u-ca-gregory-nu-${lang === "fa" ? "arabext" : "latn"}`;
}

/** "97%", "97.5%": availability and confidence as the language writes percentages. */
export function formatPercent(ratio: number, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: "percent", maximumFractionDigits: 1 }).format(
    // Never round a partial outage up to a clean 100%: 99.96% shows as 99.9%.
    ratio < 1 ? Math.floor(ratio * 1000) / 1000 : ratio,
  );
}

/** "3 Jun", "6月3日": a day on a chart axis or in alt text. */
export function formatShortDate(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(intlLocale(lang), {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(ms);
}

/** "4 minutes", "3 hours", "12 days": how long something was measured, in the page's language. */
export function formatDuration(ms: number, lang: Lang): string {
  const minutes = ms / 60_000;
  const [value, unit] =
    minutes < 120
      ? [Math.max(1, Math.round(minutes)), "minute"]
      : minutes < 48 * 60
        ? [Math.round(minutes / 60), "hour"]
        : [Math.round(minutes / 1440), "day"];
  return new Intl.NumberFormat(intlLocale(lang), { style: "unit", unit, unitDisplay: "long" }).format(value);
}

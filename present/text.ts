import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent, Lang, Localized } from "../kb/schema.js";
import type { ServiceStatusValue } from "../model/status.js";
import type { RelatedService } from "../pipeline/answer.js";
import { isRtl, type MessageKey, t } from "./i18n/index.js";

// What every surface writes the same way (the bot's answers and alerts, the console, the page, the chart):
// escaping, names of services and places, dates, status marks, and the lines of an answer's sections.
// Pure. Telegram HTML (parse_mode HTML): values from outside are escaped, only our own tags are raw.

/** A fragment that is already HTML and is inserted as is. */
export interface Html {
  html: string;
}
export const html = (s: string): Html => ({ html: s });

const HTML_SPECIAL = /[&<>]/;

export function escapeHtml(text: string): string {
  // Most text has nothing to escape: one scan instead of three replacements.
  if (!HTML_SPECIAL.test(text)) return text;
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * User text quoted back in a reply ("I do not know the country …", a group's title): without control and
 * format characters (bidi overrides, zero-width marks), lone surrogates or private-use characters, and at
 * most `max` characters, so a quote can neither reorder the reply around it nor make it invalid.
 */
export function sanitizeEcho(text: string, max = 64): string {
  const cleaned = text
    .replace(/[\p{Cf}\p{Cs}\p{Co}]/gu, "")
    .replace(/[\p{Cc}\s]+/gu, " ")
    .trim();
  const chars = Array.from(cleaned);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : cleaned;
}

const escapeAttribute = (text: string) => escapeHtml(text).replace(/"/g, "&quot;");

/** Fills a message: text values are escaped, Html values are inserted raw. */
export function tHtml(
  lang: Lang,
  key: MessageKey,
  vars: Record<string, string | number | Html> = {},
): string {
  const template = escapeHtml(t(lang, key));
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "object" ? value.html : escapeHtml(String(value));
  });
}

// Persian text flows right to left; a Latin service name inside it must keep its own direction, so it is
// wrapped in first-strong isolates (U+2068 … U+2069), which Telegram renders without showing them.
export function isolate(name: string, lang: Lang): string {
  return isRtl(lang) && /^[\p{Script=Latin}\d\s.\-&]+$/u.test(name) ? `\u2068${name}\u2069` : name;
}

export const STATUS_MARK: Record<ServiceStatusValue, string> = {
  accessible: "✅",
  partial: "🟠",
  blocked: "⛔",
  outage: "🔻",
  unknown: "❔",
};

/**
 * Told as "last known" rather than in the present tense: a status from the knowledge base's history, or a
 * measured one whose newest measurement is past its freshness window.
 */
export const isLastKnown = (status: { basis: string; stale: boolean }) =>
  status.basis === "history" || status.stale;

/** A knowledge-base text in `lang`, English where it has no translation yet. */
export const localized = (text: Localized, lang: Lang) => text[lang] ?? text.en;

/**
 * "2009", "September 2017", "25 September 2017", or a timestamp to the minute in UTC. `inline` is for a
 * date inside a sentence ("since September 2017"), where Russian declines the month as after a day.
 */
export function formatDate(value: string, lang: Lang, options: { inline?: boolean } = {}): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return value;
  const [, year, month, day, hour, minute] = m;
  if (!month) return year ?? value;
  const monthName = t(lang, `date.month.${Number(month)}` as MessageKey);
  if (!day) {
    const monthAlone = options.inline ? monthName : t(lang, `date.monthAlone.${Number(month)}` as MessageKey);
    return t(lang, "date.monthYear", { monthAlone, year: year ?? "" });
  }
  const date = t(lang, "date.dayMonthYear", { day: Number(day), month: monthName, year: year ?? "" });
  return hour ? `${date} ${hour}:${minute} UTC` : date;
}

export function serviceName(kb: KnowledgeBase, id: string, lang: Lang): string {
  const service = kb.service(id);
  return isolate(service ? service.name[lang] : id, lang);
}

export function placeName(kb: KnowledgeBase, country: string, region: string | null, lang: Lang): string {
  const c = kb.country(country);
  const countryName = c ? c.name[lang] : country;
  const r = region ? kb.region(country, region) : undefined;
  return r ? t(lang, "place.regionCountry", { region: r.name[lang], country: countryName }) : countryName;
}

/** A "source" link to a URL. */
export const link = (url: string, lang: Lang) =>
  html(`<a href="${escapeAttribute(url)}">${escapeHtml(t(lang, "answer.source"))}</a>`);

export function historyLine(event: KbEvent, lang: Lang): string {
  return `• ${escapeHtml(formatDate(event.date, lang))}: ${escapeHtml(localized(event.summary, lang))} (${link(event.source, lang).html})`;
}

export function relatedLine(
  kb: KnowledgeBase,
  item: RelatedService,
  lang: Lang,
  withPrivacy: boolean,
): string {
  const status = t(lang, `status.${item.status}`);
  const lastKnown = isLastKnown(item) ? ` (${t(lang, "answer.lastKnown")})` : "";
  const privacy = withPrivacy ? ` · ${t(lang, `e2ee.${item.e2ee}`)}` : "";
  return `• ${escapeHtml(serviceName(kb, item.service, lang))}: ${escapeHtml(`${status}${lastKnown}${privacy}`)}`;
}

/** Telegram HTML to the plain text a terminal shows: tags dropped, links spelled out, entities decoded. */
export function htmlToPlainText(text: string): string {
  return text
    .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, (_m, href: string, label: string) => `${label}: ${href}`)
    .replace(/<\/?(?:b|i|u|s|code|pre)>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

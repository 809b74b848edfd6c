import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent, Lang, Localized } from "../kb/schema.js";
import type { Mechanism, ServiceStatusValue, Verdict } from "../model/status.js";
import type { RelatedService } from "../pipeline/answer.js";
import { isRtl, localDigits, type MessageKey, t } from "./i18n/index.js";

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

/** Fills a message: text values are escaped, Html values are inserted raw, numbers in the language's digits. */
export function tHtml(
  lang: Lang,
  key: MessageKey,
  vars: Record<string, string | number | Html> = {},
): string {
  const template = escapeHtml(t(lang, key));
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    if (typeof value === "object") return value.html;
    return escapeHtml(typeof value === "number" ? localDigits(String(value), lang) : value);
  });
}

/** "blocked (TLS)": a verdict, or any status word, with how it fails where that is known. */
export const withMechanism = (verdict: string, mechanism: Mechanism | null, lang: Lang): string =>
  mechanism ? t(lang, "answer.mechanism", { verdict, mechanism: mechanism.toUpperCase() }) : verdict;

/** "Photos, video and voice notes: blocked (TLS)", plain text in the language's punctuation. */
export function featureText(
  f: { feature: string; status: Verdict; mechanism: Mechanism | null },
  lang: Lang,
  verdict = t(lang, `verdict.${f.status}`),
): string {
  return labelled(
    t(lang, `feature.${f.feature}` as MessageKey),
    withMechanism(verdict, f.mechanism, lang),
    lang,
  );
}

/**
 * "label: text" with the language's own colon ("标签：内容" in Chinese). Works on plain text and on
 * escaped HTML alike: the punctuation has nothing to escape.
 */
export const labelled = (label: string, text: string, lang: Lang): string =>
  `${label}${t(lang, "punct.colon")}${text}`;

/** "text (note)" with the language's own brackets ("内容（注）" in Chinese); plain text or escaped HTML. */
export const aside = (text: string, note: string, lang: Lang): string =>
  `${text}${t(lang, "punct.open")}${note}${t(lang, "punct.close")}`;

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

/**
 * A knowledge-base text in `lang`. Until it is translated, the English text is shown marked as such
 * ("(in English) …") rather than passed off as the reader's language; in Persian it keeps its own
 * direction inside the right-to-left line.
 */
export function localized(text: Localized, lang: Lang): string {
  const translated = text[lang];
  if (translated !== undefined) return translated;
  if (lang === "en") return text.en;
  return t(lang, "answer.untranslated", { text: isRtl(lang) ? `\u2068${text.en}\u2069` : text.en });
}

// A day in the Solar Hijri calendar Iran uses, written beside the Gregorian one in Persian.
const solarHijri = new Intl.DateTimeFormat("fa-u-ca-persian-nu-arabext", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/**
 * "2009", "September 2017", "25 September 2017", or a timestamp to the minute in UTC, in the language's
 * words and digits. `inline` is for a date inside a sentence ("since 2009", "с 2009 года", "自2009年起"),
 * where Russian declines the year and the month as after a preposition or a day. A day in Persian also
 * gets its Solar Hijri date: "۳۰ آوریل ۲۰۱۸ (۱۰ اردیبهشت ۱۳۹۷)".
 */
export function formatDate(value: string, lang: Lang, options: { inline?: boolean } = {}): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return value;
  const [, yearText = "", month, day, hour, minute] = m;
  const year = Number(yearText);
  if (!month) return t(lang, options.inline ? "date.yearInline" : "date.year", { year });
  const monthName = t(lang, `date.month.${Number(month)}` as MessageKey);
  if (!day) {
    const monthAlone = options.inline ? monthName : t(lang, `date.monthAlone.${Number(month)}` as MessageKey);
    return t(lang, "date.monthYear", { monthAlone, year });
  }
  const date = t(lang, "date.dayMonthYear", { day: Number(day), month: monthName, year });
  if (hour) return `${date} ${localDigits(`${hour}:${minute}`, lang)} UTC`;
  if (lang !== "fa") return date;
  return aside(date, solarHijri.format(Date.UTC(year, Number(month) - 1, Number(day))), lang);
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

/** "• 25 September 2017: Blocked entirely. (source)", in the language's punctuation. */
export function historyLine(event: KbEvent, lang: Lang): string {
  const summary = aside(escapeHtml(localized(event.summary, lang)), link(event.source, lang).html, lang);
  return `• ${labelled(escapeHtml(formatDate(event.date, lang)), summary, lang)}`;
}

/** The legal caution beside the ways around a block, with its source. */
export function cautionLine(risk: { text: Localized; source: string }, lang: Lang): string {
  return `⚠️ ${aside(tHtml(lang, "answer.caution", { text: localized(risk.text, lang) }), link(risk.source, lang).html, lang)}`;
}

/** Categories where end-to-end encryption decides who can read what people send. */
const PRIVATE_CATEGORIES: ReadonlySet<string> = new Set(["messaging", "email"]);

/** Whether end-to-end encryption is worth saying of a service: only of messaging and email. */
/** Categories of the ways around a block: whether one needs a server of one's own is what tells them apart. */
const WAYS_AROUND: ReadonlySet<string> = new Set(["circumvention", "vpn"]);

export const encryptionMatters = (kb: KnowledgeBase, id: string): boolean =>
  PRIVATE_CATEGORIES.has(kb.service(id)?.category ?? "");

/**
 * What is worth knowing about a service offered instead, besides its status: end-to-end encryption for
 * messaging and email; for a way around a block, whether it needs a server abroad of one's own; for
 * anything else only what helps reach it, a Tor onion address where the knowledge base has one. Null when
 * there is nothing meaningful to say (encryption says nothing about a news site or a circumvention tool).
 * `html` has the address as code, to copy.
 */
export function relatedNote(
  kb: KnowledgeBase,
  id: string,
  lang: Lang,
): { text: string; html: string } | null {
  const service = kb.service(id);
  if (!service) return null;
  if (encryptionMatters(kb, id)) {
    const text = t(lang, `e2ee.${service.e2ee}`);
    return { text, html: escapeHtml(text) };
  }
  if (WAYS_AROUND.has(service.category)) {
    const text = t(lang, service.ownServer ? "related.ownServer" : "related.appAlone");
    return { text, html: escapeHtml(text) };
  }
  if (!service.onion) return null;
  const address = isolate(service.onion.address, lang);
  return {
    text: t(lang, "related.onion", { address }),
    html: tHtml(lang, "related.onion", { address: html(`<code>${escapeHtml(address)}</code>`) }),
  };
}

/**
 * Whether the ways around a block come first: when nothing offered instead is known to work (each one is
 * blocked, unknown, or on a page not measured at all, "none").
 */
export const leadWithWaysAround = (
  alternatives: readonly { status: string }[],
  waysAround: readonly unknown[],
): boolean =>
  waysAround.length > 0 && alternatives.every((a) => ["blocked", "unknown", "none"].includes(a.status));

/** "• Signal: accessible (last known) · end-to-end encrypted", in the language's punctuation. */
export function relatedLine(kb: KnowledgeBase, item: RelatedService, lang: Lang): string {
  const status = t(lang, `status.${item.status}`);
  const told = escapeHtml(isLastKnown(item) ? aside(status, t(lang, "answer.lastKnown"), lang) : status);
  const note = relatedNote(kb, item.service, lang);
  return `• ${labelled(escapeHtml(serviceName(kb, item.service, lang)), note ? `${told} · ${note.html}` : told, lang)}`;
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

import type { ServiceStatusValue } from "../analysis/types.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { KbEvent, Lang, Localized } from "../kb/schema.js";
import type { Answer, RelatedService } from "./answer.js";
import { isRtl, type MessageKey, t, tPlural } from "./i18n/index.js";
import { methodSentence } from "./views/method.js";
import { ooniCreditLines } from "./views/ooni-credit.js";
import { regionLines } from "./views/regions.js";

// Pure rendering of an Answer to Telegram HTML (parse_mode HTML). Every value from outside (names,
// summaries, domains) is escaped; only the renderer's own tags are raw. Pinned by exact-string tests.

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
function isolate(name: string, lang: Lang): string {
  return isRtl(lang) && /^[\p{Script=Latin}\d\s.\-&]+$/u.test(name) ? `\u2068${name}\u2069` : name;
}

export const STATUS_MARK: Record<ServiceStatusValue, string> = {
  accessible: "✅",
  partial: "🟠",
  blocked: "⛔",
  outage: "🔻",
  unknown: "❔",
};

const localized = (text: Localized, lang: Lang) => text[lang] ?? text.en;

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
  const lastKnown = item.basis === "history" ? ` (${t(lang, "answer.lastKnown")})` : "";
  const privacy = withPrivacy ? ` · ${t(lang, `e2ee.${item.e2ee}`)}` : "";
  return `• ${escapeHtml(serviceName(kb, item.service, lang))}: ${escapeHtml(`${status}${lastKnown}${privacy}`)}`;
}

/** "I could not tell which service you mean", with up to three suggestions and an example. */
export function renderNotUnderstood(kb: KnowledgeBase, suggestions: readonly string[], lang: Lang): string {
  const lines = [escapeHtml(t(lang, "answer.notUnderstood"))];
  if (suggestions.length > 0) {
    const names = suggestions.map((id) => serviceName(kb, id, lang)).join(t(lang, "list.separator"));
    lines.push(tHtml(lang, "answer.didYouMean", { suggestions: names }));
  }
  lines.push(escapeHtml(t(lang, "answer.tryExample")));
  return lines.join("\n");
}

/** The whole answer as Telegram HTML. */
export function renderAnswer(kb: KnowledgeBase, answer: Answer, lang: Lang): string {
  if (!answer.understood) return renderNotUnderstood(kb, answer.suggestions, lang);
  const place = placeName(kb, answer.country, answer.region, lang);
  if (!answer.service) {
    return [
      `${STATUS_MARK.unknown} ${tHtml(lang, "answer.domainUnknown", { domain: isolate(answer.domain ?? "", lang), place })}`,
      ...ooniCreditLines(answer.ooni, lang),
      `<i>${escapeHtml(t(lang, "method.none", { place }))}</i>`,
    ].join("\n");
  }

  const name = serviceName(kb, answer.service, lang);
  const status = t(lang, `status.${answer.status}`);
  const lines: string[] = [];
  if (answer.basis === "measurement") {
    lines.push(
      `${STATUS_MARK[answer.status]} <b>${tHtml(lang, "answer.title", { service: name, place, status })}</b>`,
    );
    const since = answer.since
      ? t(lang, "answer.since", { since: formatDate(answer.since, lang, { inline: true }) })
      : null;
    const checked = answer.checkedAt
      ? t(lang, "answer.checked", { checkedAt: formatDate(answer.checkedAt, lang) })
      : null;
    lines.push(escapeHtml([since, checked].filter(Boolean).join(" · ")));
    for (const f of answer.features) {
      const verdict = t(lang, `verdict.${f.status}`);
      const shown = f.mechanism
        ? t(lang, "answer.mechanism", { verdict, mechanism: f.mechanism.toUpperCase() })
        : verdict;
      lines.push(`• ${escapeHtml(`${t(lang, `feature.${f.feature}` as MessageKey)}: ${shown}`)}`);
    }
    lines.push(...regionLines(kb, answer, lang));
  } else {
    lines.push(
      `${STATUS_MARK[answer.status]} <b>${tHtml(lang, "answer.titleNoStatus", { service: name, place })}</b>`,
    );
    if (answer.basis === "history" && answer.event && answer.since) {
      lines.push(
        tHtml(lang, "answer.noMeasurementHistory", {
          status,
          since: formatDate(answer.since, lang, { inline: true }),
          source: link(answer.event.source, lang),
        }),
      );
    } else {
      lines.push(tHtml(lang, "answer.noMeasurementNothing", { service: name, place }));
    }
  }

  lines.push(...ooniCreditLines(answer.ooni, lang));
  if (answer.recentReports) lines.push(recentReportsLine(kb, answer.country, answer.recentReports, lang));

  const history = answer.history.filter((e) => e !== answer.event);
  if (history.length > 0) {
    lines.push("", escapeHtml(t(lang, "answer.historyTitle")), ...history.map((e) => historyLine(e, lang)));
  }
  if (answer.alternatives.length > 0) {
    lines.push(
      "",
      escapeHtml(t(lang, "answer.alternativesTitle")),
      ...answer.alternatives.map((a) => relatedLine(kb, a, lang, true)),
    );
  }
  if (answer.circumvention.length > 0) {
    lines.push(
      "",
      escapeHtml(t(lang, "answer.circumventionTitle")),
      ...answer.circumvention.map((c) => relatedLine(kb, c, lang, false)),
    );
    const risk = kb.country(answer.country)?.circumventionRisk;
    if (risk) {
      lines.push(
        `⚠️ ${tHtml(lang, "answer.caution", { text: localized(risk.text, lang) })} (${link(risk.source, lang).html})`,
      );
    }
  }
  const how = methodSentence(answer, lang, place, (iso) => formatDate(iso, lang));
  lines.push("", `<i>${escapeHtml(how)}</i>`);
  return lines.join("\n");
}

/** "👥 3 people in China reported problems in the last hour." People's reports, never a verdict. */
export function recentReportsLine(kb: KnowledgeBase, country: string, count: number, lang: Lang): string {
  const place = placeName(kb, country, null, lang);
  return `👥 ${escapeHtml(tPlural(lang, "report.recent", count, { place }))}`;
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

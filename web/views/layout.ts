import { LANGS, type Lang } from "../../kb/schema.js";
import { type HtmlValue, html, type SafeHtml, trusted } from "../../present/html.js";
import { isRtl, t } from "../../present/i18n/index.js";
import { type WebMessageKey, webLocales, wt } from "../../present/page-i18n/index.js";
import { type ShownStatus, STATUS_ICON } from "../../present/palette.js";
import { aside, labelled } from "../../present/text.js";
import { STYLES } from "./styles.js";

// The frame of every page: language and direction on <html>, a skip link, the header with the language
// switcher (plain links: it works without JavaScript), <main>, and the footer. Pure.

/** A path on this site in a language: the language travels in the query, so no cookie is needed. */
export function hrefIn(path: string, lang: Lang, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...query, lang });
  return `${path}?${params.toString()}`;
}

export const servicePath = (service: string, country: string) =>
  `/s/${encodeURIComponent(service)}/${encodeURIComponent(country)}`;

const STATUS_LABEL: Record<ShownStatus, WebMessageKey> = {
  accessible: "status.accessible",
  partial: "status.partial",
  blocked: "status.blocked",
  outage: "status.outage",
  unknown: "status.unknown",
  none: "status.none",
};

/** "label: value" as HTML, in the language's own colon ("状态：…" in Chinese). */
export const labelledHtml = (label: HtmlValue, value: HtmlValue, lang: Lang): SafeHtml =>
  trusted(labelled(html`${label}`.value, html`${value}`.value, lang));

/** "text (note)" as HTML, in the language's own brackets ("…（来源）" in Chinese). */
export const asideHtml = (text: HtmlValue, note: HtmlValue, lang: Lang): SafeHtml =>
  trusted(aside(html`${text}`.value, html`${note}`.value, lang));

export const statusLabel = (status: ShownStatus, lang: Lang) => wt(lang, STATUS_LABEL[status]);

/** A status as an icon, a text label and a colour together: never the colour alone. */
export function statusBadge(status: ShownStatus, lang: Lang, big = false): SafeHtml {
  return html`<span class="badge${big ? " big" : ""} st-${status}" data-status="${status}"><span class="icon" aria-hidden="true">${STATUS_ICON[status]}</span> ${statusLabel(status, lang)}</span>`;
}

export interface PageInput {
  lang: Lang;
  title: string;
  /** The link to this same page in another language. */
  hrefForLang: (lang: Lang) => string;
  main: SafeHtml;
  /** The country the footer's API example asks about. */
  apiCountry: string;
  /** Atom feeds of this page's changes, announced in <head> for feed readers. */
  feeds?: readonly Feed[];
}

/** An Atom feed of confirmed changes (web/routes/feed.ts). */
export interface Feed {
  href: string;
  title: string;
}

export const countryFeedPath = (country: string) => `/feed/${encodeURIComponent(country)}.atom`;
export const serviceFeedPath = (service: string, country: string) =>
  `/feed/${encodeURIComponent(country)}/${encodeURIComponent(service)}.atom`;

/** The visible link to a feed, beside what it follows. */
export const feedLink = (feed: Feed, lang: Lang): SafeHtml =>
  html`<p class="feed"><a href="${feed.href}" type="application/atom+xml">${t(lang, "feed.link")}</a></p>`;

function languageSwitcher(current: Lang, hrefForLang: (lang: Lang) => string): SafeHtml {
  const items = LANGS.map((l) => {
    const name = webLocales[l]["lang.name"];
    return html`<li><a href="${hrefForLang(l)}" lang="${l}" hreflang="${l}" dir="${isRtl(l) ? "rtl" : "ltr"}"${
      l === current ? html` aria-current="true"` : ""
    }>${name}</a></li>`;
  });
  return html`<nav aria-label="${wt(current, "nav.languages")}"><ul>${items}</ul></nav>`;
}

export function renderPage(input: PageInput): string {
  const { lang } = input;
  const page = html`<!doctype html>
<html lang="${lang}" dir="${isRtl(lang) ? "rtl" : "ltr"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${input.title} · ${wt(lang, "site.name")}</title>
<style>${trusted(STYLES)}</style>
${(input.feeds ?? []).map((f) => html`<link rel="alternate" type="application/atom+xml" href="${f.href}" title="${f.title}">\n`)}</head>
<body>
<a class="skip" href="#main">${wt(lang, "nav.skip")}</a>
<header>
<p class="site"><a href="${hrefIn("/", lang)}">${wt(lang, "site.name")}</a></p>
<p class="tagline">${wt(lang, "site.tagline")}</p>
${languageSwitcher(lang, input.hrefForLang)}
</header>
<main id="main" tabindex="-1">
${input.main}
</main>
<footer>
<p>${wt(lang, "footer.method")}</p>
<p>${wt(lang, "footer.bot")} <a href="${`/api/v1/status?country=${encodeURIComponent(input.apiCountry)}`}">${wt(lang, "footer.api")}</a></p>
<p class="small">${wt(lang, "footer.asn")} <a href="https://db-ip.com/">IP Geolocation by DB-IP</a> (CC BY 4.0).</p>
</footer>
</body>
</html>
`;
  return page.value;
}

import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { ServiceStatusValue } from "../../model/status.js";
import type { Basis } from "../../pipeline/status-view.js";
import { feedTitle } from "../../present/atom.js";
import { html, type SafeHtml } from "../../present/html.js";
import {
  formatDuration,
  formatPercent,
  formatShortDate,
  intlLocale,
  wt,
} from "../../present/page-i18n/index.js";
import type { ShownStatus } from "../../present/palette.js";
import { formatDate, placeName, serviceName } from "../../present/text.js";
import {
  countryFeedPath,
  type Feed,
  feedLink,
  hrefIn,
  servicePath,
  statusBadge,
  statusLabel,
} from "./layout.js";

// GET /: every country, each a table of its services by status, worst first: measured, else the history's
// last known status (dated, marked as such), with the share of the measured time in the last 30 days it was
// accessible and how much time that was. Pure: the route loads the model, this turns it into HTML.

export interface BoardRow {
  service: string;
  status: ServiceStatusValue;
  /** `measurement` or `history`: services with neither are listed apart (`unmeasured`). */
  basis: Exclude<Basis, "none">;
  /** The newest measurement a measured status rests on (its age); null for history. */
  measuredAt: string | null;
  /** That measurement is past its freshness window: shown as the last known status. */
  stale: boolean;
  /** The date a history-based status holds since. */
  since: string | null;
  /** Accessible share of the measured time in the last 30 days; null: no data. */
  availability: number | null;
  /** How much of the last 30 days was measured: what `availability` is a share of. */
  measuredMs: number;
}

export interface BoardCountry {
  code: string;
  rows: BoardRow[];
  /** Services of the knowledge base with no status in this country. */
  unmeasured: string[];
}

export interface BoardModel {
  countries: BoardCountry[];
  /** Every country the board can show, for the country links. */
  allCountries: string[];
}

/** Worst first: what people most need to know leads the table and the counts. */
export const SEVERITY: readonly ShownStatus[] = [
  "blocked",
  "partial",
  "outage",
  "unknown",
  "accessible",
  "none",
];

export function countStatuses(country: BoardCountry): { status: ShownStatus; count: number }[] {
  const counts = SEVERITY.map((status) => ({
    status,
    count:
      status === "none" ? country.unmeasured.length : country.rows.filter((r) => r.status === status).length,
  }));
  return counts.filter((c) => c.count > 0);
}

/** "30 Jun 12:05 UTC": compact enough for a table cell on a phone. */
export function formatCheckedAt(iso: string, lang: Lang): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const time = new Intl.DateTimeFormat(intlLocale(lang), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  }).format(ms);
  return `${formatShortDate(ms, lang)} ${time} UTC`;
}

function sortRows(kb: KnowledgeBase, rows: readonly BoardRow[], lang: Lang): BoardRow[] {
  const collator = new Intl.Collator(lang);
  return [...rows].sort(
    (a, b) =>
      SEVERITY.indexOf(a.status) - SEVERITY.indexOf(b.status) ||
      collator.compare(serviceName(kb, a.service, lang), serviceName(kb, b.service, lang)),
  );
}

function row(kb: KnowledgeBase, country: string, r: BoardRow, lang: Lang): SafeHtml {
  const availability =
    r.availability === null
      ? html`<td class="muted">${wt(lang, "availability.none")}</td>`
      : html`<td>${wt(lang, "board.availabilityOf", {
          percent: formatPercent(r.availability, lang),
          measured: formatDuration(r.measuredMs, lang),
        })}</td>`;
  const checked =
    r.measuredAt === null
      ? html`<td class="muted">${wt(lang, "board.lastKnown", { date: formatDate(r.since ?? "", lang) })}</td>`
      : r.stale
        ? html`<td class="muted"><time datetime="${r.measuredAt}">${wt(lang, "board.lastKnown", { date: formatCheckedAt(r.measuredAt, lang) })}</time></td>`
        : html`<td><time datetime="${r.measuredAt}">${formatCheckedAt(r.measuredAt, lang)}</time></td>`;
  return html`<tr data-service="${r.service}" data-basis="${r.basis}">
<th scope="row"><a href="${hrefIn(servicePath(r.service, country), lang)}">${serviceName(kb, r.service, lang)}</a></th>
<td>${statusBadge(r.status, lang)}</td>
${availability}
${checked}
</tr>`;
}

function countrySection(kb: KnowledgeBase, c: BoardCountry, lang: Lang): SafeHtml {
  const name = placeName(kb, c.code, null, lang);
  const counts = countStatuses(c).map(
    ({ status, count }) =>
      html`<li data-status="${status}">${wt(lang, "board.count", { status: statusLabel(status, lang), count })}</li>`,
  );
  const caption = wt(lang, "board.caption", { country: name });
  const table =
    c.rows.length === 0
      ? html`<p>${wt(lang, "board.nothingMeasured", { country: name })}</p>`
      : html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0"><table class="board">
<caption>${caption}</caption>
<thead><tr><th scope="col">${wt(lang, "board.col.service")}</th><th scope="col">${wt(lang, "board.col.status")}</th><th scope="col">${wt(lang, "board.col.availability")}</th><th scope="col">${wt(lang, "board.col.checked")}</th></tr></thead>
<tbody>
${sortRows(kb, c.rows, lang).map((r) => row(kb, c.code, r, lang))}
</tbody>
</table></div>`;
  const collator = new Intl.Collator(lang);
  const unmeasured = [...c.unmeasured].sort((a, b) =>
    collator.compare(serviceName(kb, a, lang), serviceName(kb, b, lang)),
  );
  const notMeasured =
    unmeasured.length === 0
      ? ""
      : html`<details><summary>${wt(lang, "board.notMeasured", { country: name, count: unmeasured.length })}</summary>
<ul>${unmeasured.map((id) => html`<li><a href="${hrefIn(servicePath(id, c.code), lang)}">${serviceName(kb, id, lang)}</a></li>`)}</ul>
</details>`;
  return html`<section id="c-${c.code}" aria-labelledby="h-${c.code}" data-country="${c.code}">
<h2 id="h-${c.code}">${name}</h2>
<ul class="counts">${counts}</ul>
${table}
${notMeasured}
${feedLink(countryFeed(kb, c.code, lang), lang)}
</section>`;
}

export function renderBoard(kb: KnowledgeBase, model: BoardModel, lang: Lang): SafeHtml {
  const shown = new Set(model.countries.map((c) => c.code));
  const others = model.allCountries.filter((code) => !shown.has(code));
  const otherLinks =
    others.length === 0
      ? ""
      : html`<nav aria-labelledby="h-other"><h2 id="h-other">${wt(lang, "board.otherCountries")}</h2><ul>${others.map(
          (code) =>
            html`<li><a href="${hrefIn("/", lang, { country: code })}">${placeName(kb, code, null, lang)}</a></li>`,
        )}</ul></nav>`;
  // With more than one country on the page, a list of them first: a phone need not scroll past China to
  // reach Iran.
  const jump =
    model.countries.length < 2
      ? ""
      : html`<nav aria-label="${wt(lang, "board.countries")}"><ul>${model.countries.map(
          (c) => html`<li><a href="#c-${c.code}">${placeName(kb, c.code, null, lang)}</a></li>`,
        )}</ul></nav>`;
  return html`<h1>${wt(lang, "board.title")}</h1>
<p>${wt(lang, "board.intro")}</p>
${jump}
${model.countries.map((c) => countrySection(kb, c, lang))}
${otherLinks}`;
}

/** A country's feed of confirmed changes, in the page's language. */
export function countryFeed(kb: KnowledgeBase, country: string, lang: Lang): Feed {
  return { href: hrefIn(countryFeedPath(country), lang), title: feedTitle(kb, { country }, lang) };
}

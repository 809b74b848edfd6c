import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { KbEvent, Lang } from "../../kb/schema.js";
import type { TimelineEntry, Verdict } from "../../model/status.js";
import type { StatusView } from "../../pipeline/status-view.js";
import { type HtmlValue, html, type SafeHtml, safeUrl, trusted } from "../../present/html.js";
import { type MessageKey, t } from "../../present/i18n/index.js";
import { methodSentence } from "../../present/method.js";
import { formatDuration, formatPercent, wt } from "../../present/page-i18n/index.js";
import { type ShownStatus, STATUS_ICON } from "../../present/palette.js";
import { disagreementSummary, regionSummary } from "../../present/regions.js";
import { provenanceLines } from "../../present/sources.js";
import {
  encryptionMatters,
  formatDate,
  leadWithWaysAround,
  localized,
  html as markup,
  placeName,
  relatedNote,
  serviceName,
  tHtml,
} from "../../present/text.js";
import {
  asideHtml,
  type Feed,
  feedLink,
  hrefIn,
  labelledHtml,
  servicePath,
  statusBadge,
  statusLabel,
} from "./layout.js";

// GET /s/<service>/<country>: the verdict and what it rests on: per feature and per region, the evidence
// each vantage reported, the 30-day chart, the measured timeline, the knowledge base's dated history with
// sources, and what to use instead. Pure.

export interface RelatedRow {
  service: string;
  status: ShownStatus;
}

export interface ServicePageModel {
  service: string;
  country: string;
  /** What people are told (pipeline/status-view.ts): measured, else the history's last known, else none. */
  status: StatusView;
  /** Oldest first, as the store keeps it. */
  timeline: readonly TimelineEntry[];
  events: readonly KbEvent[];
  chart: { svg: string; availability: number | null; measuredMs: number };
  alternatives: RelatedRow[];
  circumvention: RelatedRow[];
  /** The page's clock: "measured in the last 6 h" is counted from it. */
  now: Date;
  /** The Atom feed of this service's confirmed changes in this country, linked under the timeline. */
  feed?: Feed;
}

/** The measured timeline can be long; the page lists the latest changes. */
export const TIMELINE_SHOWN = 50;

const VERDICT_LOOK: Record<Verdict, ShownStatus> = {
  ok: "accessible",
  blocked: "blocked",
  down: "outage",
  unknown: "unknown",
};

function verdictBadge(verdict: Verdict, lang: Lang): SafeHtml {
  const look = VERDICT_LOOK[verdict];
  return html`<span class="badge st-${look}" data-verdict="${verdict}"><span class="icon" aria-hidden="true">${STATUS_ICON[look]}</span> ${wt(lang, `verdict.${verdict}`)}</span>`;
}

/** "text (source)" with the source linked, in the language's brackets; the text alone for a URL that is not http(s). */
function withSource(text: HtmlValue, source: string, lang: Lang): SafeHtml {
  const url = safeUrl(source);
  return url
    ? asideHtml(
        text,
        html`<a href="${url}" rel="noopener noreferrer">${wt(lang, "service.source")}</a>`,
        lang,
      )
    : html`${text}`;
}

/** A table that may scroll sideways on a narrow screen: a labelled region, reachable by keyboard. */
const scrollable = (label: string, table: SafeHtml) =>
  html`<div class="scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;

const timeEl = (iso: string, lang: Lang) => html`<time datetime="${iso}">${formatDate(iso, lang)}</time>`;

/**
 * Evidence lines are `<vantage> <endpoint>: <what it saw>`, or `<vantage>: <what it saw>` about the vantage
 * itself (offline, not measured; analysis/judge-cycle.ts): grouped by vantage, one group for both kinds.
 */
export function groupEvidence(evidence: readonly string[]): { vantage: string; lines: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const line of evidence) {
    const space = line.indexOf(" ");
    const vantage = space > 0 ? line.slice(0, space).replace(/:$/, "") : "";
    const rest = space > 0 ? line.slice(space + 1) : line;
    groups.set(vantage, [...(groups.get(vantage) ?? []), rest]);
  }
  return [...groups.entries()].map(([vantage, lines]) => ({ vantage, lines }));
}

function statusSection(kb: KnowledgeBase, model: ServicePageModel, lang: Lang): SafeHtml {
  const place = placeName(kb, model.country, null, lang);
  const s = model.status;
  const how = html`<p class="method"><i>${methodSentence(s, lang, place, (iso) => formatDate(iso, lang))}</i></p>`;
  if (s.basis === "none") {
    return html`<p>${statusBadge("none", lang, true)}</p><p>${wt(lang, "service.notMeasured", { place })}</p>${how}`;
  }
  const lastKnown = wt(lang, "service.lastKnown", {
    since: formatDate(s.since ?? "", lang, { inline: true }),
  });
  const facts =
    s.basis === "history"
      ? [html`<li>${s.event ? withSource(lastKnown, s.event.source, lang) : lastKnown}</li>`]
      : [
          html`<li>${wt(lang, "service.since", { since: formatDate(s.since ?? "", lang, { inline: true }) })}</li>`,
          html`<li>${wt(lang, "service.checked", { checkedAt: formatDate(s.checkedAt ?? "", lang) })}</li>`,
          ...(s.measuredAt && s.measuredAt !== s.checkedAt
            ? [html`<li>${t(lang, "answer.measuredAt", { measuredAt: formatDate(s.measuredAt, lang) })}</li>`]
            : []),
          html`<li>${wt(lang, "service.confidence", { percent: formatPercent(s.confidence, lang) })}</li>`,
        ];
  // Who measured it, on which networks, how long ago: the same sentences as the bot's answer.
  const provenance =
    s.basis === "measurement"
      ? provenanceLines(s, lang, model.now.getTime(), (iso) => formatDate(iso, lang))
      : [];
  let told: SafeHtml = statusBadge(s.status, lang, true);
  if (s.mechanism)
    told = asideHtml(told, html`<span class="mechanism">${s.mechanism.toUpperCase()}</span>`, lang);
  if (s.stale) told = asideHtml(told, html`<span class="muted">${t(lang, "answer.lastKnown")}</span>`, lang);
  return html`<p class="status-line" data-basis="${s.basis}"${s.stale ? html` data-stale="true"` : ""}>${labelledHtml(html`<span class="muted">${wt(lang, "service.status")}</span>`, told, lang)}</p>
${s.status === "outage" ? html`<p>${wt(lang, "status.outageNote")}</p>` : ""}
<ul>${facts}</ul>
${provenance.length > 0 ? html`<div class="sources">${provenance.map((line) => html`<p>${line}</p>`)}</div>` : ""}
${how}`;
}

function featuresSection(model: ServicePageModel, lang: Lang): SafeHtml | "" {
  const features = model.status.features;
  if (features.length === 0) return "";
  const rows = features.map(
    (f) =>
      html`<tr data-feature="${f.feature}"><th scope="row">${t(lang, `feature.${f.feature}` as MessageKey)}</th><td>${verdictBadge(f.status, lang)}</td><td>${f.mechanism ? f.mechanism.toUpperCase() : "—"}</td></tr>`,
  );
  const title = wt(lang, "service.features");
  return html`<section aria-labelledby="h-features"><h2 id="h-features">${title}</h2>
${scrollable(
  title,
  html`<table><thead><tr><th scope="col">${wt(lang, "service.col.feature")}</th><th scope="col">${wt(lang, "service.col.result")}</th><th scope="col">${wt(lang, "service.col.where")}</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}</section>`;
}

function regionsSection(kb: KnowledgeBase, model: ServicePageModel, lang: Lang): SafeHtml | "" {
  const regions = model.status.regions;
  if (regions.length === 0) return "";
  const rows = regions.map(
    (r) =>
      html`<tr data-region="${r.region}"><th scope="row">${kb.region(model.country, r.region)?.name[lang] ?? r.region}</th><td>${statusBadge(r.status, lang)}</td></tr>`,
  );
  const title = wt(lang, "service.regions");
  // The same words as the bot's answer: where it is blocked, and whether the vantages disagree.
  const disagreement = disagreementSummary(model.status.vantages, lang);
  return html`<section aria-labelledby="h-regions"><h2 id="h-regions">${title}</h2>
<p class="region-line">${regionSummary(kb, model.country, regions, lang)}</p>${disagreement ? html`<p class="disagreement">${disagreement}</p>` : ""}
${scrollable(
  title,
  html`<table><thead><tr><th scope="col">${wt(lang, "service.col.region")}</th><th scope="col">${wt(lang, "board.col.status")}</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}</section>`;
}

/**
 * The evidence lines tallied by what was seen ("connect ok", "probe: connection_reset at TLS …"): how many
 * checks saw it, from how many vantages; most frequent first, ties in the order first seen.
 */
export function tallyEvidence(
  groups: readonly { vantage: string; lines: readonly string[] }[],
): { outcome: string; checks: number; vantages: number }[] {
  const tally = new Map<string, { checks: number; vantages: Set<string> }>();
  for (const { vantage, lines } of groups) {
    for (const line of lines) {
      // `<endpoint>: <what it saw>`; an endpoint (tls://host:443) has colons, never ": ".
      const split = line.indexOf(": ");
      const outcome = split > 0 ? line.slice(split + 2) : line;
      const entry = tally.get(outcome) ?? { checks: 0, vantages: new Set<string>() };
      entry.checks++;
      entry.vantages.add(vantage);
      tally.set(outcome, entry);
    }
  }
  return [...tally.entries()]
    .map(([outcome, { checks, vantages }]) => ({ outcome, checks, vantages: vantages.size }))
    .sort((a, b) => b.checks - a.checks);
}

function evidenceSection(model: ServicePageModel, lang: Lang): SafeHtml | "" {
  if (model.status.basis !== "measurement") return "";
  const groups = groupEvidence(model.status.evidence);
  const lines = groups.reduce((n, g) => n + g.lines.length, 0);
  // Evidence lines are the analyzer's own words (English, technical): marked as such for screen readers.
  // A summary first, a tally of what was seen; every line behind it, for whoever checks the work.
  const body =
    groups.length === 0
      ? html`<p>${wt(lang, "service.evidenceNone")}</p>`
      : html`<p>${wt(lang, "service.evidenceSummary")}</p><ul class="tally">${tallyEvidence(groups).map(
          (t) =>
            html`<li><code lang="en" dir="ltr">${t.outcome}</code> — ${wt(lang, "service.evidenceTally", {
              checks: t.checks,
              vantages: t.vantages,
            })}</li>`,
        )}</ul>
<details><summary>${wt(lang, "service.evidenceAll", { count: lines })}</summary>
<p>${wt(lang, "service.evidenceIntro")}</p><dl class="evidence" lang="en" dir="ltr">${groups.map(
          (g) => html`<dt>${g.vantage}</dt>${g.lines.map((l) => html`<dd>${l}</dd>`)}`,
        )}</dl></details>`;
  return html`<section aria-labelledby="h-evidence"><h2 id="h-evidence">${wt(lang, "service.evidence")}</h2>
${body}
<p class="muted">${wt(lang, "service.rule")}</p></section>`;
}

function chartSection(model: ServicePageModel, lang: Lang): SafeHtml {
  const { availability, measuredMs } = model.chart;
  const sentence =
    availability === null
      ? wt(lang, "service.availabilityNone")
      : wt(lang, "service.availability", {
          percent: formatPercent(availability, lang),
          measured: formatDuration(measuredMs, lang),
        });
  const png = hrefIn(`${servicePath(model.service, model.country)}/chart.png`, lang);
  // The SVG carries its own <title> and <desc> (the full alt text) and is labelled by them.
  return html`<section aria-labelledby="h-chart"><h2 id="h-chart">${wt(lang, "service.chart")}</h2>
<figure>${trusted(model.chart.svg)}<figcaption>${sentence} <a href="${png}">${wt(lang, "service.chartPng")}</a></figcaption></figure></section>`;
}

function timelineSection(model: ServicePageModel, lang: Lang): SafeHtml {
  const entries = [...model.timeline].slice(-TIMELINE_SHOWN).reverse();
  const items = entries.map((e) => {
    const to = statusLabel(e.to, lang);
    const change = e.from
      ? wt(lang, "service.change", { from: statusLabel(e.from, lang), to })
      : wt(lang, "service.first", { to });
    const shown = e.mechanism ? asideHtml(change, e.mechanism.toUpperCase(), lang) : change;
    return html`<li data-to="${e.to}">${labelledHtml(timeEl(e.at, lang), shown, lang)}</li>`;
  });
  return html`<section aria-labelledby="h-timeline"><h2 id="h-timeline">${wt(lang, "service.timeline")}</h2>
${items.length === 0 ? html`<p>${wt(lang, "service.timelineNone")}</p>` : html`<ul>${items}</ul>`}
${model.feed ? feedLink(model.feed, lang) : ""}</section>`;
}

function historySection(kb: KnowledgeBase, model: ServicePageModel, lang: Lang): SafeHtml {
  const place = placeName(kb, model.country, null, lang);
  const items = [...model.events].reverse().map((e) => {
    // An event not yet translated is shown in English, said so and marked up as English.
    const translated = e.summary[lang] ?? (lang === "en" ? e.summary.en : undefined);
    const summary =
      translated !== undefined
        ? html`<span>${translated}</span>`
        : trusted(
            tHtml(lang, "answer.untranslated", {
              text: markup(html`<span lang="en" dir="ltr">${e.summary.en}</span>`.value),
            }),
          );
    const told = html`${statusBadge(e.status, lang)} ${withSource(summary, e.source, lang)}`;
    return html`<li>${labelledHtml(html`<time datetime="${e.date}">${formatDate(e.date, lang)}</time>`, told, lang)}</li>`;
  });
  return html`<section aria-labelledby="h-history"><h2 id="h-history">${wt(lang, "service.history")}</h2>
${items.length === 0 ? html`<p>${wt(lang, "service.historyNone", { place })}</p>` : html`<ul>${items}</ul>`}</section>`;
}

/**
 * Alternatives or tools with their status here, and under each name what is worth knowing about it
 * (present/text.ts relatedNote: end-to-end encryption for messaging and email, an onion address where
 * there is one), so two columns fit a phone.
 */
function relatedTable(
  kb: KnowledgeBase,
  country: string,
  rows: readonly RelatedRow[],
  lang: Lang,
  title: string,
): SafeHtml {
  const notes = rows.map((r) => relatedNote(kb, r.service, lang));
  const body = rows.map((r, i) => {
    const note = notes[i];
    const shown = note ? html`<br><span class="muted small">${trusted(note.html)}</span>` : "";
    return html`<tr data-service="${r.service}"><th scope="row"><a href="${hrefIn(servicePath(r.service, country), lang)}">${serviceName(kb, r.service, lang)}</a>${shown}</th><td>${statusBadge(r.status, lang)}</td></tr>`;
  });
  // "Privacy" heads the column only where a note says something about privacy.
  const privacy = rows.some((r) => encryptionMatters(kb, r.service));
  const nameColumn = privacy
    ? `${wt(lang, "board.col.service")} · ${wt(lang, "service.col.privacy")}`
    : wt(lang, "board.col.service");
  return scrollable(
    title,
    html`<table><thead><tr><th scope="col">${nameColumn}</th><th scope="col">${wt(lang, "board.col.status")}</th></tr></thead><tbody>${body}</tbody></table>`,
  );
}

/** As the bot does: the ways around the block lead when nothing offered instead is known to work. */
function relatedSections(kb: KnowledgeBase, model: ServicePageModel, lang: Lang): SafeHtml {
  const risk = kb.country(model.country)?.circumventionRisk;
  const caution = risk
    ? html`<p>⚠ ${withSource(wt(lang, "service.caution", { text: localized(risk.text, lang) }), risk.source, lang)}</p>`
    : "";
  const alternatives =
    model.alternatives.length > 0
      ? html`<section aria-labelledby="h-alternatives"><h2 id="h-alternatives">${wt(lang, "service.alternatives")}</h2>${relatedTable(kb, model.country, model.alternatives, lang, wt(lang, "service.alternatives"))}</section>`
      : "";
  const waysAround =
    model.circumvention.length > 0
      ? html`<section aria-labelledby="h-circumvention"><h2 id="h-circumvention">${wt(lang, "service.circumvention")}</h2>${relatedTable(kb, model.country, model.circumvention, lang, wt(lang, "service.circumvention"))}${caution}</section>`
      : "";
  return leadWithWaysAround(model.alternatives, model.circumvention)
    ? html`${waysAround}${alternatives}`
    : html`${alternatives}${waysAround}`;
}

export function servicePageTitle(kb: KnowledgeBase, service: string, country: string, lang: Lang): string {
  return wt(lang, "service.title", {
    service: serviceName(kb, service, lang),
    place: placeName(kb, country, null, lang),
  });
}

export function renderServicePage(kb: KnowledgeBase, model: ServicePageModel, lang: Lang): SafeHtml {
  return html`<p><a href="${hrefIn("/", lang)}" class="back">${wt(lang, "service.back")}</a></p>
<h1>${servicePageTitle(kb, model.service, model.country, lang)}</h1>
${statusSection(kb, model, lang)}
${featuresSection(model, lang)}
${regionsSection(kb, model, lang)}
${evidenceSection(model, lang)}
${chartSection(model, lang)}
${timelineSection(model, lang)}
${historySection(kb, model, lang)}
${relatedSections(kb, model, lang)}`;
}

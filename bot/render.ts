import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { Mechanism, Verdict } from "../model/status.js";
import type { Answer, RelatedService } from "../pipeline/answer.js";
import { type MessageKey, t, tPlural } from "../present/i18n/index.js";
import { methodSentence } from "../present/method.js";
import { regionLines } from "../present/regions.js";
import { provenanceLines } from "../present/sources.js";
import {
  aside,
  cautionLine,
  escapeHtml,
  featureText,
  formatDate,
  historyLine,
  isolate,
  leadWithWaysAround,
  link,
  placeName,
  relatedLine,
  STATUS_MARK,
  serviceName,
  tHtml,
} from "../present/text.js";
import { ooniCreditLines } from "./views/ooni-credit.js";

// Pure rendering of an Answer to Telegram HTML (parse_mode HTML). Every value from outside (names,
// summaries, domains) is escaped; only the renderer's own tags are raw. Pinned by exact-string tests.

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
    // Past its freshness window a measurement is the last known status, not the present one.
    const told = answer.stale ? aside(status, t(lang, "answer.lastKnown"), lang) : status;
    lines.push(
      `${STATUS_MARK[answer.status]} <b>${tHtml(lang, "answer.title", { service: name, place, status: told })}</b>`,
    );
    lines.push(escapeHtml(ageLine(answer, lang)));
    lines.push(...answer.features.map((f) => featureLine(f, lang)));
    lines.push(...regionLines(kb, answer, lang));
    const provenance = provenanceLines(answer, lang, Date.parse(answer.at), (iso) => formatDate(iso, lang));
    lines.push(...provenance.map(escapeHtml));
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
  lines.push(...relatedSections(kb, answer, lang, "answer.alternativesTitle"));
  const how = methodSentence(answer, lang, place, (iso) => formatDate(iso, lang));
  lines.push("", `<i>${escapeHtml(how)}</i>`);
  return lines.join("\n");
}

/** "• Photos, video and voice notes: blocked (TLS)", in the language's punctuation. */
export function featureLine(
  f: { feature: string; status: Verdict; mechanism: Mechanism | null },
  lang: Lang,
  verdict = t(lang, `verdict.${f.status}`),
): string {
  return `• ${escapeHtml(featureText(f, lang, verdict))}`;
}

/**
 * What to use instead, then the ways around the block with the country's legal caution; the ways around
 * come first when nothing offered instead is known to work, since then they are what helps.
 */
export function relatedSections(
  kb: KnowledgeBase,
  view: {
    country: string;
    alternatives: readonly RelatedService[];
    circumvention: readonly RelatedService[];
  },
  lang: Lang,
  alternativesTitle: MessageKey | null,
): string[] {
  const alternatives =
    view.alternatives.length === 0
      ? []
      : [
          ...(alternativesTitle ? ["", escapeHtml(t(lang, alternativesTitle))] : []),
          ...view.alternatives.map((a) => relatedLine(kb, a, lang)),
        ];
  const risk = kb.country(view.country)?.circumventionRisk;
  const waysAround =
    view.circumvention.length === 0
      ? []
      : [
          "",
          escapeHtml(t(lang, "answer.circumventionTitle")),
          ...view.circumvention.map((c) => relatedLine(kb, c, lang)),
          ...(risk ? [cautionLine(risk, lang)] : []),
        ];
  return leadWithWaysAround(view.alternatives, view.circumvention)
    ? [...waysAround, ...alternatives]
    : [...alternatives, ...waysAround];
}

/** "Since 12 March 2025 · last checked … · newest measurement …": every measured status shows its age. */
export function ageLine(
  status: { since: string | null; checkedAt: string | null; measuredAt: string | null },
  lang: Lang,
): string {
  const since = status.since
    ? t(lang, "answer.since", { since: formatDate(status.since, lang, { inline: true }) })
    : null;
  const checked = status.checkedAt
    ? t(lang, "answer.checked", { checkedAt: formatDate(status.checkedAt, lang) })
    : null;
  // Told apart only when they differ: OONI's newest measurement can be hours older than our last look.
  const measured =
    status.measuredAt && status.measuredAt !== status.checkedAt
      ? t(lang, "answer.measuredAt", { measuredAt: formatDate(status.measuredAt, lang) })
      : null;
  return [since, checked, measured].filter(Boolean).join(" · ");
}

/** "👥 3 people in China reported problems in the last hour." People's reports, never a verdict. */
export function recentReportsLine(kb: KnowledgeBase, country: string, count: number, lang: Lang): string {
  const place = placeName(kb, country, null, lang);
  return `👥 ${escapeHtml(tPlural(lang, "report.recent", count, { place }))}`;
}

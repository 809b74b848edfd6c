import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { KbEvent, Lang } from "../../kb/schema.js";
import type { Target, TimelineEntry } from "../../model/status.js";
import { t } from "../../present/i18n/index.js";
import {
  aside,
  escapeHtml,
  formatDate,
  historyLine,
  labelled,
  placeName,
  serviceName,
} from "../../present/text.js";

// The History button: what our probes saw change, then the knowledge base's dated events with sources.
// Newest first. Text for now; a chart may come later.

/** The measured timeline can hold a thousand changes; a message shows the latest of them. */
export const TIMELINE_SHOWN = 30;

export function renderHistory(
  kb: KnowledgeBase,
  target: Target,
  timeline: readonly TimelineEntry[],
  events: readonly KbEvent[],
  lang: Lang,
): string {
  const service = serviceName(kb, target.service, lang);
  const place = placeName(kb, target.country, null, lang);
  const lines = [`📜 <b>${escapeHtml(t(lang, "history.title", { service, place }))}</b>`];
  if (timeline.length === 0 && events.length === 0) {
    lines.push(escapeHtml(t(lang, "history.none", { service, place })));
    return lines.join("\n");
  }
  if (timeline.length > 0) {
    lines.push(escapeHtml(t(lang, "history.measured")));
    for (const entry of timeline.slice(-TIMELINE_SHOWN).reverse()) {
      const to = t(lang, `status.${entry.to}`);
      const change = entry.from
        ? t(lang, "history.change", { from: t(lang, `status.${entry.from}`), to })
        : t(lang, "history.first", { to });
      const shown = entry.mechanism ? aside(change, entry.mechanism.toUpperCase(), lang) : change;
      lines.push(`• ${escapeHtml(labelled(formatDate(entry.at, lang), shown, lang))}`);
    }
  }
  if (events.length > 0) {
    if (timeline.length > 0) lines.push("");
    lines.push(escapeHtml(t(lang, "history.recorded")));
    for (const event of [...events].reverse()) lines.push(historyLine(event, lang));
  }
  return lines.join("\n");
}

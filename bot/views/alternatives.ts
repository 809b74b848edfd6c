import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { AlternativesView } from "../../pipeline/read-model.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml, link, placeName, relatedLine, serviceName, tHtml } from "../../present/text.js";

// /alternatives and the Alternatives button: what to use instead, most reachable and most private first,
// then the ways around blocking with their own status and the country's legal caution.

export function renderAlternatives(kb: KnowledgeBase, view: AlternativesView, lang: Lang): string {
  const service = serviceName(kb, view.service, lang);
  const place = placeName(kb, view.country, null, lang);
  const lines = [`🔀 <b>${escapeHtml(t(lang, "alternatives.title", { service, place }))}</b>`];
  if (view.alternatives.length === 0) lines.push(escapeHtml(t(lang, "alternatives.none", { service })));
  lines.push(...view.alternatives.map((a) => relatedLine(kb, a, lang, true)));
  if (view.circumvention.length > 0) {
    lines.push(
      "",
      escapeHtml(t(lang, "answer.circumventionTitle")),
      ...view.circumvention.map((c) => relatedLine(kb, c, lang, false)),
    );
    const risk = kb.country(view.country)?.circumventionRisk;
    if (risk) {
      const text = risk.text[lang] ?? risk.text.en;
      lines.push(`⚠️ ${tHtml(lang, "answer.caution", { text })} (${link(risk.source, lang).html})`);
    }
  }
  return lines.join("\n");
}

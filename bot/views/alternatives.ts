import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { AlternativesView } from "../../pipeline/read-model.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml, leadWithWaysAround, placeName, serviceName } from "../../present/text.js";
import { relatedSections } from "../render.js";

// /alternatives and the Alternatives button: what to use instead, most reachable and most private first,
// then the ways around blocking with their own status and the country's legal caution.

export function renderAlternatives(kb: KnowledgeBase, view: AlternativesView, lang: Lang): string {
  const service = serviceName(kb, view.service, lang);
  const place = placeName(kb, view.country, null, lang);
  const lines = [`🔀 <b>${escapeHtml(t(lang, "alternatives.title", { service, place }))}</b>`];
  if (view.alternatives.length === 0) lines.push(escapeHtml(t(lang, "alternatives.none", { service })));
  // Under this title the alternatives need no heading of their own, unless the ways around come first.
  const heading = leadWithWaysAround(view.alternatives, view.circumvention)
    ? "answer.alternativesTitle"
    : null;
  lines.push(...relatedSections(kb, view, lang, heading));
  return lines.join("\n");
}

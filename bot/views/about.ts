import type { Lang } from "../../kb/schema.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";

/** /about: how a verdict is reached and where the evidence comes from (docs/design.md, "How a verdict is decided"). */
export function renderAbout(lang: Lang): string {
  const points = [
    "about.probes",
    "about.evidence",
    "about.confirm",
    "about.features",
    "about.sources",
    "about.reports",
  ] as const;
  return [
    `<b>${escapeHtml(t(lang, "about.title"))}</b>`,
    ...points.map((key) => `• ${escapeHtml(t(lang, key))}`),
  ].join("\n");
}

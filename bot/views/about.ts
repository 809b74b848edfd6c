import type { Lang } from "../../kb/schema.js";
import { t } from "../i18n/index.js";
import { escapeHtml } from "../render.js";

/** /about: how a verdict is reached and where the evidence comes from (DESIGN.md, "How a verdict is decided"). */
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

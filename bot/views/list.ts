import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { CATEGORIES, type Category, type Lang } from "../../kb/schema.js";
import type { ListedService } from "../../pipeline/read-model.js";
import { type MessageKey, t } from "../../present/i18n/index.js";
import {
  escapeHtml,
  html,
  isLastKnown,
  placeName,
  STATUS_MARK,
  serviceName,
  tHtml,
} from "../../present/text.js";

// /list: every service of a country, one line per category, a status mark before each name. Services known
// only from dated history carry an asterisk, explained under the list.

/** Everyday services first, the ways around blocking last. */
const CATEGORY_ORDER: readonly Category[] = [
  ...CATEGORIES.filter((c) => c !== "vpn" && c !== "circumvention"),
  "circumvention",
  "vpn",
];

export function renderList(
  kb: KnowledgeBase,
  country: string,
  services: readonly ListedService[],
  lang: Lang,
) {
  const place = placeName(kb, country, null, lang);
  const lines = [`<b>${escapeHtml(t(lang, "list.title", { place }))}</b>`];
  for (const category of CATEGORY_ORDER) {
    const inCategory = services.filter((s) => kb.service(s.service)?.category === category);
    if (inCategory.length === 0) continue;
    const items = inCategory.map((s) => {
      const lastKnown = isLastKnown(s) ? "*" : "";
      return `${STATUS_MARK[s.status]} ${escapeHtml(serviceName(kb, s.service, lang))}${lastKnown}`;
    });
    const name = escapeHtml(t(lang, `category.${category}` as MessageKey));
    const names = items.join(escapeHtml(t(lang, "list.separator")));
    lines.push(tHtml(lang, "list.line", { category: html(`<b>${name}</b>`), services: html(names) }));
  }
  lines.push(
    "",
    escapeHtml(
      [
        `${STATUS_MARK.accessible} ${t(lang, "status.accessible")}`,
        `${STATUS_MARK.partial} ${t(lang, "status.partial")}`,
        `${STATUS_MARK.blocked} ${t(lang, "status.blocked")}`,
        `${STATUS_MARK.outage} ${t(lang, "verdict.down")}`,
        `${STATUS_MARK.unknown} ${t(lang, "status.unknown")}`,
      ].join(" · "),
    ),
  );
  if (services.some(isLastKnown)) lines.push(escapeHtml(t(lang, "list.lastKnown")));
  return lines.join("\n");
}

import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { Target } from "../../model/status.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";
import type { Delivery } from "../keyboards.js";
import { targetLabel } from "./targets.js";

/** /subscriptions: what the chat follows and how alerts are delivered. */
export function renderSubscriptions(
  kb: KnowledgeBase,
  targets: readonly Target[],
  delivery: Delivery,
  lang: Lang,
): string {
  const lines =
    targets.length === 0
      ? [escapeHtml(t(lang, "subscriptions.none"))]
      : [
          `<b>${escapeHtml(t(lang, "subscriptions.title"))}</b>`,
          ...targets.map((target) => `• ${escapeHtml(targetLabel(kb, target, lang))}`),
        ];
  lines.push("", escapeHtml(t(lang, "delivery.usage", { mode: t(lang, `delivery.${delivery}`) })));
  return lines.join("\n");
}

import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { Target } from "../../model/status.js";
import { ALL_SERVICES } from "../../model/store.js";
import { t } from "../../present/i18n/index.js";
import { placeName, serviceName } from "../../present/text.js";

/** "WhatsApp in China", "every service in Iran": plain text, escaped by whoever puts it in HTML. */
export function targetLabel(kb: KnowledgeBase, target: Target, lang: Lang): string {
  const place = placeName(kb, target.country, null, lang);
  return target.service === ALL_SERVICES
    ? t(lang, "target.all", { place })
    : t(lang, "target.service", { service: serviceName(kb, target.service, lang), place });
}

import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { Target } from "../../model/status.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml, placeName, serviceName } from "../../present/text.js";
import { recentReportsLine } from "../render.js";

/**
 * The answer to /report: thanks (or "already counted"), how many people reported the same in the last
 * hour, and the reminder that reports are not a verdict.
 */
export function renderReportReceipt(
  kb: KnowledgeBase,
  target: Target,
  accepted: boolean,
  recentReports: number,
  lang: Lang,
): string {
  const vars = {
    service: serviceName(kb, target.service, lang),
    place: placeName(kb, target.country, null, lang),
  };
  const lines = [escapeHtml(t(lang, accepted ? "report.thanks" : "report.already", vars))];
  if (recentReports > 0) lines.push(recentReportsLine(kb, target.country, recentReports, lang));
  lines.push(`<i>${escapeHtml(t(lang, "report.notVerdict"))}</i>`);
  return lines.join("\n");
}

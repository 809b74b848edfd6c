import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { CheckOutcome, OnDemandResult } from "../../pipeline/check-now.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml, placeName, STATUS_MARK, sanitizeEcho, tHtml } from "../../present/text.js";

// The reply to a "Check now": pure, pinned by exact-string tests (test/bot/check-now.test.ts).

function resultLines(
  kb: KnowledgeBase,
  result: OnDemandResult,
  lang: Lang,
  ageSeconds: number | null,
): string[] {
  const domain = result.domain;
  if (result.refused) return [escapeHtml(t(lang, "checkNow.refusedAddress", { domain }))];
  const place = placeName(kb, result.country, null, lang);
  const status = t(lang, `status.${result.status}`);
  const title =
    ageSeconds === null
      ? tHtml(lang, "checkNow.result", { domain, place, status })
      : tHtml(lang, "checkNow.recent", { domain, place, status, seconds: ageSeconds });
  const lines = [`${STATUS_MARK[result.status]} <b>${title}</b>`];
  if (result.mechanism) {
    lines.push(tHtml(lang, "checkNow.mechanism", { mechanism: result.mechanism.toUpperCase() }));
  }
  lines.push(`<i>${tHtml(lang, "checkNow.vantages", { count: result.vantages.length })}</i>`);
  return lines;
}

/** What a check answered, as Telegram HTML; `nowMs` dates a result someone else's check produced. */
export function renderCheckOutcome(
  kb: KnowledgeBase,
  outcome: CheckOutcome,
  lang: Lang,
  nowMs: number,
): string {
  switch (outcome.kind) {
    case "checked":
      return resultLines(kb, outcome.result, lang, null).join("\n");
    case "recent": {
      const age = Math.max(0, Math.round((nowMs - Date.parse(outcome.result.checkedAt)) / 1000));
      return resultLines(kb, outcome.result, lang, age).join("\n");
    }
    case "pending":
      return tHtml(lang, "checkNow.pending", { domain: outcome.domain, seconds: outcome.retryInSeconds });
    case "limited":
      return tHtml(lang, "checkNow.limited", { seconds: outcome.retryInSeconds });
    case "refused":
      return tHtml(lang, "checkNow.refusedTarget", { domain: sanitizeEcho(outcome.domain) });
    case "noVantage":
      return tHtml(lang, "checkNow.noVantage", { place: placeName(kb, outcome.country, null, lang) });
  }
}

import type { Lang } from "../../kb/schema.js";
import type { OoniSummary, OoniUnavailable } from "../../model/ooni.js";
import { t, tPlural } from "../../present/i18n/index.js";
import { escapeHtml, formatDate, withMechanism } from "../../present/text.js";

// What an answer says about OONI's public measurements, crediting the source: how many in the window and
// when the newest was taken, then our analyzer's reading of the newest ones (never OONI's own verdict).
// Nothing when OONI was not asked or is switched off. Pure; Telegram HTML lines.

export function ooniCreditLines(ooni: OoniSummary | OoniUnavailable | undefined, lang: Lang): string[] {
  if (!ooni) return [];
  if ("unavailable" in ooni) {
    return ooni.reason === "disabled" ? [] : [`🔎 ${escapeHtml(t(lang, "ooni.unavailable"))}`];
  }
  if (ooni.measurements === 0 || ooni.lastAt === null) {
    return [`🔎 ${escapeHtml(t(lang, "ooni.none", { days: ooni.windowDays }))}`];
  }
  const lines = [
    `🔎 ${escapeHtml(
      tPlural(lang, "ooni.measurements", ooni.measurements, {
        days: ooni.windowDays,
        lastAt: formatDate(ooni.lastAt, lang),
      }),
    )}`,
  ];
  const analysed = ooni.analysed ?? 0;
  if (analysed > 0) {
    const reading = withMechanism(t(lang, `status.${ooni.status}`), ooni.mechanism, lang);
    lines.push(escapeHtml(t(lang, "ooni.reading", { analysed, reading })));
  }
  return lines;
}

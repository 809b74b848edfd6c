import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { Mechanism, ServiceStatus, Target } from "../../model/status.js";
import { t } from "../../present/i18n/index.js";
import { vantageLines } from "../../present/regions.js";
import { escapeHtml, formatDate, labelled, placeName, serviceName } from "../../present/text.js";
import { featureLine } from "../render.js";

// The Details button: the evidence behind a status, per feature and per region, and what each failing
// mechanism means. Without a measurement it says so and lists what will be measured.

export function renderDetails(
  kb: KnowledgeBase,
  target: Target,
  status: ServiceStatus | undefined,
  lang: Lang,
): string {
  const service = serviceName(kb, target.service, lang);
  const place = placeName(kb, target.country, null, lang);
  const lines = [`🔍 <b>${escapeHtml(t(lang, "details.title", { service, place }))}</b>`];
  if (!status) {
    lines.push(escapeHtml(t(lang, "details.noMeasurement", { service, place })));
    const features = kb.service(target.service)?.features ?? [];
    if (features.length > 0) {
      lines.push("", escapeHtml(t(lang, "details.byFeature")));
      for (const f of features) {
        const notMeasured = { feature: f.id, status: "unknown" as const, mechanism: null };
        lines.push(featureLine(notMeasured, lang, t(lang, "details.notMeasured")));
      }
    }
    return lines.join("\n");
  }

  const confidence = Math.round(status.confidence * 100);
  lines.push(
    escapeHtml(t(lang, "details.status", { status: t(lang, `status.${status.status}`), confidence })),
    escapeHtml(
      [
        t(lang, "answer.since", { since: formatDate(status.since, lang, { inline: true }) }),
        t(lang, "answer.checked", { checkedAt: formatDate(status.checkedAt, lang) }),
      ].join(" · "),
    ),
  );
  if (status.features.length > 0) {
    lines.push("", escapeHtml(t(lang, "details.byFeature")));
    lines.push(...status.features.map((f) => featureLine(f, lang)));
  }
  if (status.regions.length > 0) {
    lines.push("", escapeHtml(t(lang, "details.byRegion")));
    for (const r of status.regions) {
      const region = kb.region(target.country, r.region)?.name[lang] ?? r.region;
      lines.push(`• ${escapeHtml(labelled(region, t(lang, `status.${r.status}`), lang))}`);
    }
  }
  const byVantage = vantageLines(kb, target.country, status.vantages, lang);
  if (byVantage.length > 0) lines.push("", ...byVantage);
  const mechanisms = new Set<Mechanism>(
    [status.mechanism, ...status.features.map((f) => f.mechanism)].filter((m): m is Mechanism => m !== null),
  );
  if (mechanisms.size > 0) {
    lines.push("", escapeHtml(t(lang, "details.howItFails")));
    for (const m of ["dns", "tcp", "tls", "http"] as const) {
      if (mechanisms.has(m)) lines.push(`• ${escapeHtml(t(lang, `mechanism.${m}`))}`);
    }
  }
  return lines.join("\n");
}

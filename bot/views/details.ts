import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { Mechanism, ServiceStatus, Target } from "../../model/status.js";
import { type MessageKey, t } from "../../present/i18n/index.js";
import { vantageLines } from "../../present/regions.js";
import { escapeHtml, formatDate, placeName, serviceName } from "../../present/text.js";

// The Details button: the evidence behind a status, per feature and per region, and what each failing
// mechanism means. Without a measurement it says so and lists what will be measured.

function featureLine(feature: string, verdict: string, lang: Lang): string {
  return `• ${escapeHtml(`${t(lang, `feature.${feature}` as MessageKey)}: ${verdict}`)}`;
}

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
      for (const f of features) lines.push(featureLine(f.id, t(lang, "details.notMeasured"), lang));
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
    for (const f of status.features) {
      const verdict = t(lang, `verdict.${f.status}`);
      const shown = f.mechanism
        ? t(lang, "answer.mechanism", { verdict, mechanism: f.mechanism.toUpperCase() })
        : verdict;
      lines.push(featureLine(f.feature, shown, lang));
    }
  }
  if (status.regions.length > 0) {
    lines.push("", escapeHtml(t(lang, "details.byRegion")));
    for (const r of status.regions) {
      const region = kb.region(target.country, r.region)?.name[lang] ?? r.region;
      lines.push(`• ${escapeHtml(`${region}: ${t(lang, `status.${r.status}`)}`)}`);
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

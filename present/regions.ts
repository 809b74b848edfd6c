import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { RegionStatus, ServiceStatusValue, VantageStatus } from "../model/status.js";
import { t } from "./i18n/index.js";
import { escapeHtml } from "./text.js";

// Region detail and disagreement between vantages, for answers (render.ts) and Details: "By region:
// blocked in Beijing and Shenzhen, accessible in Shanghai." Pure; pinned by exact-string tests.

/** The worst news first: what is blocked is what people ask about. */
const ORDER: readonly ServiceStatusValue[] = ["blocked", "partial", "outage", "accessible", "unknown"];

/** What a status says about its places: a country's status with its region and vantage detail. */
export interface PlacedStatus {
  country: string;
  status: ServiceStatusValue;
  regions?: readonly RegionStatus[];
  vantages?: readonly VantageStatus[];
}

export function regionName(kb: KnowledgeBase, country: string, region: string, lang: Lang): string {
  return kb.region(country, region)?.name[lang] ?? region;
}

/** "Beijing", "Beijing and Shenzhen", "Beijing, Shenzhen and Shanghai", in the language's own words. */
export function listOf(items: readonly string[], lang: Lang): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(t(lang, "list.separator"))}${t(lang, "regions.and")}${items.at(-1)}`;
}

/** Places grouped by status, worst first; null when no region was measured. */
export function regionSummary(
  kb: KnowledgeBase,
  country: string,
  regions: readonly RegionStatus[],
  lang: Lang,
): string | null {
  if (regions.length === 0) return null;
  const groups = ORDER.flatMap((status) => {
    const places = regions
      .filter((r) => r.status === status)
      .map((r) => regionName(kb, country, r.region, lang));
    if (places.length === 0) return [];
    return [
      t(lang, "regions.group", {
        status: t(lang, `regions.status.${status}`),
        regions: listOf(places, lang),
      }),
    ];
  });
  return t(lang, "regions.line", { groups: groups.join(t(lang, "list.groupSeparator")) });
}

/** Whether the vantages reached different statuses (offline and undecided ones do not count). */
export function vantagesDisagree(vantages: readonly VantageStatus[] | undefined): boolean {
  return new Set((vantages ?? []).map((v) => v.status).filter((s) => s !== "unknown")).size > 1;
}

/** "Our vantage points disagree: blocked at 2, accessible at 1."; null when they agree. */
export function disagreementSummary(
  vantages: readonly VantageStatus[] | undefined,
  lang: Lang,
): string | null {
  if (!vantagesDisagree(vantages)) return null;
  const counts = ORDER.flatMap((status) => {
    const count = (vantages ?? []).filter((v) => v.status === status).length;
    return count > 0
      ? [t(lang, "regions.count", { status: t(lang, `regions.status.${status}`), count })]
      : [];
  });
  return t(lang, "regions.disagree", { counts: counts.join(t(lang, "list.groupSeparator")) });
}

/**
 * The answer's lines about places, as HTML: the region line when it adds something (several regions, or
 * one whose status is not the country's), and the disagreement when vantages disagree.
 */
export function regionLines(kb: KnowledgeBase, placed: PlacedStatus, lang: Lang): string[] {
  const regions = placed.regions ?? [];
  const telling = regions.length > 1 || regions.some((r) => r.status !== placed.status);
  const summary = telling ? regionSummary(kb, placed.country, regions, lang) : null;
  const disagreement = disagreementSummary(placed.vantages, lang);
  return [
    ...(summary ? [`📍 ${escapeHtml(summary)}`] : []),
    ...(disagreement ? [`⚠️ ${escapeHtml(disagreement)}`] : []),
  ];
}

/** Details: each vantage's own status, when they disagree. */
export function vantageLines(
  kb: KnowledgeBase,
  country: string,
  vantages: readonly VantageStatus[] | undefined,
  lang: Lang,
): string[] {
  if (!vantagesDisagree(vantages)) return [];
  return [
    escapeHtml(t(lang, "details.byVantage")),
    ...(vantages ?? []).map((v) => {
      const status = t(lang, `regions.status.${v.status}`);
      const line = v.region
        ? t(lang, "details.vantage", {
            vantage: v.vantage,
            region: regionName(kb, country, v.region, lang),
            status,
          })
        : t(lang, "details.vantageNoRegion", { vantage: v.vantage, status });
      return `• ${escapeHtml(line)}`;
    }),
  ];
}

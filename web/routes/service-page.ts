import { measuredUntil } from "../../analysis/availability.js";
import type { Target } from "../../analysis/types.js";
import { chartSubject } from "../../charts/history-chart.js";
import { renderTimelineSvg } from "../../charts/timeline-chart.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { readStatusViews } from "../../pipeline/status-view.js";
import type { Store } from "../../store/types.js";
import { htmlResponse, type Route, type WebDeps, type WebRequest } from "../http.js";
import { AVAILABILITY_DAYS, loadTarget } from "../load.js";
import { hrefIn, renderPage, servicePath } from "../views/layout.js";
import type { RelatedRow } from "../views/service-page.js";
import { renderServicePage, servicePageTitle } from "../views/service-page.js";
import { errorPage } from "./not-found.js";

const SERVICE_PATH = /^\/s\/(?<service>[^/]+)\/(?<country>[^/]+)$/;
const CHART_PATH = /^\/s\/(?<service>[^/]+)\/(?<country>[^/]+)\/chart\.png$/;

/** The (service, country) a path names, when the knowledge base knows both; country in any case. */
export function targetOf(request: WebRequest, deps: WebDeps): Target | undefined {
  const service = request.params.service ?? "";
  const country = (request.params.country ?? "").toUpperCase();
  return deps.kb.service(service) && deps.kb.country(country) ? { service, country } : undefined;
}

/** The alternatives' and tools' statuses in one read, told as everywhere else (history when unmeasured). */
async function related(
  kb: KnowledgeBase,
  store: Store,
  ids: readonly string[],
  country: string,
): Promise<RelatedRow[]> {
  const views = await readStatusViews(
    kb,
    store,
    ids.map((service) => ({ service, country })),
  );
  return views.map((v) => ({ service: v.service, status: v.basis === "none" ? "none" : v.status }));
}

export const servicePageRoute: Route = {
  name: "service",
  pattern: SERVICE_PATH,
  async handle(request, deps) {
    const { lang } = request;
    const target = targetOf(request, deps);
    if (!target) return errorPage("notFound", lang, request.url.pathname, deps.defaultCountry);
    const { kb, store } = deps;
    const now = deps.now();
    const snapshot = await loadTarget(store, kb, target, now);
    const service = kb.service(target.service);
    const alternatives = (service?.alternatives ?? []).filter((id) => kb.service(id));
    const tools = kb
      .circumventionTools()
      .map((s) => s.id)
      .filter((id) => id !== target.service);
    const [alternativeRows, toolRows] = await Promise.all([
      related(kb, store, alternatives, target.country),
      related(kb, store, tools, target.country),
    ]);
    const until = measuredUntil(snapshot.view.checkedAt ?? undefined, now);
    const chart = renderTimelineSvg(snapshot.timeline, {
      ...chartSubject(kb, target, lang),
      lang,
      days: AVAILABILITY_DAYS,
      now,
      ...(until !== undefined ? { measuredUntil: until } : {}),
    });
    const main = renderServicePage(
      kb,
      {
        ...target,
        status: snapshot.view,
        timeline: snapshot.timeline,
        events: kb.eventsFor(target.service, target.country),
        chart: {
          svg: chart.svg,
          availability: chart.availability.ratio,
          measuredMs: chart.availability.measuredMs,
        },
        alternatives: alternativeRows,
        circumvention: toolRows,
      },
      lang,
    );
    const path = servicePath(target.service, target.country);
    return htmlResponse(
      200,
      renderPage({
        lang,
        title: servicePageTitle(kb, target.service, target.country, lang),
        hrefForLang: (l) => hrefIn(path, l),
        main,
        apiCountry: target.country,
      }),
    );
  },
};

export { CHART_PATH };

import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { measuredUntil } from "../../analysis/availability.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Store } from "../../model/store.js";
import { AVAILABILITY_DAYS, loadTarget, readStatusViews } from "../../pipeline/read-model.js";
import { feedTitle } from "../../present/atom.js";
import { renderTimelineSvg } from "../../present/chart.js";
import { chartSubject, historyChart } from "../../present/history-chart.js";
import { htmlResponse, named, pageLang, respond, type WebDeps, type WebEnv } from "../http.js";
import { hrefIn, renderPage, serviceFeedPath, servicePath } from "../views/layout.js";
import type { RelatedRow } from "../views/service-page.js";
import { renderServicePage, servicePageTitle } from "../views/service-page.js";
import { errorPage } from "./not-found.js";
import { targetPath } from "./params.js";

/** The alternatives' and tools' statuses in one read, told as everywhere else (history when unmeasured). */
async function related(
  kb: KnowledgeBase,
  store: Store,
  ids: readonly string[],
  country: string,
  now: Date,
): Promise<RelatedRow[]> {
  const views = await readStatusViews(
    kb,
    store,
    ids.map((service) => ({ service, country })),
    now.getTime(),
  );
  return views.map((v) => ({ service: v.service, status: v.basis === "none" ? "none" : v.status }));
}

/**
 * GET /s/<service>/<country>: a service page; GET /s/<service>/<country>/chart.png: its chart, exactly as
 * the bot sends it. A service or country the knowledge base does not know is the 404 page.
 */
export function servicePageRoutes(deps: WebDeps): Hono<WebEnv> {
  const { kb, store, defaultCountry } = deps;
  const target = zValidator("param", targetPath(kb), (result, c) =>
    result.success ? undefined : errorPage(c, "notFound", new URL(c.req.url).pathname, defaultCountry),
  );
  return new Hono<WebEnv>()
    .get("/s/:service/:country", named("service", "page"), target, async (c) => {
      const lang = pageLang(c);
      const { service: id, country } = c.req.valid("param");
      const now = deps.now();
      const snapshot = await loadTarget(store, kb, { service: id, country }, now);
      const service = kb.service(id);
      const alternatives = (service?.alternatives ?? []).filter((a) => kb.service(a));
      const tools = kb
        .circumventionTools()
        .map((s) => s.id)
        .filter((t) => t !== id);
      const [alternativeRows, toolRows] = await Promise.all([
        related(kb, store, alternatives, country, now),
        related(kb, store, tools, country, now),
      ]);
      const until = measuredUntil(snapshot.view.checkedAt ?? undefined, now);
      const chart = renderTimelineSvg(snapshot.timeline, {
        ...chartSubject(kb, { service: id, country }, lang),
        lang,
        days: AVAILABILITY_DAYS,
        now,
        ...(until !== undefined ? { measuredUntil: until } : {}),
      });
      const feed = {
        href: hrefIn(serviceFeedPath(id, country), lang),
        title: feedTitle(kb, { country, service: id }, lang),
      };
      const main = renderServicePage(
        kb,
        {
          service: id,
          country,
          status: snapshot.view,
          timeline: snapshot.timeline,
          events: kb.eventsFor(id, country),
          chart: {
            svg: chart.svg,
            availability: chart.availability.ratio,
            measuredMs: chart.availability.measuredMs,
          },
          alternatives: alternativeRows,
          circumvention: toolRows,
          now,
          feed,
        },
        lang,
      );
      const path = servicePath(id, country);
      return htmlResponse(
        c,
        200,
        renderPage({
          lang,
          title: servicePageTitle(kb, id, country, lang),
          hrefForLang: (l) => hrefIn(path, l),
          main,
          apiCountry: country,
          feeds: [feed],
        }),
      );
    })
    .get("/s/:service/:country/chart.png", named("chart_png", "page"), target, async (c) => {
      const chart = await historyChart(store, kb, c.req.valid("param"), pageLang(c), {
        days: AVAILABILITY_DAYS,
        now: deps.now(),
      });
      return respond(
        200,
        { "content-type": "image/png", "cache-control": "no-cache", "x-content-type-options": "nosniff" },
        chart.png,
      );
    });
}

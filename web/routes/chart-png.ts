import { historyChart } from "../../charts/history-chart.js";
import type { Route } from "../http.js";
import { AVAILABILITY_DAYS } from "../load.js";
import { errorPage } from "./not-found.js";
import { CHART_PATH, targetOf } from "./service-page.js";

/** GET /s/<service>/<country>/chart.png: the service page's chart, exactly as the bot sends it. */
export const chartPngRoute: Route = {
  name: "chart_png",
  pattern: CHART_PATH,
  async handle(request, deps) {
    const { lang } = request;
    const target = targetOf(request, deps);
    if (!target) return errorPage("notFound", lang, request.url.pathname, deps.defaultCountry);
    const chart = await historyChart(deps.store, deps.kb, target, lang, {
      days: AVAILABILITY_DAYS,
      now: deps.now(),
    });
    return {
      status: 200,
      headers: {
        "content-type": "image/png",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      },
      body: chart.png,
    };
  },
};

import { availabilityOf, lastDays, measuredUntil, statusSegments } from "../../analysis/availability.js";
import { historyJson } from "../api-json.js";
import { jsonResponse, type Route } from "../http.js";
import { countryParam, daysParam, serviceParam } from "./params.js";

/** GET /api/v1/history?service=whatsapp&country=CN&days=30: the window's stretches, changes and events. */
export const apiHistoryRoute: Route = {
  name: "api_history",
  pattern: /^\/api\/v1\/history$/,
  async handle(request, { store, kb, now }) {
    const service = serviceParam(request.url, kb, true);
    const country = countryParam(request.url, kb);
    const days = daysParam(request.url);
    const target = { service, country };
    const [status, timeline] = await Promise.all([store.getStatus(target), store.getTimeline(target)]);
    const window = lastDays(now(), days);
    const segments = statusSegments(timeline, window, measuredUntil(status?.checkedAt, window.to));
    return jsonResponse(
      200,
      historyJson({
        service,
        country,
        days,
        window,
        segments,
        availability: availabilityOf(segments),
        timeline,
        events: kb.eventsFor(service, country),
      }),
    );
  },
};

import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { availabilityOf, lastDays, measuredUntil, statusSegments } from "../../analysis/availability.js";
import { historyJson } from "../../present/json.js";
import { jsonResponse, named, type WebDeps, type WebEnv } from "../http.js";
import { apiParameterError, historyQuery } from "./params.js";

/** GET /api/v1/history?service=whatsapp&country=CN&days=30: the window's stretches, changes and events. */
export function apiHistoryRoutes({ store, kb, now }: WebDeps): Hono<WebEnv> {
  return new Hono<WebEnv>().get(
    "/api/v1/history",
    named("api_history", "json"),
    zValidator("query", historyQuery(kb), apiParameterError),
    async (c) => {
      const { service, country, days } = c.req.valid("query");
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
  );
}

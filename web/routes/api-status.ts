import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { loadCountry, loadTarget } from "../../pipeline/read-model.js";
import { type StatusListJson, statusJson } from "../../present/json.js";
import { jsonResponse, named, type WebDeps, type WebEnv } from "../http.js";
import { apiParameterError, statusQuery } from "./params.js";

/**
 * GET /api/v1/status?country=CN[&service=whatsapp]: every service of the knowledge base in that country
 * (or the one asked for): measured, else the history's last known status, else `basis: "none"`.
 */
export function apiStatusRoutes({ store, kb, now }: WebDeps): Hono<WebEnv> {
  return new Hono<WebEnv>().get(
    "/api/v1/status",
    named("api_status", "json"),
    zValidator("query", statusQuery(kb), apiParameterError),
    async (c) => {
      const { country, service } = c.req.valid("query");
      const at = now();
      let statuses: StatusListJson["statuses"];
      if (service) {
        const snapshot = await loadTarget(store, kb, { service, country }, at);
        statuses = [statusJson(snapshot.view, snapshot.availability)];
      } else {
        const all = await loadCountry(store, kb, country, at);
        statuses = [...all.values()]
          .map((snapshot) => statusJson(snapshot.view, snapshot.availability))
          .sort((a, b) => a.service.localeCompare(b.service));
      }
      const body: StatusListJson = { country, generatedAt: at.toISOString(), statuses };
      return jsonResponse(200, body);
    },
  );
}

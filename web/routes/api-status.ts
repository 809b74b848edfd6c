import { type StatusListJson, statusJson } from "../api-json.js";
import { jsonResponse, type Route } from "../http.js";
import { loadCountry, loadTarget } from "../load.js";
import { countryParam, serviceParam } from "./params.js";

/**
 * GET /api/v1/status?country=CN[&service=whatsapp]: every service of the knowledge base in that country
 * (or the one asked for): measured, else the history's last known status, else `basis: "none"`.
 */
export const apiStatusRoute: Route = {
  name: "api_status",
  pattern: /^\/api\/v1\/status$/,
  async handle(request, { store, kb, now }) {
    const country = countryParam(request.url, kb);
    const service = serviceParam(request.url, kb, false);
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
};

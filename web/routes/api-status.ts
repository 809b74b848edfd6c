import { type StatusListJson, statusJson } from "../api-json.js";
import { jsonResponse, type Route } from "../http.js";
import { loadCountry, loadTarget } from "../load.js";
import { countryParam, serviceParam } from "./params.js";

/**
 * GET /api/v1/status?country=CN[&service=whatsapp]: every service of the knowledge base in that country
 * (or the one asked for), measured or not; a service never measured has `basis: "none"`.
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
      const snapshot = await loadTarget(store, { service, country }, at);
      statuses = [statusJson(service, country, snapshot.status, snapshot.availability)];
    } else {
      const measured = await loadCountry(store, kb, country, at);
      statuses = [...kb.services]
        .map((s) => s.id)
        .sort()
        .map((id) => {
          const snapshot = measured.get(id);
          return snapshot
            ? statusJson(id, country, snapshot.status, snapshot.availability)
            : statusJson(id, country, undefined, { ratio: null, byStatus: emptyByStatus(), noData: 0 });
        });
    }
    const body: StatusListJson = { country, generatedAt: at.toISOString(), statuses };
    return jsonResponse(200, body);
  },
};

function emptyByStatus() {
  return { accessible: 0, partial: 0, blocked: 0, outage: 0, unknown: 0 };
}

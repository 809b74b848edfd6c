import { PROMETHEUS_CONTENT_TYPE } from "../../core/metrics.js";
import { type Route, textResponse } from "../http.js";

/** GET /metrics: every metric in Prometheus' text exposition format 0.0.4. */
export const metricsRoute: Route = {
  name: "metrics",
  pattern: /^\/metrics$/,
  async handle(_request, { metrics }) {
    return textResponse(200, metrics.registry.expose(), PROMETHEUS_CONTENT_TYPE);
  },
};

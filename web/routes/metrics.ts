import { Hono } from "hono";
import { PROMETHEUS_CONTENT_TYPE } from "../../core/metrics.js";
import { named, textResponse, type WebDeps, type WebEnv } from "../http.js";

/** GET /metrics: every metric, prom-client's process metrics too, in Prometheus' text format 0.0.4. */
export function metricsRoutes({ metrics }: WebDeps): Hono<WebEnv> {
  return new Hono<WebEnv>().get("/metrics", named("metrics", "json"), async () =>
    textResponse(200, await metrics.registry.metrics(), PROMETHEUS_CONTENT_TYPE),
  );
}

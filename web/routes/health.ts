import { Hono } from "hono";
import { jsonResponse, named, type WebDeps, type WebEnv } from "../http.js";

/** How long /readyz waits for the store before calling it unreachable. */
export const READY_TIMEOUT_MS = 2000;

/** A key no target has: reading it costs one look-up and proves the store answers. */
const PROBE_TARGET = { service: "readyz-probe", country: "ZZ" };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes({ store, kb, log }: WebDeps): Hono<WebEnv> {
  return (
    new Hono<WebEnv>()
      // The process is up and serving. Nothing else is checked, so a slow store never kills it.
      .get("/healthz", named("healthz", "json"), () => jsonResponse(200, { status: "ok" }))
      // 200 when the store answers a cheap read and the knowledge base is loaded; 503 otherwise.
      .get("/readyz", named("readyz", "json"), async () => {
        let storeCheck = "ok";
        try {
          await withTimeout(store.getStatus(PROBE_TARGET), READY_TIMEOUT_MS);
        } catch (error) {
          log.warn("readiness: store did not answer", { error });
          storeCheck = `failed: ${error instanceof Error ? error.name : "error"}`;
        }
        const kbCheck = kb.services.length > 0 && kb.countries.length > 0 ? "ok" : "failed: empty";
        const ready = storeCheck === "ok" && kbCheck === "ok";
        return jsonResponse(ready ? 200 : 503, {
          status: ready ? "ready" : "not ready",
          checks: { store: storeCheck, knowledgeBase: kbCheck },
          store: store.kind,
          services: kb.services.length,
        });
      })
  );
}

import { connect } from "node:net";
import { Hono } from "hono";
import { Telegraf } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import { type Store, StoreError } from "../../model/store.js";
import { CHART_HEIGHT, CHART_WIDTH, PNG_SCALE } from "../../present/chart.js";
import { openStore } from "../../store/open.js";
import { nodeHandlerRoutes } from "../../web/node-handler.js";
import { READY_TIMEOUT_MS } from "../../web/routes/health.js";
import { createWebServer } from "../../web/server.js";
import { miniKb } from "../helpers.js";
import { decodePng } from "../support/png.js";
import { NOW, type RunningServer, seedTarget, startSeededServer } from "./seed.js";

// The server around the routes: health and readiness, /metrics, pages and their headers, errors, and
// the mounts the Telegram webhook and other apps share the port through. Loopback only.

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const seeded = () => [seedTarget("chatapp", "CN", [[10, "blocked"]], { mechanism: "dns" })];

/** The store with some methods replaced: one that fails, or one that never answers. */
function brokenStore(store: Store, methods: Partial<Record<keyof Store, () => Promise<never>>>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const replacement = methods[property as keyof Store];
      if (replacement) return replacement;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("health", () => {
  it("/healthz: the process is up", async () => {
    running = await startSeededServer(miniKb(), []);
    const response = await fetch(`${running.base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("/readyz: ready when the store answers and the knowledge base is loaded", async () => {
    running = await startSeededServer(miniKb(), []);
    const response = await fetch(`${running.base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { store: "ok", knowledgeBase: "ok" },
      store: "memory",
      services: 4,
    });
  });

  it("/readyz: 503 when the store fails", async () => {
    const store = await openStore("memory:");
    const failing = brokenStore(store, { getStatus: () => Promise.reject(new StoreError("store down")) });
    running = await startSeededServer(miniKb(), [], { store: failing });
    const response = await fetch(`${running.base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "not ready",
      checks: { store: "failed: StoreError", knowledgeBase: "ok" },
    });
    // Liveness does not depend on the store.
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
  });

  it("/readyz: 503 when the store does not answer in time", async () => {
    const store = await openStore("memory:");
    const hanging = brokenStore(store, { getStatus: () => new Promise<never>(() => {}) });
    running = await startSeededServer(miniKb(), [], { store: hanging });
    const started = Date.now();
    const response = await fetch(`${running.base}/readyz`);
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(READY_TIMEOUT_MS - 50);
  });
});

describe("/metrics", () => {
  it("exposes the registry in the Prometheus text format, requests counted by route and code", async () => {
    running = await startSeededServer(miniKb(), []);
    await fetch(`${running.base}/healthz`);
    await fetch(`${running.base}/nowhere`);
    const response = await fetch(`${running.base}/metrics`);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE isblocked_probes_total counter\nisblocked_probes_total 0\n");
    expect(text).toContain('isblocked_probe_failures_total{mechanism="tls"} 0');
    expect(text).toContain("# TYPE isblocked_update_duration_seconds histogram");
    expect(text).toContain('isblocked_http_requests_total{route="healthz",code="200"} 1');
    expect(text).toContain('isblocked_http_requests_total{route="not_found",code="404"} 1');
  });

  it("exposes the alert queue, the alert lease and the vantages online as gauges", async () => {
    const metrics = createMetrics();
    running = await startSeededServer(miniKb(), [], { metrics });
    const before = await (await fetch(`${running.base}/metrics`)).text();
    expect(before).toContain("# TYPE isblocked_alert_queue_depth gauge\nisblocked_alert_queue_depth 0\n");
    expect(before).toContain("# TYPE isblocked_alert_lease_held gauge\nisblocked_alert_lease_held 0\n");
    expect(before).toContain('isblocked_vantages_online{role="probe"} 0');
    expect(before).toContain('isblocked_vantages_online{role="control"} 0');
    // The queue is read when scraped; the vantages are set by each probe cycle.
    let queued = 3;
    metrics.alertQueueDepth.sample(() => queued);
    metrics.alertLeaseHeld.sample(() => 1);
    metrics.vantagesOnline.labels({ role: "probe" }).set(2);
    expect(await (await fetch(`${running.base}/metrics`)).text()).toContain(
      "isblocked_alert_queue_depth 3\n",
    );
    queued = 0;
    const after = await (await fetch(`${running.base}/metrics`)).text();
    expect(after).toContain("isblocked_alert_queue_depth 0\n");
    expect(after).toContain("isblocked_alert_lease_held 1\n");
    expect(after).toContain('isblocked_vantages_online{role="probe"} 2');
  });

  it("exposes prom-client's default process metrics", async () => {
    running = await startSeededServer(miniKb(), []);
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });
});

describe("pages", () => {
  it("serves the board as HTML with a strict CSP, in the Accept-Language when no ?lang=", async () => {
    running = await startSeededServer(miniKb(), seeded());
    const response = await fetch(`${running.base}/`, { headers: { "accept-language": "fa-IR,fa;q=0.9" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("vary")).toBe("Accept-Language");
    expect(response.headers.get("content-security-policy")).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    const page = await response.text();
    expect(page).toContain('<html lang="fa" dir="rtl">');
    expect(page).toContain("<h1>تابلوی وضعیت</h1>");
    const explicit = await fetch(`${running.base}/?lang=ru`, { headers: { "accept-language": "fa" } });
    expect(explicit.headers.get("vary")).toBeNull();
    expect(await explicit.text()).toContain('<html lang="ru" dir="ltr">');
  });

  it("shows one country with ?country=", async () => {
    running = await startSeededServer(miniKb(), seeded());
    const page = await (await fetch(`${running.base}/?country=DE&lang=en`)).text();
    expect(page).toContain('data-country="DE"');
    expect(page).not.toContain('data-country="CN"');
    expect(page).toContain('<a href="/?country=DE&amp;lang=zh-Hans" lang="zh-Hans"');
  });

  it("serves service pages in any case of the country code; unknown ones are a 404 page", async () => {
    running = await startSeededServer(miniKb(), seeded());
    const page = await fetch(`${running.base}/s/chatapp/cn?lang=en`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<h1>ChatApp in China</h1>");
    const missing = await fetch(`${running.base}/s/nosuch/CN?lang=zh-Hant`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<h1>找不到頁面</h1>");
    expect((await fetch(`${running.base}/s/%E0%A4%A/CN`)).status).toBe(404);
  });

  it("serves the chart PNG", async () => {
    running = await startSeededServer(miniKb(), seeded());
    const response = await fetch(`${running.base}/s/chatapp/CN/chart.png?lang=fa`);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = decodePng(Buffer.from(await response.arrayBuffer()));
    expect([png.width, png.height]).toEqual([CHART_WIDTH * PNG_SCALE, CHART_HEIGHT * PNG_SCALE]);
  });

  it("serves pages to GET and HEAD only: another method is a 405 naming them", async () => {
    running = await startSeededServer(miniKb(), seeded());
    for (const path of ["/", "/s/chatapp/CN", "/s/chatapp/CN/chart.png", "/healthz", "/metrics"]) {
      const response = await fetch(`${running.base}${path}`, { method: "POST", body: "x=1" });
      expect(response.status, path).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect(await response.json()).toEqual({
        error: "method_not_allowed",
        message: "only GET and HEAD are served here",
      });
    }
    expect((await fetch(`${running.base}/`, { method: "DELETE" })).status).toBe(405);
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain('isblocked_http_requests_total{route="method_not_allowed",code="405"} 6');
  });

  it("answers HEAD without a body", async () => {
    running = await startSeededServer(miniKb(), seeded());
    const response = await fetch(`${running.base}/?lang=en`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(1000);
    expect(await response.text()).toBe("");
  });

  it("a store failure is a 500 page, and a JSON 503 on the API", async () => {
    const store = await openStore("memory:");
    const failing = brokenStore(store, {
      listStatuses: () => Promise.reject(new StoreError("store down")),
      getStatus: () => Promise.reject(new StoreError("store down")),
      getStatuses: () => Promise.reject(new StoreError("store down")),
    });
    running = await startSeededServer(miniKb(), [], { store: failing });
    const page = await fetch(`${running.base}/?lang=en`);
    expect(page.status).toBe(500);
    expect(await page.text()).toContain("<h1>Something went wrong</h1>");
    const api = await fetch(`${running.base}/api/v1/status?country=CN`);
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({
      error: "unavailable",
      message: "the store did not answer; try again shortly",
    });
  });
});

describe("mounts: the Telegram webhook on the same port", () => {
  const TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const update = {
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: 42, type: "private" }, text: "hi" },
  };

  function webhookBot(seen: string[]) {
    const bot = new Telegraf(TOKEN);
    // Known already, so telegraf never calls getMe: nothing leaves this machine.
    bot.botInfo = {
      id: 123456789,
      is_bot: true,
      first_name: "isblocked",
      username: "isblocked_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
    bot.on("message", (ctx) => {
      if ("text" in ctx.message) seen.push(ctx.message.text);
    });
    return bot;
  }

  it("hands webhook posts with the right secret to telegraf; everything else falls through", async () => {
    const seen: string[] = [];
    const bot = webhookBot(seen);
    running = await startSeededServer(miniKb(), []);
    running.server.mount({
      path: "/tg/hook",
      route: "webhook",
      app: nodeHandlerRoutes(bot.webhookCallback("/tg/hook", { secretToken: "s3cret" })),
    });
    const post = (secret: string) =>
      fetch(`${running?.base}/tg/hook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(update),
      });
    expect((await post("s3cret")).status).toBe(200);
    expect(seen).toEqual(["hi"]);
    expect((await post("wrong")).status).toBe(404);
    expect((await fetch(`${running.base}/tg/hook`)).status).toBe(404);
    expect(seen).toEqual(["hi"]);
    // The rest of the site is untouched.
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
    // Counted like any route: the delivered update by the status telegraf sent.
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain('isblocked_http_requests_total{route="webhook",code="200"} 1');
  });

  it("can be mounted after the server started", async () => {
    running = await startSeededServer(miniKb(), []);
    expect((await fetch(`${running.base}/late`, { method: "POST" })).status).toBe(404);
    running.server.mount({
      path: "/late",
      route: "late",
      app: new Hono().post("/", (c) => c.body(null, 204)),
    });
    running.server.mount({
      path: "/late-node",
      route: "late_node",
      app: nodeHandlerRoutes((_req, res) => {
        res.writeHead(204).end();
      }),
    });
    expect((await fetch(`${running.base}/late`, { method: "POST" })).status).toBe(204);
    expect((await fetch(`${running.base}/late-node`, { method: "POST" })).status).toBe(204);
  });

  it("a handler that throws is a JSON 500, not a crash", async () => {
    running = await startSeededServer(miniKb(), []);
    running.server.mount({
      path: "/boom",
      route: "boom",
      app: nodeHandlerRoutes(() => {
        throw new Error("boom");
      }),
    });
    running.server.mount({
      path: "/api/v1/boom",
      route: "boom",
      app: new Hono().get("/", () => {
        throw new Error("boom");
      }),
    });
    for (const [path, method] of [
      ["/boom", "POST"],
      ["/api/v1/boom", "GET"],
    ] as const) {
      const response = await fetch(`${running.base}${path}`, { method });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: "internal_error",
        message: "the request could not be answered",
      });
    }
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain('isblocked_http_requests_total{route="boom",code="500"} 2');
  });

  it("a node mount takes exactly its path, ahead of every route, counted under its name", async () => {
    running = await startSeededServer(miniKb(), []);
    const seen: string[] = [];
    running.server.mountNode({
      path: "/hook",
      route: "hook",
      handler: async (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(202, { "content-length": "2" }).end("ok");
      },
    });
    running.server.mountNode({
      path: "/hook-fails",
      route: "hook_fails",
      handler: async () => {
        throw new Error("boom");
      },
    });
    const hook = await fetch(`${running.base}/hook?x=1`, { method: "POST" });
    expect([hook.status, await hook.text()]).toEqual([202, "ok"]);
    // Not under it, nor a page's path with its name in it: those are the site's.
    expect((await fetch(`${running.base}/hook/more`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
    expect(seen).toEqual(["POST /hook?x=1"]);
    const failed = await fetch(`${running.base}/hook-fails`, { method: "POST" });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: "internal_error",
      message: "the request could not be answered",
    });
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain('isblocked_http_requests_total{route="hook",code="202"} 1');
    expect(text).toContain('isblocked_http_requests_total{route="hook_fails",code="500"} 1');
  });
});

/** One raw HTTP/1.x exchange: what fetch would never send. */
function rawRequest(base: string, request: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += String(chunk);
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("requests fetch would not send", () => {
  it("serves HTTP/1.0 without a Host header; a Host it cannot read is a JSON 400", async () => {
    running = await startSeededServer(miniKb(), []);
    const old = await rawRequest(running.base, "GET /healthz HTTP/1.0\r\n\r\n");
    expect(old).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const bad = await rawRequest(
      running.base,
      "GET /healthz HTTP/1.1\r\nHost: exa mple\r\nConnection: close\r\n\r\n",
    );
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(bad.slice(bad.indexOf("\r\n\r\n") + 4))).toEqual({
      error: "invalid_parameter",
      message: "the request URL cannot be read",
    });
    const text = await (await fetch(`${running.base}/metrics`)).text();
    expect(text).toContain('isblocked_http_requests_total{route="bad_request",code="400"} 1');
  });
});

describe("lifecycle", () => {
  it("listens on a free port and closes with connections still open", async () => {
    const store = await openStore("memory:");
    const server = createWebServer({
      store,
      kb: miniKb(),
      metrics: createMetrics(),
      log: createLogger({ level: "silent" }),
      now: () => NOW,
    });
    const port = await server.listen(0, "127.0.0.1");
    expect(port).toBeGreaterThan(0);
    // A slow client holds a socket for a bounded time.
    expect([server.server.requestTimeout, server.server.headersTimeout]).toEqual([30_000, 15_000]);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { keepalive: true });
    expect(response.status).toBe(200);
    await server.close();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await server.close(); // twice is fine
    await store.close();
  });

  it("rejects when the port is taken", async () => {
    running = await startSeededServer(miniKb(), []);
    const store = await openStore("memory:");
    const second = createWebServer({
      store,
      kb: miniKb(),
      metrics: createMetrics(),
      log: createLogger({ level: "silent" }),
    });
    const port = Number(new URL(running.base).port);
    await expect(second.listen(port, "127.0.0.1")).rejects.toThrow(/EADDRINUSE/);
    await store.close();
  });
});

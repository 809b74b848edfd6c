import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../core/log.js";
import type { IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { type Store, StoreError } from "../store/types.js";
import { apiError, type Route, type WebDeps, type WebRequest, type WebResponse } from "./http.js";
import { chooseLang, langFromParam } from "./i18n/index.js";
import { apiHistoryRoute } from "./routes/api-history.js";
import { apiStatusRoute } from "./routes/api-status.js";
import { boardRoute } from "./routes/board.js";
import { chartPngRoute } from "./routes/chart-png.js";
import { healthRoute, readyRoute } from "./routes/health.js";
import { metricsRoute } from "./routes/metrics.js";
import { errorPage } from "./routes/not-found.js";
import { HttpError } from "./routes/params.js";
import { servicePageRoute } from "./routes/service-page.js";

// The web side of isblocked on node:http, in the same process as the bot: the status board, service
// pages, the JSON API, /metrics and the health checks. Routes are values (web/http.ts); this file parses
// the request, picks the route, and writes what it returns. Mounts let other handlers share the port:
// the Telegram webhook (telegraf's webhookCallback) is one, matched by exact path before any route.

/** A handler in the Express/Connect shape telegraf's `webhookCallback` returns. */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown;

export interface WebMount {
  /** Exact path, e.g. the pathname of WEBHOOK_URL. Any method; `next()` falls through to the routes. */
  path: string;
  handler: MountHandler;
}

export interface WebServerOptions {
  store: Store;
  kb: KnowledgeBase;
  metrics: IsblockedMetrics;
  log: Logger;
  extraRoutes?: readonly WebMount[];
  /** The country the board always shows (DEFAULT_COUNTRY); CN when absent. */
  defaultCountry?: string;
  now?: () => Date;
}

export interface WebServer {
  /** The request listener, for tests or another server. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Starts listening; resolves to the port (useful with port 0). Host defaults to all interfaces. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting and closes open connections. */
  close(): Promise<void>;
  /** Adds a mount after creation, e.g. the webhook once the bot exists. */
  mount(mount: WebMount): void;
  readonly server: Server;
}

export const ROUTES: readonly Route[] = [
  boardRoute,
  servicePageRoute,
  chartPngRoute,
  apiStatusRoute,
  apiHistoryRoute,
  metricsRoute,
  healthRoute,
  readyRoute,
];

const METHODS = new Set(["GET", "HEAD"]);
const isApi = (path: string) => path.startsWith("/api/");

function match(path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    try {
      const params = Object.fromEntries(
        Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v ?? "")]),
      );
      return { route, params };
    } catch {
      return undefined; // a malformed %-escape names nothing we serve
    }
  }
  return undefined;
}

function write(res: ServerResponse, response: WebResponse, extra: Record<string, string> = {}): void {
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  res.writeHead(response.status, { ...response.headers, ...extra, "content-length": String(body.length) });
  res.end(body); // node drops the body itself for HEAD
}

export function createWebServer(options: WebServerOptions): WebServer {
  const deps: WebDeps = {
    store: options.store,
    kb: options.kb,
    metrics: options.metrics,
    log: options.log.child({ component: "web" }),
    now: options.now ?? (() => new Date()),
    defaultCountry: options.defaultCountry ?? "CN",
  };
  const mounts = new Map<string, MountHandler>();
  for (const m of options.extraRoutes ?? []) mounts.set(m.path, m.handler);
  const { log, metrics } = deps;

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, count: (name: string) => void) {
    const path = url.pathname;
    const lang = chooseLang(url.searchParams.get("lang"), req.headers["accept-language"]);
    // Without ?lang= the page depends on Accept-Language, and caches must know it.
    const vary: Record<string, string> = langFromParam(url.searchParams.get("lang"))
      ? {}
      : { vary: "Accept-Language" };
    const found = match(path);
    if (!found) {
      count("not_found");
      write(
        res,
        isApi(path)
          ? apiError(404, { error: "not_found", message: `no endpoint ${path}` })
          : errorPage("notFound", lang, "/", deps.defaultCountry),
        vary,
      );
      return;
    }
    count(found.route.name);
    if (!METHODS.has(req.method ?? "")) {
      write(
        res,
        apiError(405, { error: "method_not_allowed", message: "only GET and HEAD are served here" }),
        {
          allow: "GET, HEAD",
        },
      );
      return;
    }
    const request: WebRequest = {
      method: req.method ?? "GET",
      url,
      params: found.params,
      headers: req.headers,
      lang,
    };
    let response: WebResponse;
    try {
      response = await found.route.handle(request, deps);
    } catch (error) {
      if (error instanceof HttpError) response = error.response;
      else {
        log.error("web request failed", { route: found.route.name, path, error });
        const unavailable = error instanceof StoreError;
        response = isApi(path)
          ? apiError(unavailable ? 503 : 500, {
              error: unavailable ? "unavailable" : "internal_error",
              message: unavailable
                ? "the store did not answer; try again shortly"
                : "the request could not be answered",
            })
          : errorPage("server", lang, path, deps.defaultCountry);
      }
    }
    write(res, response, response.headers["content-type"]?.startsWith("text/html") ? vary : {});
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let routeName = "unmatched";
    const count = (name: string) => {
      routeName = name;
    };
    res.on("finish", () => {
      metrics.httpRequests.labels({ route: routeName, code: String(res.statusCode) }).inc();
    });
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      count("bad_request");
      write(res, apiError(400, { error: "invalid_parameter", message: "the request URL cannot be read" }));
      return;
    }
    const fallThrough = () => {
      route(req, res, url, count).catch((error: unknown) => {
        log.error("web response failed", { error });
        if (!res.headersSent)
          write(res, apiError(500, { error: "internal_error", message: "internal error" }));
        else res.destroy();
      });
    };
    const mounted = mounts.get(url.pathname);
    if (!mounted) return fallThrough();
    count("mount");
    Promise.resolve()
      .then(() => mounted(req, res, fallThrough))
      .catch((error: unknown) => {
        log.error("mounted handler failed", { path: url.pathname, error });
        if (!res.headersSent)
          write(res, apiError(500, { error: "internal_error", message: "internal error" }));
        else res.destroy();
      });
  };

  const server = createServer(handler);
  // A slow client holds a socket for at most this long; the pages and the webhook answer far sooner.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  return {
    handler,
    server,
    mount(m) {
      mounts.set(m.path, m.handler);
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          const address = server.address() as AddressInfo;
          log.info("web server listening", { host: host ?? "*", port: address.port });
          resolve(address.port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

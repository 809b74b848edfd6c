import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, RequestError } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Env, Hono, type Schema } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { TrieRouter } from "hono/router/trie-router";
import type { Logger } from "../core/log.js";
import type { IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { type Store, StoreError } from "../model/store.js";
import { apiError, isApi, type WebDeps, type WebEnv } from "./http.js";
import { apiHistoryRoutes } from "./routes/api-history.js";
import { apiStatusRoutes } from "./routes/api-status.js";
import { boardRoutes } from "./routes/board.js";
import { feedRoutes } from "./routes/feed.js";
import { healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import { errorPage } from "./routes/not-found.js";
import { servicePageRoutes } from "./routes/service-page.js";

// The web side of isblocked on Hono over node:http (@hono/node-server), in the same process as the bot:
// the status board, service pages, the JSON API, /metrics and the health checks, plus what the
// composition root mounts on the same port (the ingest endpoint, the Telegram webhook). Around every
// route, mounted ones too: the request metrics, GET and HEAD only where a page or the API is served
// (405 otherwise), one not-found answer and one error boundary. See web/README.md.

export interface WebMount<E extends Env = Env> {
  /** Where the app's routes are served: its `/` is this path. */
  path: string;
  /** A Hono app, e.g. ingest's `ingestRoutes` or `nodeHandlerRoutes(webhookCallback)`. */
  app: Hono<E, Schema, string>;
  /** The `route` label of its requests in isblocked_http_requests_total. */
  route: string;
}

/**
 * A handler of node's own request and response, served ahead of every route: nothing of Hono is built for
 * its requests. For the one path where that cost shows (the Telegram webhook, answered while a person waits).
 */
export interface WebNodeMount {
  /** The path it serves, exactly (a query string aside). */
  path: string;
  /** Writes the response; a rejection is logged and answered 500 like a route's error. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The `route` label of its requests in isblocked_http_requests_total. */
  route: string;
}

export interface WebServerOptions {
  store: Store;
  kb: KnowledgeBase;
  metrics: IsblockedMetrics;
  log: Logger;
  /** The country the board always shows (DEFAULT_COUNTRY); CN when absent. */
  defaultCountry?: string;
  now?: () => Date;
}

export interface WebServer {
  /** Every route, mounted ones too; `app.request()` answers without a socket. */
  readonly app: Hono<WebEnv>;
  readonly server: Server;
  /** Starts listening; resolves to the port (useful with port 0). Host defaults to all interfaces. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting and closes open connections. */
  close(): Promise<void>;
  /** Serves another app on this port, before or after `listen`: ingest's endpoint. */
  mount<E extends Env>(mount: WebMount<E>): void;
  /** Serves a node handler on this port, before or after `listen`: the webhook once the bot exists. */
  mountNode(mount: WebNodeMount): void;
}

const UNREADABLE_URL = { error: "invalid_parameter", message: "the request URL cannot be read" } as const;

export function createWebServer(options: WebServerOptions): WebServer {
  const deps: WebDeps = {
    store: options.store,
    kb: options.kb,
    metrics: options.metrics,
    log: options.log.child({ component: "web" }),
    now: options.now ?? (() => new Date()),
    defaultCountry: options.defaultCountry ?? "CN",
  };
  const { log, metrics } = deps;
  const count = (route: string, code: number) =>
    metrics.httpRequests.labels({ route, code: String(code) }).inc();

  // The trie router takes routes after the first request too (Hono's default builds its matcher once):
  // the webhook is mounted once the bot exists, with the server already up.
  const app = new Hono<WebEnv>({ router: new TrieRouter() });

  // Request metrics: every request, by the name of the route that answered and the status sent. A
  // response a node handler wrote itself (the webhook) is read from node's response.
  app.use(async (c, next) => {
    await next();
    const outgoing = c.env?.outgoing;
    count(c.get("route") ?? "unmatched", outgoing?.headersSent ? outgoing.statusCode : c.res.status);
  });

  // Pages and the API serve GET and HEAD; another method on their paths is a 405 naming those.
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => {
        c.set("route", "method_not_allowed");
        return apiError(
          405,
          { error: "method_not_allowed", message: "only GET and HEAD are served here" },
          { allow: allowed.join(", ") },
        );
      },
    }),
  );

  for (const routes of [
    boardRoutes,
    servicePageRoutes,
    apiStatusRoutes,
    apiHistoryRoutes,
    feedRoutes,
    metricsRoutes,
    healthRoutes,
  ]) {
    app.route("/", routes(deps));
  }

  app.notFound((c) => {
    c.set("route", "not_found");
    const path = new URL(c.req.url).pathname;
    return isApi(path)
      ? apiError(404, { error: "not_found", message: `no endpoint ${path}` })
      : errorPage(c, "notFound", "/", deps.defaultCountry);
  });

  // The error boundary: a route that throws is logged and answered here, never a crash. Pages get the
  // HTML 500 page; the API and mounted apps JSON, 503 when the store did not answer.
  app.onError((error, c) => {
    const path = new URL(c.req.url).pathname;
    const route = c.get("route") ?? "unmatched";
    log.error("web request failed", { route, path, error });
    const outgoing = c.env?.outgoing;
    if (outgoing?.headersSent) {
      // A node handler failed halfway through its own response: nothing sane can follow it.
      outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    if (c.get("page") ?? !isApi(path)) return errorPage(c, "server", path, deps.defaultCountry);
    const unavailable = error instanceof StoreError;
    return apiError(unavailable ? 503 : 500, {
      error: unavailable ? "unavailable" : "internal_error",
      message: unavailable
        ? "the store did not answer; try again shortly"
        : "the request could not be answered",
    });
  });

  const mount = <E extends Env>({ path, app: mounted, route }: WebMount<E>) => {
    // `/path/*` is the path itself and everything under it.
    app.use(`${path.replace(/\/$/, "")}/*`, async (c, next) => {
      c.set("route", route);
      c.set("page", false);
      await next();
    });
    app.route(path, mounted);
  };

  const honoListener = getRequestListener(app.fetch, {
    // An HTTP/1.0 request may come without a Host header; it is still ours.
    hostname: "localhost",
    // What Hono never sees: a request whose URL or Host cannot be read.
    errorHandler: (error) => {
      if (error instanceof RequestError) {
        count("bad_request", 400);
        return apiError(400, UNREADABLE_URL);
      }
      log.error("web response failed", { error });
      count("unmatched", 500);
      return apiError(500, { error: "internal_error", message: "the request could not be answered" });
    },
  });
  const nodeMounts = new Map<string, WebNodeMount>();
  const serveNode = (mounted: WebNodeMount, req: IncomingMessage, res: ServerResponse) => {
    // Counted once the response is written or the connection is gone, whichever comes first.
    let counted = false;
    const countOnce = () => {
      if (!counted) count(mounted.route, res.statusCode);
      counted = true;
    };
    res.once("finish", countOnce).once("close", countOnce);
    mounted.handler(req, res).catch((error: unknown) => {
      log.error("web request failed", { route: mounted.route, path: mounted.path, error });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const failed = apiError(500, { error: "internal_error", message: "the request could not be answered" });
      void failed.text().then((body) => {
        res.writeHead(failed.status, Object.fromEntries(failed.headers)).end(body);
      });
    });
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const mounted = nodeMounts.size > 0 ? nodeMounts.get(pathOf(req.url)) : undefined;
    if (mounted) serveNode(mounted, req, res);
    else void honoListener(req, res);
  };
  // A slow client holds a socket for at most this long; the pages and the webhook answer far sooner.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, listener);

  return {
    app,
    server,
    mount,
    mountNode(mounted) {
      nodeMounts.set(mounted.path, mounted);
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

/** The path of a request's URL, without its query string. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return "";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

import { once } from "node:events";
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";

// HTTP on loopback: normal pages, blockpages, redirect chains (long ones and broken Locations) and a
// 1-byte-per-second trickle, routed by path and decided per connecting address, so that a censor in
// front of one vantage can serve a blockpage while the control gets the page. The same handler serves
// HTTPS when given to startTlsServer.

export type HttpRoute =
  | { kind: "page"; status?: number; title?: string; body?: string; headers?: Record<string, string> }
  | { kind: "blockpage" }
  | { kind: "redirect"; location: string; status?: number }
  /** The body one byte at a time, every `intervalMs` (default 1000: one byte per second). */
  | { kind: "trickle"; body: string; intervalMs?: number }
  /** Never answer: the client's headers timeout fires. */
  | { kind: "silent" };

export interface HttpRequestSeen {
  host: string;
  path: string;
  remoteAddress: string;
}

export type HttpRoutes = Record<string, HttpRoute> | ((request: HttpRequestSeen) => HttpRoute | undefined);

/** A lab blockpage in the style of national filters: an iframe pointing at a private address. */
export const BLOCKPAGE_TITLE = "Access to this site is restricted";
export const BLOCKPAGE_HTML = `<html><head><title>${BLOCKPAGE_TITLE}</title></head><body><iframe src="http://10.10.34.34/?type=Invalid%20Site" style="width:100%;height:100%"></iframe></body></html>`;

export const pageHtml = (title: string, text = "") =>
  `<!doctype html><html><head><title>${title}</title></head><body><p>${text}</p></body></html>`;

/** `/hop/N` → `/hop/N-1` → … → `/hop/1` → `final`: a chain of N redirects. */
export function redirectChain(length: number, final = "/final", prefix = "/hop/"): Record<string, HttpRoute> {
  const routes: Record<string, HttpRoute> = {};
  for (let n = length; n >= 1; n--) {
    routes[`${prefix}${n}`] = { kind: "redirect", location: n === 1 ? final : `${prefix}${n - 1}` };
  }
  return routes;
}

function send(route: HttpRoute, res: ServerResponse): void {
  switch (route.kind) {
    case "page": {
      const body = route.body ?? pageHtml(route.title ?? "Lab page", "hello");
      res.writeHead(route.status ?? 200, { "Content-Type": "text/html; charset=utf-8", ...route.headers });
      res.end(body);
      return;
    }
    case "blockpage":
      res.writeHead(403, { "Content-Type": "text/html", Server: "lab-filter" });
      res.end(BLOCKPAGE_HTML);
      return;
    case "redirect":
      res.writeHead(route.status ?? 302, { Location: route.location, "Content-Length": "0" });
      res.end();
      return;
    case "trickle": {
      const bytes = Buffer.from(route.body);
      res.writeHead(200, { "Content-Type": "text/html", "Content-Length": String(bytes.length) });
      res.flushHeaders(); // the head at once, then the body drips
      let sent = 0;
      const timer = setInterval(() => {
        res.write(bytes.subarray(sent, sent + 1));
        if (++sent >= bytes.length) {
          clearInterval(timer);
          res.end();
        }
      }, route.intervalMs ?? 1000);
      res.on("close", () => clearInterval(timer));
      return;
    }
    case "silent":
      return;
  }
}

export function labHttpHandler(routes: HttpRoutes): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const seen: HttpRequestSeen = {
      host: req.headers.host ?? "",
      path: req.url ?? "/",
      remoteAddress: req.socket.remoteAddress ?? "",
    };
    const route = typeof routes === "function" ? routes(seen) : routes[seen.path];
    send(route ?? { kind: "page", status: 404, title: "Not found" }, res);
  };
}

export interface HttpServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  routes: HttpRoutes;
}

export interface LabHttpServer {
  host: string;
  port: number;
  /** Every request received, in order. */
  requests: HttpRequestSeen[];
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<LabHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const requests: HttpRequestSeen[] = [];
  const handler = labHttpHandler((seen) => {
    requests.push(seen);
    return typeof options.routes === "function" ? options.routes(seen) : options.routes[seen.path];
  });
  const server = createServer(handler);
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("HTTP server has no port");
  return {
    host,
    port: address.port,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "../core/log.js";
import type { IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { Store } from "../model/store.js";
import { chooseLang, langFromParam } from "../present/page-i18n/index.js";
import { STYLES_CSP_HASH } from "./views/styles.js";

// What every route shares: its dependencies, Hono's environment, the request's language and the
// responses' headers. Routes build a Response from these; web/server.ts adds nothing but the error
// boundary, the not-found answer and the metrics around them.

export interface WebDeps {
  store: Store;
  kb: KnowledgeBase;
  metrics: IsblockedMetrics;
  log: Logger;
  now: () => Date;
  /** The country the board always shows and the API example asks about (DEFAULT_COUNTRY). */
  defaultCountry: string;
}

/**
 * Hono's environment on this server: node's own request and response (@hono/node-server; the Telegram
 * webhook writes to them), and what the route is called: the `route` label of
 * isblocked_http_requests_total, and whether it serves pages (its errors are an HTML page) or JSON.
 */
export type WebEnv = { Bindings: HttpBindings; Variables: { route: string; page: boolean } };

/** Names the route for the metrics and the error boundary; the first handler of every route. */
export function named(route: string, kind: "page" | "json"): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    c.set("route", route);
    c.set("page", kind === "page");
    await next();
  };
}

export const isApi = (path: string) => path.startsWith("/api/");

/** The page language: ?lang=, else Accept-Language, else English. */
export function pageLang(c: Context): Lang {
  return chooseLang(c.req.query("lang"), c.req.header("accept-language"));
}

/** Pages are built fresh from the store on every request: a cache would show a stale status. */
const NO_CACHE = "no-cache";

// Everything is same-origin and inline styles are allowed by hash only; no script runs on any page.
const HTML_SECURITY = {
  "content-security-policy": `default-src 'none'; style-src ${STYLES_CSP_HASH}; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * A response with its length set, so that HEAD (which Hono answers with GET's headers and no body) tells
 * the length too.
 */
export function respond(
  status: number,
  headers: Record<string, string>,
  body: string | Uint8Array,
): Response {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return new Response(bytes, {
    status,
    headers: { ...headers, "content-length": String(bytes.byteLength) },
  });
}

export function htmlResponse(c: Context, status: number, page: string): Response {
  // Without ?lang= the page depends on Accept-Language, and caches must know it.
  const vary: Record<string, string> = langFromParam(c.req.query("lang")) ? {} : { vary: "Accept-Language" };
  return respond(
    status,
    { "content-type": "text/html; charset=utf-8", "cache-control": NO_CACHE, ...HTML_SECURITY, ...vary },
    page,
  );
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return respond(
    status,
    {
      "content-type": "application/json; charset=utf-8",
      "cache-control": NO_CACHE,
      "x-content-type-options": "nosniff",
      // Public data: other sites and tools may read it from a browser.
      "access-control-allow-origin": "*",
      ...headers,
    },
    `${JSON.stringify(value, null, 2)}\n`,
  );
}

export function textResponse(
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): Response {
  return respond(status, { "content-type": contentType, "cache-control": "no-store" }, text);
}

export interface ApiError {
  error: "invalid_parameter" | "not_found" | "unavailable" | "internal_error" | "method_not_allowed";
  /** The query parameter at fault, when one is. */
  parameter?: string;
  message: string;
}

export function apiError(status: number, error: ApiError, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, error, headers);
}

import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "../core/log.js";
import type { IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { Store } from "../store/types.js";
import { STYLES_CSP_HASH } from "./views/styles.js";

// What a route is: a function from a parsed request to a response value. Routes never touch the socket,
// so each is tested by calling it; web/server.ts writes the response and adds the common headers.

export interface WebDeps {
  store: Store;
  kb: KnowledgeBase;
  metrics: IsblockedMetrics;
  log: Logger;
  now: () => Date;
  /** The country the board always shows and the API example asks about (DEFAULT_COUNTRY). */
  defaultCountry: string;
}

export interface WebRequest {
  method: string;
  url: URL;
  /** Path segments the route's pattern captured, by name, URI-decoded. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** From ?lang=, else Accept-Language, else English. */
  lang: Lang;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface Route {
  /** A short fixed name: the `route` label of isblocked_http_requests_total. */
  name: string;
  pattern: RegExp;
  handle(request: WebRequest, deps: WebDeps): Promise<WebResponse>;
}

/** Pages are built fresh from the store on every request: a cache would show a stale status. */
const NO_CACHE = "no-cache";

// Everything is same-origin and inline styles are allowed by hash only; no script runs on any page.
const HTML_SECURITY = {
  "content-security-policy": `default-src 'none'; style-src ${STYLES_CSP_HASH}; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export function htmlResponse(status: number, page: string): WebResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": NO_CACHE, ...HTML_SECURITY },
    body: page,
  };
}

export function jsonResponse(status: number, value: unknown): WebResponse {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": NO_CACHE,
      "x-content-type-options": "nosniff",
      // Public data: other sites and tools may read it from a browser.
      "access-control-allow-origin": "*",
    },
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

export function textResponse(
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): WebResponse {
  return { status, headers: { "content-type": contentType, "cache-control": "no-store" }, body: text };
}

export interface ApiError {
  error: "invalid_parameter" | "not_found" | "unavailable" | "internal_error" | "method_not_allowed";
  /** The query parameter at fault, when one is. */
  parameter?: string;
  message: string;
}

export function apiError(status: number, error: ApiError): WebResponse {
  return jsonResponse(status, error);
}

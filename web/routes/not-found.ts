import type { Context } from "hono";
import { htmlResponse, pageLang } from "../http.js";
import { renderErrorPage } from "../views/error-page.js";
import { hrefIn, renderPage } from "../views/layout.js";

/** The HTML 404 or 500 page in the visitor's language; its language links lead to `path`. */
export function errorPage(
  c: Context,
  kind: "notFound" | "server",
  path: string,
  apiCountry: string,
): Response {
  const lang = pageLang(c);
  const { title, main } = renderErrorPage(kind, lang);
  const page = renderPage({ lang, title, main, apiCountry, hrefForLang: (l) => hrefIn(path, l) });
  return htmlResponse(c, kind === "notFound" ? 404 : 500, page);
}

import type { Lang } from "../../kb/schema.js";
import { htmlResponse, type WebResponse } from "../http.js";
import { renderErrorPage } from "../views/error-page.js";
import { hrefIn, renderPage } from "../views/layout.js";

/** The HTML 404 or 500 page in the visitor's language. */
export function errorPage(
  kind: "notFound" | "server",
  lang: Lang,
  path: string,
  apiCountry: string,
): WebResponse {
  const { title, main } = renderErrorPage(kind, lang);
  const page = renderPage({ lang, title, main, apiCountry, hrefForLang: (l) => hrefIn(path, l) });
  return htmlResponse(kind === "notFound" ? 404 : 500, page);
}

import type { Lang } from "../../kb/schema.js";
import { html, type SafeHtml } from "../../present/html.js";
import { wt } from "../../present/page-i18n/index.js";
import { hrefIn } from "./layout.js";

/** The body of a 404 or 500 page, with the way back to the board. Pure. */
export function renderErrorPage(kind: "notFound" | "server", lang: Lang): { title: string; main: SafeHtml } {
  const title = wt(lang, kind === "notFound" ? "error.notFound" : "error.server");
  const body = wt(lang, kind === "notFound" ? "error.notFoundBody" : "error.serverBody");
  return {
    title,
    main: html`<h1>${title}</h1>
<p>${body}</p>
<p><a href="${hrefIn("/", lang)}">${wt(lang, "service.back")}</a></p>`,
  };
}

import { createHash } from "node:crypto";
import { DARK, LIGHT, SHOWN_STATUSES, type Theme } from "../../present/palette.js";

// The whole stylesheet, inline in every page: no external assets, so a page works offline and through a
// slow proxy in one request. Logical properties (margin-inline-start, text-align: start) make the same
// rules right for Persian's right-to-left layout.

function themeRules(theme: Theme): string {
  const statusRules = SHOWN_STATUSES.map(
    (s) => `.st-${s}{color:${theme.status[s].fg};background:${theme.status[s].bg}}`,
  ).join("");
  return [
    `body{color:${theme.text};background:${theme.background};--border:${theme.border}}`,
    `a{color:${theme.link}}`,
    `.muted,caption,.tagline{color:${theme.muted}}`,
    `th,td{border-bottom:1px solid ${theme.border}}`,
    `header,footer{background:${theme.surface}}`,
    `.badge{border:1px solid currentColor}`,
    `:focus-visible{outline:3px solid ${theme.link};outline-offset:2px}`,
    statusRules,
  ].join("");
}

export const STYLES = [
  "*{box-sizing:border-box}",
  "html{-webkit-text-size-adjust:100%}",
  "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',Tahoma,sans-serif}",
  "header,main,footer{padding:1rem max(1rem,calc((100% - 60rem)/2))}",
  "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}",
  "h2{font-size:1.25rem;margin:1.75rem 0 .5rem}",
  "h3{font-size:1.05rem;margin:1rem 0 .25rem}",
  ".site{font-weight:700;font-size:1.2rem;margin:0}",
  ".tagline{margin:.25rem 0 .5rem}",
  ".skip{position:absolute;inset-inline-start:-999rem}",
  ".skip:focus{position:static}",
  "nav ul,.counts{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}",
  "nav a{display:inline-block;padding:.35rem 0;min-height:2.75rem;line-height:2rem}",
  "nav a[aria-current]{font-weight:700;text-decoration:none}",
  ".scroll{overflow-x:auto}",
  "table{border-collapse:collapse;width:100%;margin:.5rem 0}",
  "caption{text-align:start;font-size:.95rem;padding:.25rem 0}",
  "th,td{text-align:start;padding:.5rem .6rem .5rem 0;vertical-align:top}",
  "[dir=rtl] th,[dir=rtl] td{padding:.5rem 0 .5rem .6rem}",
  "td a,th a{display:inline-block;min-height:1.5rem}",
  ".badge{display:inline-block;border-radius:.3rem;padding:.05rem .45rem;font-weight:600;white-space:nowrap}",
  ".badge.big{font-size:1.2rem;padding:.2rem .6rem}",
  ".icon{display:inline-block;min-width:1em;text-align:center}",
  ".counts li{white-space:nowrap}",
  ".small{font-size:.875rem;font-weight:400}",
  "figure{margin:1rem 0}",
  "figure svg{width:100%;height:auto;max-width:50rem;display:block}",
  "figcaption{font-size:.95rem}",
  "details{margin:.5rem 0}",
  "summary{cursor:pointer;padding:.35rem 0}",
  ".evidence dd{margin-inline-start:1rem;font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9rem;overflow-wrap:anywhere}",
  "time{white-space:nowrap}",
  ".feed{margin:.25rem 0;font-size:.95rem}",
  ".tally code{overflow-wrap:anywhere}",
  // A phone: each board row is the service and its status on one line, availability and age below it,
  // so four columns never need sideways scrolling. The header row stays for screen readers only.
  "@media (max-width:34rem){.board thead{position:absolute;inset-inline-start:-999rem}.board,.board tbody,.board caption{display:block}.board tr{display:grid;grid-template-columns:minmax(0,1fr) auto;column-gap:.6rem;border-bottom:1px solid var(--border)}.board th,.board td{display:block;border:0;padding:.35rem 0 0}.board td:nth-child(n+3){grid-column:1/-1;padding-top:0;font-size:.9rem}.board tr>:last-child{padding-bottom:.4rem}}",
  "footer{margin-top:2rem;font-size:.95rem}",
  themeRules(LIGHT),
  `@media (prefers-color-scheme:dark){${themeRules(DARK)}}`,
].join("\n");

/** For the Content-Security-Policy: the one inline style the pages carry, by hash, and nothing else. */
export const STYLES_CSP_HASH = `'sha256-${createHash("sha256").update(STYLES).digest("base64")}'`;

import type { HttpResponseRecord } from "../model/measurement.js";
import { responseBodyLength, responseTitle } from "./http-body.js";

// Does the page the probe got look like the page the control got? The comparisons OONI's Web
// Connectivity made popular: status code, body length proportion, title words, uncommon headers. Used
// only for plain-HTTP answers: one that arrives over a valid TLS session is the site's own (rule 4).

/** A body proportion above this is "the same page" (dynamic pages vary by a few percent). */
export const BODY_PROPORTION_MATCH = 0.7;
/** Title words shorter than this are too common ("the", "home") to tell pages apart. */
export const TITLE_WORD_MIN_LENGTH = 5;

/** Headers most servers send, which say nothing about which server answered. */
const COMMON_HEADERS = new Set([
  "date",
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "server",
  "cache-control",
  "vary",
  "set-cookie",
  "location",
  "expires",
  "x-powered-by",
  "last-modified",
  "accept-ranges",
  "pragma",
  "x-frame-options",
  "etag",
  "x-content-type-options",
  "age",
  "via",
  "p3p",
  "x-xss-protection",
  "content-language",
  "strict-transport-security",
  "link",
]);

export type HttpDiffOutcome =
  /** Same page, as far as the comparisons can tell. */
  | "match"
  /** Another page: a different status, or titles with no word in common. */
  | "strong-diff"
  /** Only size and headers differ: dynamic or localised content can do that too. */
  | "weak-diff"
  /** Nothing could be compared. */
  | "unknown";

export interface HttpDiff {
  outcome: HttpDiffOutcome;
  status: boolean | null;
  body: boolean | null;
  title: boolean | null;
  headers: boolean | null;
  /** Short reasons, e.g. "status 503 vs 200", "body 188 vs 1533 bytes". */
  reasons: string[];
}

export function titleWords(title: string | null): Set<string> {
  const words = (title ?? "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w) => [...w].length >= TITLE_WORD_MIN_LENGTH));
}

function uncommonHeaders(response: HttpResponseRecord): Set<string> {
  return new Set(
    Object.keys(response.headers ?? {})
      .map((k) => k.toLowerCase())
      .filter((k) => !COMMON_HEADERS.has(k)),
  );
}

function compareBodies(probe: HttpResponseRecord, control: HttpResponseRecord): [boolean | null, string] {
  const p = responseBodyLength(probe);
  const c = responseBodyLength(control);
  if (p === null || c === null || c < 0) return [null, ""];
  if (probe.body_is_truncated || control.body_is_truncated) {
    // A body cut at the measurer's cap is at least that long: no blockpage is that big, so it matches
    // unless the other side's whole page is shorter than what was received.
    const match = probe.body_is_truncated ? c >= p : p >= c;
    return [match, `body ${p}${probe.body_is_truncated ? "+ (capped)" : ""} vs ${c} bytes`];
  }
  const max = Math.max(p, c);
  if (max === 0) return [true, "both bodies empty"];
  const proportion = Math.min(p, c) / max;
  return [proportion > BODY_PROPORTION_MATCH, `body ${p} vs ${c} bytes`];
}

export function httpDiff(probe: HttpResponseRecord, control: HttpResponseRecord): HttpDiff {
  const reasons: string[] = [];
  const validCode = (code: number) => Number.isInteger(code) && code >= 100;
  const status = validCode(probe.code) && validCode(control.code) ? probe.code === control.code : null;
  if (status === false) reasons.push(`status ${probe.code} vs ${control.code}`);

  const [body, bodyReason] = compareBodies(probe, control);
  if (body === false) reasons.push(bodyReason);

  const pt = titleWords(responseTitle(probe));
  const ct = titleWords(responseTitle(control));
  const title = pt.size > 0 && ct.size > 0 ? [...pt].some((w) => ct.has(w)) : null;
  if (title === false) reasons.push(`title "${responseTitle(probe)}" vs "${responseTitle(control)}"`);

  const ph = uncommonHeaders(probe);
  const ch = uncommonHeaders(control);
  const probeHasHeaders = Object.keys(probe.headers ?? {}).length > 0;
  const headers = ch.size > 0 && probeHasHeaders ? [...ph].some((h) => ch.has(h)) : null;
  if (headers === false) reasons.push("no uncommon header in common");

  let outcome: HttpDiffOutcome;
  if (status === false) outcome = "strong-diff";
  else if (body === true || title === true || headers === true) outcome = "match";
  else if (title === false) outcome = "strong-diff";
  else if (body === false || headers === false) outcome = "weak-diff";
  else outcome = "unknown";
  return { outcome, status, body, title, headers, reasons };
}

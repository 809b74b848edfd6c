import type { Evidence, PageFingerprint } from "../kb/schema.js";
import type { HttpResponseRecord } from "../model/measurement.js";
import { responseBodyText, responseHeader } from "./http-body.js";
import { type Cidr, cidrContains, parseCidr } from "./ip.js";

// The knowledge base's evidence (kb/evidence.yaml) as matchers: is this DNS answer a bogon or a known
// forged address, is this response a known blockpage or a CDN's own bot check. Pure look-ups; the
// compiled form is cached per Evidence object so callers can pass `kb.evidence` every time.

export interface AddressMatch {
  kind: "bogon" | "forged";
  address: string;
  label: string;
  source: string;
}

export interface PageMatch {
  id: string;
  label: string;
  source: string;
  /** Where it matched: `body` or `header <name>`. */
  where: string;
  /** Whose filter serves the page: the state's censor, or one network's own (possibly opt-in) filter. */
  censor: "state" | "network";
}

interface CompiledRange {
  cidr: Cidr;
  label: string;
  source: string;
  country?: string;
}

interface Compiled {
  bogons: CompiledRange[];
  forged: CompiledRange[];
}

const cache = new WeakMap<Evidence, Compiled>();

function compile(evidence: Evidence): Compiled {
  const cached = cache.get(evidence);
  if (cached) return cached;
  const ranges = (list: { cidr: string; label: string; source: string; country?: string }[]) =>
    list.flatMap((e) => {
      const cidr = parseCidr(e.cidr);
      // The schema validated every range; one that still does not parse is skipped, never fatal.
      return cidr
        ? [{ cidr, label: e.label, source: e.source, ...(e.country ? { country: e.country } : {}) }]
        : [];
    });
  // Most specific first, so that 10.10.34.35 names Iran's filter before 10.10.34.0/24 or RFC 1918.
  const bySpecificity = (a: CompiledRange, b: CompiledRange) => b.cidr.prefix - a.cidr.prefix;
  const compiled = {
    bogons: ranges(evidence.bogons).sort(bySpecificity),
    forged: ranges(evidence.forgedAnswers).sort(bySpecificity),
  };
  cache.set(evidence, compiled);
  return compiled;
}

/**
 * Whether a DNS answer is positive evidence by itself: a known forged address of the probe's country
 * (checked first: it names the censor), or a special-purpose address no public service answers with.
 */
export function classifyAddress(
  evidence: Evidence,
  address: string,
  country?: string | null,
): AddressMatch | null {
  const { bogons, forged } = compile(evidence);
  if (country) {
    const hit = forged.find((r) => r.country === country && cidrContains(r.cidr, address));
    if (hit) return { kind: "forged", address, label: hit.label, source: hit.source };
  }
  const bogon = bogons.find((r) => cidrContains(r.cidr, address));
  return bogon ? { kind: "bogon", address, label: bogon.label, source: bogon.source } : null;
}

function matches(fingerprint: PageFingerprint, value: string): boolean {
  const v = value.toLowerCase();
  const p = fingerprint.pattern.toLowerCase();
  if (fingerprint.match === "equals") return v.trim() === p;
  if (fingerprint.match === "prefix") return v.startsWith(p);
  return v.includes(p);
}

function findPage(list: readonly PageFingerprint[], response: HttpResponseRecord): PageMatch | null {
  let body: string | undefined;
  for (const f of list) {
    let value: string | undefined;
    if (f.where === "header") value = responseHeader(response, f.header ?? "");
    else {
      body ??= responseBodyText(response) ?? "";
      value = body;
    }
    if (value !== undefined && value !== "" && matches(f, value)) {
      return {
        id: f.id,
        label: f.label,
        source: f.source,
        where: f.where === "header" ? `header ${f.header}` : "body",
        censor: f.censor,
      };
    }
  }
  return null;
}

/** A known censor's or ISP filter's page (body pattern, or a header such as a redirect's Location). */
export const findBlockpage = (evidence: Evidence, response: HttpResponseRecord): PageMatch | null =>
  findPage(evidence.blockpages, response);

/** A page that differs from the control's but is the site's own CDN asking for a browser check. */
export const findBenignPage = (evidence: Evidence, response: HttpResponseRecord): PageMatch | null =>
  findPage(evidence.benignPages, response);

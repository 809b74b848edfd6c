import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { OoniQuery } from "../model/ooni.js";

// What to ask OONI for one query: a service with an OONI instant-messaging test is measured by that test
// (it probes the app's own endpoints); anything else by web_connectivity of its domains. OONI files a
// web_connectivity measurement under the host of its URL (`www.facebook.com`), so `www.` is asked too.

/** Knowledge-base services that OONI Probe measures with a test of their own. */
export const OONI_IM_TESTS: Readonly<Record<string, string>> = {
  whatsapp: "whatsapp",
  telegram: "telegram",
  signal: "signal",
  "facebook-messenger": "facebook_messenger",
};

/** At most this many domains in one aggregation request. */
const MAX_DOMAINS = 8;

export interface OoniPlan {
  testName: string;
  /** Hosts to filter by (web_connectivity); empty for a test of its own. */
  domains: string[];
}

function withWww(domains: readonly string[]): string[] {
  const hosts = domains.flatMap((d) => (d.startsWith("www.") ? [d, d.slice(4)] : [d, `www.${d}`]));
  return [...new Set(hosts.map((h) => h.toLowerCase()))].slice(0, MAX_DOMAINS);
}

/** The test and domains to ask for, or null when the query names neither a known service nor a domain. */
export function ooniPlan(kb: KnowledgeBase, query: OoniQuery): OoniPlan | null {
  if (query.service) {
    const test = OONI_IM_TESTS[query.service];
    if (test) return { testName: test, domains: [] };
    const service = kb.service(query.service);
    if (service) return { testName: "web_connectivity", domains: withWww(service.domains) };
  }
  if (query.domain) return { testName: "web_connectivity", domains: withWww([query.domain]) };
  return null;
}

/** Which services one OONI test measures, and which of them a listed measurement is of. */
export interface OoniTest {
  name: string;
  services(kb: KnowledgeBase): string[];
  /** The knowledge-base service a listed measurement measured, from its test or its input's host. */
  serviceOf(kb: KnowledgeBase, listed: { input?: string | null | undefined }): string | undefined;
}

const hostOf = (input: string | null | undefined) => {
  try {
    return input ? new URL(input).hostname : "";
  } catch {
    return "";
  }
};

/** What the feed lists for every watched country: web_connectivity, and each instant-messaging test. */
export const OONI_TESTS: readonly OoniTest[] = [
  {
    name: "web_connectivity",
    // A service with a test of its own is measured by that test: its web page alone is not the service.
    services: (kb) => kb.services.map((s) => s.id).filter((id) => OONI_IM_TESTS[id] === undefined),
    serviceOf: (kb, listed) => {
      const id = kb.serviceForHost(hostOf(listed.input));
      return id !== undefined && OONI_IM_TESTS[id] === undefined ? id : undefined;
    },
  },
  ...Object.entries(OONI_IM_TESTS).map(
    ([service, name]): OoniTest => ({ name, services: () => [service], serviceOf: () => service }),
  ),
];

/**
 * The countries the OONI cycle watches unless OONI_COUNTRIES says otherwise: every censoring country the
 * knowledge base records censorship in (an event) or warns about (a legal caution on circumvention).
 */
export function defaultOoniCountries(kb: KnowledgeBase): string[] {
  const withEvents = new Set(kb.events.map((e) => e.country));
  return kb.countries
    .filter((c) => c.role === "censoring" && (withEvents.has(c.code) || c.circumventionRisk !== undefined))
    .map((c) => c.code);
}

/** Every (service, country) the OONI cycle watches: each country × each service some OONI test measures. */
export function ooniTargets(
  kb: KnowledgeBase,
  countries: readonly string[],
  services?: readonly string[],
): { service: string; country: string }[] {
  const measured = new Set(OONI_TESTS.flatMap((test) => test.services(kb)));
  const ids = (services ?? kb.services.map((s) => s.id)).filter((id) => measured.has(id));
  return countries.flatMap((country) => ids.map((service) => ({ service, country })));
}

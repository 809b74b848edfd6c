import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { OoniQuery } from "./types.js";

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

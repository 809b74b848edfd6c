import { IsblockedError } from "../core/errors.js";
import type { AliasTarget, KnowledgeBase } from "./knowledge-base.js";
import type { Service } from "./schema.js";
import { LANGS } from "./schema.js";

export interface KbProblem {
  /** A stable name for the kind of problem, e.g. KbDuplicateAlias. */
  code: string;
  file: string;
  message: string;
}

/** An invalid knowledge base: every problem found, each with its code and file (`kbProblems` as loaded). */
export class KbError extends IsblockedError {
  override name = "KbError";
  constructor(
    readonly kbProblems: KbProblem[],
    options?: ErrorOptions,
  ) {
    super("the knowledge base is invalid", {
      ...options,
      problems: kbProblems.map((p) => ({ where: p.file, message: p.message, code: p.code })),
    });
  }
}

export interface KbFiles {
  services(id: string): string;
  countries: string;
  /** The file the event at this index of `kb.events` came from. */
  events(index: number): string;
}

const describe = (t: AliasTarget) =>
  t.kind === "service"
    ? `service ${t.id}`
    : t.kind === "country"
      ? `country ${t.code}`
      : `region ${t.country}/${t.id}`;
const same = (a: AliasTarget, b: AliasTarget) => describe(a) === describe(b);

/** Rules that span entries and files; each shape was already checked by the schema. */
export function validateKnowledgeBase(kb: KnowledgeBase, files: KbFiles): KbProblem[] {
  const problems: KbProblem[] = [];
  const fileOf = (t: AliasTarget) => (t.kind === "service" ? files.services(t.id) : files.countries);

  const owners = new Map<string, AliasTarget>();
  for (const alias of kb.aliases) {
    const owner = owners.get(alias.key);
    if (owner && !same(owner, alias.target)) {
      problems.push({
        code: "KbDuplicateAlias",
        file: fileOf(alias.target),
        message: `alias "${alias.text}" maps to both ${describe(owner)} and ${describe(alias.target)}`,
      });
    } else owners.set(alias.key, alias.target);
  }

  const domainOwners = new Map<string, string>();
  for (const s of kb.services) {
    for (const d of s.domains) {
      const owner = domainOwners.get(d);
      if (owner && owner !== s.id) {
        problems.push({
          code: "KbDuplicateDomain",
          file: files.services(s.id),
          message: `domain ${d} is listed by both ${owner} and ${s.id}`,
        });
      } else domainOwners.set(d, s.id);
    }
    problems.push(...endpointProblems(s, files.services(s.id)));
    const empty = s.features.filter((f) => f.endpoints.length === 0).map((f) => f.id);
    if (s.features.length === 0 || empty.length > 0) {
      problems.push({
        code: "KbServiceWithoutEndpoints",
        file: files.services(s.id),
        message:
          s.features.length === 0
            ? `service ${s.id} has no features with endpoints`
            : `service ${s.id}: feature ${empty.join(", ")} has no endpoints`,
      });
    }
    for (const alt of s.alternatives) {
      if (!kb.service(alt)) {
        problems.push({
          code: "KbUnknownId",
          file: files.services(s.id),
          message: `alternative ${alt} of ${s.id} is not a known service`,
        });
      }
      if (alt === s.id) {
        problems.push({
          code: "KbUnknownId",
          file: files.services(s.id),
          message: `${s.id} lists itself as an alternative`,
        });
      }
    }
  }

  const codes = new Set<string>();
  for (const c of kb.countries) {
    if (codes.has(c.code)) {
      problems.push({
        code: "KbDuplicateId",
        file: files.countries,
        message: `country ${c.code} is listed twice`,
      });
    }
    codes.add(c.code);
    const regionIds = new Set<string>();
    for (const r of c.regions) {
      if (regionIds.has(r.id)) {
        problems.push({
          code: "KbDuplicateId",
          file: files.countries,
          message: `region ${c.code}/${r.id} is listed twice`,
        });
      }
      regionIds.add(r.id);
    }
  }

  kb.events.forEach((e, index) => {
    const where = `event ${index} (${e.service} ${e.country} ${e.date})`;
    if (!kb.service(e.service)) {
      problems.push({
        code: "KbUnknownId",
        file: files.events(index),
        message: `${where} names unknown service ${e.service}`,
      });
    }
    if (!kb.country(e.country)) {
      problems.push({
        code: "KbUnknownId",
        file: files.events(index),
        message: `${where} names unknown country ${e.country}`,
      });
    }
    for (const r of e.regions ?? []) {
      if (kb.country(e.country) && !kb.region(e.country, r)) {
        problems.push({
          code: "KbUnknownId",
          file: files.events(index),
          message: `${where} names unknown region ${r}`,
        });
      }
    }
    const service = kb.service(e.service);
    for (const f of e.features ?? []) {
      if (service && !service.features.some((sf) => sf.id === f)) {
        problems.push({
          code: "KbUnknownId",
          file: files.events(index),
          message: `${where} names feature ${f} that ${e.service} lacks`,
        });
      }
    }
  });
  return problems;
}

/**
 * Rules `isblocked kb check` adds to loading. The bot itself still starts without them (an answer falls
 * back to English), but a legal caution is shown to people at risk, so each one must be readable in every
 * language the bot speaks.
 */
export function completenessProblems(kb: KnowledgeBase, files: Pick<KbFiles, "countries">): KbProblem[] {
  const problems: KbProblem[] = [];
  for (const c of kb.countries) {
    const text = c.circumventionRisk?.text;
    if (!text) continue;
    for (const lang of LANGS) {
      if (text[lang] === undefined) {
        problems.push({
          code: "KbMissingTranslation",
          file: files.countries,
          message: `the caution (circumventionRisk) of ${c.code} has no ${lang} text`,
        });
      }
    }
  }
  return problems;
}

/** How much of one censoring country the knowledge base covers: reported by `kb check`, never failed on. */
export interface CountryCoverage {
  /** Events in the country's history. */
  events: number;
  /** Of those, events whose summary is written in all five languages. */
  eventsInAllLanguages: number;
  /** Services with at least one event in this country, and those with none. */
  servicesWithEvents: string[];
  servicesWithoutEvents: string[];
  /** Whether a legal caution (circumventionRisk) is set for the country. */
  caution: boolean;
}

/** Coverage of every censoring country, by country code, in the order of kb/countries.yaml. */
export function coverageOf(kb: KnowledgeBase): Record<string, CountryCoverage> {
  const coverage: Record<string, CountryCoverage> = {};
  for (const c of kb.countries) {
    if (c.role !== "censoring") continue;
    const events = kb.events.filter((e) => e.country === c.code);
    const withEvents = new Set(events.map((e) => e.service));
    coverage[c.code] = {
      events: events.length,
      eventsInAllLanguages: events.filter((e) => LANGS.every((lang) => e.summary[lang] !== undefined)).length,
      servicesWithEvents: kb.services.map((s) => s.id).filter((id) => withEvents.has(id)),
      servicesWithoutEvents: kb.services.map((s) => s.id).filter((id) => !withEvents.has(id)),
      caution: c.circumventionRisk !== undefined,
    };
  }
  return coverage;
}

/**
 * A feature's endpoints are alternatives its app falls back across (analysis/README.md), so one that
 * answers makes the feature work. What this can tell is not an alternative:
 * - KbPlainHttpWeb: a browser-facing `web` feature reached over plain HTTP. Browsers use HTTPS; a page on
 *   port 80 answering says nothing about whether the web app works.
 * - KbMixedSchemes: one host in one feature over both http and https: the plain-HTTP copy would vouch for
 *   the HTTPS one.
 * Needed-as-well endpoints of another product (a CDN, link previews) it cannot tell; kb/services comments
 * say where they were split out.
 */
function endpointProblems(service: Service, file: string): KbProblem[] {
  const problems: KbProblem[] = [];
  for (const feature of service.features) {
    const plain = feature.endpoints.filter((e) => e.protocol === "http");
    if (feature.id === "web" && plain.length > 0) {
      problems.push({
        code: "KbPlainHttpWeb",
        file,
        message: `${service.id}: feature web has a plain-HTTP endpoint (${plain.map((e) => `${e.host ?? e.ip}:${e.port}`).join(", ")}); a browser reaches a web app over HTTPS`,
      });
    }
    const secure = new Set(
      feature.endpoints.filter((e) => e.protocol === "https").map((e) => e.host ?? e.ip),
    );
    const mixed = [...new Set(plain.map((e) => e.host ?? e.ip))].filter((h) => secure.has(h));
    if (mixed.length > 0) {
      problems.push({
        code: "KbMixedSchemes",
        file,
        message: `${service.id}: feature ${feature.id} reaches ${mixed.join(", ")} over both http and https; the plain-HTTP endpoint would vouch for the HTTPS one`,
      });
    }
  }
  return problems;
}

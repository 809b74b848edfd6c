import type { AliasTarget, KnowledgeBase } from "./knowledge-base.js";

export interface KbProblem {
  /** A stable name for the kind of problem, e.g. KbDuplicateAlias. */
  code: string;
  file: string;
  message: string;
}

export class KbError extends Error {
  override name = "KbError";
  constructor(
    readonly problems: KbProblem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => `${p.code} ${p.file}: ${p.message}`).join("\n"), options);
  }
}

export interface KbFiles {
  services(id: string): string;
  countries: string;
  events: string;
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
        file: files.events,
        message: `${where} names unknown service ${e.service}`,
      });
    }
    if (!kb.country(e.country)) {
      problems.push({
        code: "KbUnknownId",
        file: files.events,
        message: `${where} names unknown country ${e.country}`,
      });
    }
    for (const r of e.regions ?? []) {
      if (kb.country(e.country) && !kb.region(e.country, r)) {
        problems.push({
          code: "KbUnknownId",
          file: files.events,
          message: `${where} names unknown region ${r}`,
        });
      }
    }
    const service = kb.service(e.service);
    for (const f of e.features ?? []) {
      if (service && !service.features.some((sf) => sf.id === f)) {
        problems.push({
          code: "KbUnknownId",
          file: files.events,
          message: `${where} names feature ${f} that ${e.service} lacks`,
        });
      }
    }
  });
  return problems;
}

import { aliasKey } from "../core/text.js";
import type { Country, Evidence, KbEvent, Lang, Region, Service } from "./schema.js";
import { emptyEvidence, LANGS } from "./schema.js";

export type AliasTarget =
  | { kind: "service"; id: string }
  | { kind: "country"; code: string }
  | { kind: "region"; country: string; id: string };

export interface AliasEntry {
  /** The alias in `aliasKey` form. */
  key: string;
  /** As written in the knowledge base, for suggestions. */
  text: string;
  lang: Lang;
  target: AliasTarget;
}

const CIRCUMVENTION = new Set(["circumvention", "vpn"]);

/** The validated knowledge base with the look-ups the parser, renderer and probes need. */
export class KnowledgeBase {
  readonly serviceById: ReadonlyMap<string, Service>;
  readonly countryByCode: ReadonlyMap<string, Country>;
  readonly aliases: readonly AliasEntry[];
  private readonly domainOwner: ReadonlyMap<string, string>;
  // Sorted and filtered once: every answer asks for the history of a dozen services.
  private readonly eventsByTarget = new Map<string, KbEvent[]>();
  private readonly tools: readonly Service[];

  constructor(
    readonly services: readonly Service[],
    readonly countries: readonly Country[],
    readonly events: readonly KbEvent[],
    /** Forged answers, bogon ranges and page fingerprints the analyzer may use without a control. */
    readonly evidence: Evidence = emptyEvidence(),
  ) {
    this.serviceById = new Map(services.map((s) => [s.id, s]));
    this.countryByCode = new Map(countries.map((c) => [c.code, c]));
    const domains = new Map<string, string>();
    for (const s of services) for (const d of s.domains) if (!domains.has(d)) domains.set(d, s.id);
    this.domainOwner = domains;
    const sorted = [...events].sort((a, b) => a.date.localeCompare(b.date));
    for (const e of sorted) {
      const key = targetKey(e.service, e.country);
      const list = this.eventsByTarget.get(key);
      if (list) list.push(e);
      else this.eventsByTarget.set(key, [e]);
    }
    this.tools = services.filter((s) => CIRCUMVENTION.has(s.category));
    this.aliases = [
      ...services.flatMap((s) => aliasEntries(s.name, s.aliases, { kind: "service", id: s.id }, [s.id])),
      ...countries.flatMap((c) => [
        ...aliasEntries(c.name, c.aliases, { kind: "country", code: c.code }),
        ...c.regions.flatMap((r) =>
          aliasEntries(r.name, r.aliases, { kind: "region", country: c.code, id: r.id }),
        ),
      ]),
    ];
  }

  service(id: string): Service | undefined {
    return this.serviceById.get(id);
  }

  country(code: string): Country | undefined {
    return this.countryByCode.get(code);
  }

  region(countryCode: string, regionId: string): Region | undefined {
    return this.country(countryCode)?.regions.find((r) => r.id === regionId);
  }

  /** The service a host name belongs to, by its most specific listed domain. */
  serviceForHost(host: string): string | undefined {
    const labels = host.toLowerCase().replace(/\.$/, "").split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      const owner = this.domainOwner.get(labels.slice(i).join("."));
      if (owner) return owner;
    }
    return undefined;
  }

  /** Dated history of one service in one country, oldest first. */
  eventsFor(serviceId: string, countryCode: string): KbEvent[] {
    return this.eventsByTarget.get(targetKey(serviceId, countryCode))?.slice() ?? [];
  }

  /** Tools whose purpose is to get around blocking: Tor, Psiphon, VPNs. */
  circumventionTools(): Service[] {
    return this.tools.slice();
  }
}

/** Ids and codes never hold a NUL, so no two targets share a key. */
const targetKey = (serviceId: string, countryCode: string) => `${serviceId}\u0000${countryCode}`;

function aliasEntries(
  name: Record<Lang, string>,
  aliases: Record<Lang, string[]>,
  target: AliasTarget,
  extra: string[] = [],
): AliasEntry[] {
  const seen = new Set<string>();
  const out: AliasEntry[] = [];
  const add = (text: string, lang: Lang) => {
    const key = aliasKey(text);
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    out.push({ key, text, lang, target });
  };
  for (const lang of LANGS) add(name[lang], lang);
  for (const lang of LANGS) for (const a of aliases[lang]) add(a, lang);
  for (const e of extra) add(e, "en");
  return out;
}

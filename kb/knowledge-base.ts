import { aliasKey } from "../core/text.js";
import { type AsnDatabase, asnDatabase } from "./asn.js";
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
  /**
   * Also an everyday word ("line", "signal", 飞机 "aeroplane", تور "tour"): listed in the entry's
   * `aliases.ambiguous`, and read as a name only where the question around it is about the service.
   */
  ambiguous: boolean;
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
  private readonly operatorNetworks: ReadonlyMap<string, ReadonlySet<number>>;
  private readonly hostsOfService: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(
    readonly services: readonly Service[],
    readonly countries: readonly Country[],
    readonly events: readonly KbEvent[],
    /** Forged answers, bogon ranges and page fingerprints the analyzer may use without a control. */
    readonly evidence: Evidence = emptyEvidence(),
    private readonly asnSource: () => AsnDatabase = asnDatabase,
  ) {
    this.operatorNetworks = new Map(services.map((s) => [s.id, new Set(s.asns)]));
    this.hostsOfService = new Map(
      services.map((s) => [
        s.id,
        new Set(s.features.flatMap((f) => f.endpoints.flatMap((e) => (e.host ? [e.host] : [])))),
      ]),
    );
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

  /** The network an address is in, from the bundled IP-to-ASN dataset (read on first use). */
  asnOf(ip: string): number | undefined {
    return this.asn().lookup(ip)?.asn;
  }

  /** The dataset itself, for names of networks ("Chinanet, AS4134"). */
  asn(): AsnDatabase {
    return this.asnSource();
  }

  /** The service's own networks (kb `asns`). */
  operatorAsns(serviceId: string): ReadonlySet<number> {
    return this.operatorNetworks.get(serviceId) ?? EMPTY_SET;
  }

  /** The host names a service's endpoints use: the names it is known to have. */
  serviceHosts(serviceId: string): ReadonlySet<string> {
    return this.hostsOfService.get(serviceId) ?? EMPTY_HOSTS;
  }

  /** Tools whose purpose is to get around blocking: Tor, Psiphon, VPNs. */
  circumventionTools(): Service[] {
    return this.tools.slice();
  }
}

const EMPTY_SET: ReadonlySet<number> = new Set();
const EMPTY_HOSTS: ReadonlySet<string> = new Set();

/** Ids and codes never hold a NUL, so no two targets share a key. */
const targetKey = (serviceId: string, countryCode: string) => `${serviceId}\u0000${countryCode}`;

function aliasEntries(
  name: Record<Lang, string>,
  aliases: Record<Lang, string[]> & { ambiguous?: string[] | undefined },
  target: AliasTarget,
  extra: string[] = [],
): AliasEntry[] {
  const seen = new Set<string>();
  const ambiguous = new Set((aliases.ambiguous ?? []).map(aliasKey));
  const out: AliasEntry[] = [];
  const add = (text: string, lang: Lang) => {
    const key = aliasKey(text);
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    out.push({ key, text, lang, target, ambiguous: ambiguous.has(key) });
  };
  for (const lang of LANGS) add(name[lang], lang);
  for (const lang of LANGS) for (const a of aliases[lang]) add(a, lang);
  for (const e of extra) add(e, "en");
  return out;
}

import { z } from "zod";

// The knowledge base is data: every file under kb/ is checked against these shapes at start-up and by
// `isblocked kb check`. Semantic rules that span files (unique aliases, known ids) live in validate.ts.

export const LANGS = ["en", "zh-Hans", "zh-Hant", "ru", "fa"] as const;
export type Lang = (typeof LANGS)[number];

const nonEmpty = z.string().trim().min(1);

/** A display name in every language the bot speaks. */
export const localizedName = z.strictObject({
  en: nonEmpty,
  "zh-Hans": nonEmpty,
  "zh-Hant": nonEmpty,
  ru: nonEmpty,
  fa: nonEmpty,
});

/** Text whose English form is required and whose translations are optional. */
export const localizedText = z.strictObject({
  en: nonEmpty,
  "zh-Hans": nonEmpty.optional(),
  "zh-Hant": nonEmpty.optional(),
  ru: nonEmpty.optional(),
  fa: nonEmpty.optional(),
});

/** Further words people use for a thing: misspellings, transliterations, short forms. */
export const aliases = z.strictObject({
  en: z.array(nonEmpty).default([]),
  "zh-Hans": z.array(nonEmpty).default([]),
  "zh-Hant": z.array(nonEmpty).default([]),
  ru: z.array(nonEmpty).default([]),
  fa: z.array(nonEmpty).default([]),
  /**
   * Those of the aliases above (or the display names) that are also everyday words: "line", "signal",
   * 飞机 ("aeroplane"), сигнал, تور ("tour"). The parser reads them as this name only where the question
   * around them is about it; optional.
   */
  ambiguous: z.array(nonEmpty).optional(),
});

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lower-case letters, digits and dashes");
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case host name");
const ipv4 = z.ipv4();
const isoDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, "a date as YYYY, YYYY-MM or YYYY-MM-DD (no more precise than known)");

// What the probe engine can measure: a TCP connect, a TLS handshake with SNI, or an HTTP(S) GET.
export const PROTOCOLS = ["tcp", "tls", "http", "https"] as const;

export const endpoint = z
  .strictObject({
    host: hostname.optional(),
    ip: ipv4.optional(),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(PROTOCOLS),
    path: z.string().startsWith("/").optional(),
  })
  .refine((e) => (e.host === undefined) !== (e.ip === undefined), {
    message: "an endpoint names exactly one of host or ip",
  });

export const FEATURES = [
  "text",
  "media",
  "calls",
  "web",
  "registration",
  "app",
  "search",
  "mail",
  "video",
  "bootstrap",
  "bridges",
  "download",
  "api",
  "connect",
] as const;

export const feature = z.strictObject({
  id: z.enum(FEATURES),
  /** Whether the service is of no use without this feature; decides accessible versus partial. */
  essential: z.boolean().default(false),
  endpoints: z.array(endpoint),
});

export const CATEGORIES = [
  "messaging",
  "social",
  "video",
  "search",
  "email",
  "news",
  "reference",
  "developer",
  "vpn",
  "circumvention",
  "productivity",
  "music",
] as const;

export const service = z.strictObject({
  id,
  name: localizedName,
  aliases,
  category: z.enum(CATEGORIES),
  owner: nonEmpty,
  /** ISO 3166-1 alpha-2 of the legal home of the operator. */
  jurisdiction: z.string().regex(/^[A-Z]{2}$/),
  e2ee: z.enum(["yes", "optional", "no"]),
  /**
   * Autonomous systems the operator runs its own addresses in (AS32934 for Meta's services): a DNS answer
   * inside one is the operator's, not a censor's, even without a control. Only networks the operator owns,
   * never a shared CDN's.
   */
  asns: z.array(z.number().int().positive()).default([]),
  /** Registrable domains that belong to the service: a URL on one of them is a question about it. */
  domains: z.array(hostname).min(1),
  features: z.array(feature),
  alternatives: z.array(id).default([]),
  /**
   * For a way around a block (circumvention, vpn): true when it needs a server abroad that the person or
   * someone they trust runs (Outline's access keys); absent: the app connects to its provider's or its
   * volunteers' servers on its own. What matters about such a tool, where encryption says nothing.
   */
  ownServer: z.boolean().optional(),
  /**
   * The service's own Tor onion address, where it runs one: for a news site this, not encryption, is
   * what helps people behind a block. `source` is where the operator (or a list that checks operators'
   * proofs) publishes it.
   */
  onion: z
    .strictObject({
      address: z.string().regex(/^([a-z0-9-]+\.)*[a-z2-7]{56}\.onion$/, "a v3 onion host name"),
      source: z.url({ protocol: /^https?$/ }),
    })
    .optional(),
  notes: localizedText.optional(),
});

export const region = z.strictObject({
  id,
  name: localizedName,
  aliases: aliases.default({ en: [], "zh-Hans": [], "zh-Hant": [], ru: [], fa: [] }),
});

export const country = z.strictObject({
  code: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code"),
  name: localizedName,
  aliases,
  /** `censoring` countries are asked about; `control` countries host uncensored reference vantages. */
  role: z.enum(["censoring", "control"]),
  /**
   * An endpoint that must work from a vantage in this country whenever the vantage itself is online: a
   * large domestic site, never a foreign one a censor might block. A vantage without a canary of its own
   * gets this one; when it fails, the vantage is offline and its results are unknown, never blocked.
   */
  canary: z.strictObject({
    endpoint: z.string().regex(/^(tcp|tls):\/\/[a-z0-9.-]+:\d{1,5}$/, "tcp://host:port or tls://host:port"),
    reason: nonEmpty,
  }),
  /** One line shown beside circumvention tools where using them carries legal risk, with its source. */
  circumventionRisk: z.strictObject({ text: localizedText, source: z.url() }).optional(),
  regions: z.array(region).default([]),
});

export const STATUSES = ["accessible", "partial", "blocked", "outage", "unknown"] as const;

export const event = z.strictObject({
  service: id,
  country: z.string().regex(/^[A-Z]{2}$/),
  date: isoDate,
  /** What the service's status became on that date. */
  status: z.enum(STATUSES),
  features: z.array(z.enum(FEATURES)).optional(),
  regions: z.array(id).optional(),
  /** How the block worked, where the source says (a measured TLS reset, a DNS answer forged, ...). */
  mechanism: z.enum(["dns", "tcp", "tls", "http"]).optional(),
  summary: localizedText,
  source: z.url({ protocol: /^https?$/ }),
});

// Evidence the analyzer may use without a control (DESIGN rule 1): addresses no public service answers
// with, addresses censors are known to inject, and pages that only a censor (or only a CDN) serves.
// Every entry names the public source it was taken from; a fact without a source is not evidence.
const evidenceSource = z.url({ protocol: /^https?$/ });
const countryCode = z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code");

/** One address or a CIDR range, IPv4 or IPv6. */
export const addressOrRange = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: "an IP address or a CIDR range such as 10.0.0.0/8 or fc00::/7",
});

/** A special-purpose range: an answer in it never reaches a public service. */
export const bogonRange = z.strictObject({
  cidr: addressOrRange,
  label: nonEmpty,
  source: evidenceSource,
});

/** An address a national censor is documented to answer with instead of the real one. */
export const forgedAnswer = z.strictObject({
  cidr: addressOrRange,
  /** Only measurements from this country are judged by it: elsewhere the address may be a real host. */
  country: countryCode,
  label: nonEmpty,
  source: evidenceSource,
});

export const PAGE_MATCHES = ["contains", "prefix", "equals"] as const;

/** A pattern in an HTTP response: a blockpage, or (benign) a CDN's own challenge page. */
export const pageFingerprint = z
  .strictObject({
    id,
    country: countryCode.optional(),
    where: z.enum(["body", "header"]),
    /** The header's name, lower case, when `where` is header (`location` for redirects). */
    header: z
      .string()
      .regex(/^[a-z0-9-]+$/, "a lower-case header name")
      .optional(),
    match: z.enum(PAGE_MATCHES),
    pattern: z.string().min(1),
    label: nonEmpty,
    /**
     * Whose filter serves the page: `state`, the national censor or an ISP enforcing its orders; or
     * `network`, a filter of one network that is not the state's (an opt-in family filter, a company's
     * own web filter). A match of the latter tells of that network, not of the country.
     */
    censor: z.enum(["state", "network"]).default("state"),
    source: evidenceSource,
  })
  .refine((f) => (f.where === "header") === (f.header !== undefined), {
    message: "a header fingerprint names its header; a body fingerprint does not",
  });

export const EVIDENCE_LISTS = ["bogons", "forgedAnswers", "blockpages", "benignPages"] as const;

export type BogonRange = z.infer<typeof bogonRange>;
export type ForgedAnswer = z.infer<typeof forgedAnswer>;
export type PageFingerprint = z.infer<typeof pageFingerprint>;
export interface Evidence {
  bogons: BogonRange[];
  forgedAnswers: ForgedAnswer[];
  blockpages: PageFingerprint[];
  /** Pages that differ from the control's but come from the service's own CDN (bot checks). */
  benignPages: PageFingerprint[];
}
/** No evidence at all: what a knowledge base without kb/evidence.yaml has. */
export function emptyEvidence(): Evidence {
  return { bogons: [], forgedAnswers: [], blockpages: [], benignPages: [] };
}

export type Service = z.infer<typeof service>;
export type Feature = z.infer<typeof feature>;
export type Endpoint = z.infer<typeof endpoint>;
export type Country = z.infer<typeof country>;
export type Region = z.infer<typeof region>;
export type KbEvent = z.infer<typeof event>;
export type Localized = z.infer<typeof localizedText>;
export type LocalizedName = z.infer<typeof localizedName>;
export type FeatureId = (typeof FEATURES)[number];
export type Category = (typeof CATEGORIES)[number];

import { readFileSync } from "node:fs";
import { z } from "zod";
import { IsblockedError } from "../core/errors.js";
import { parseYaml } from "../core/yaml.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { DEFAULT_TIMEOUTS, type StageTimeouts, type Vantage } from "../model/measurement.js";

// The vantages file (docs/design.md): where probes run from. YAML or JSON, either a bare list of vantages or
// `{vantages: [...], timeouts: {...}}` when stage timeouts are tuned too.

const ipPort = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, "must be ip:port, e.g. 127.0.0.1:5353");

/**
 * An endpoint URL that must work from this vantage if the vantage itself is online; `off` for none (a
 * closed network of the operator's own, a lab), when the operator knows no endpoint that always answers
 * there. Without one a vantage gets its country's; a vantage that hears nothing back is offline anyway.
 */
const canary = z
  .string()
  .regex(
    /^((tcp|tls|https?):\/\/[^\s/]+|off)$/,
    "must be tcp://host:port, tls://host:port, an http(s) URL, or off",
  );

const vantageSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, _ . -"),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 code")
    .transform((c) => c.toUpperCase()),
  region: z.string().min(1).optional(),
  asn: z.number().int().min(1).max(4_294_967_295).optional(),
  role: z.enum(["probe", "control"]),
  resolver: ipPort.optional(),
  localAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
  canary: canary.optional(),
  /**
   * A DNS-over-HTTPS resolver (RFC 8484 wire format) used instead of `resolver`: for control vantages, so
   * the reference answers cannot be forged on the path.
   */
  doh: z.url({ protocol: /^https?$/, error: "must be an http(s) URL of a DoH resolver" }).optional(),
});

const timeoutsSchema = z.strictObject({
  dns: z.number().int().positive().optional(),
  tcp: z.number().int().positive().optional(),
  tls: z.number().int().positive().optional(),
  httpHeaders: z.number().int().positive().optional(),
  httpBody: z.number().int().positive().optional(),
});

const listSchema = z.array(vantageSchema).min(1, "at least one vantage is needed");
const documentSchema = z.strictObject({ vantages: listSchema, timeouts: timeoutsSchema.optional() });

export type VantageConfig = z.infer<typeof vantageSchema>;

/** A vantage with what the file may add for the cycle: its canary and a DoH resolver. */
export type PlannedVantage = Vantage & { canary?: string; doh?: string };

export interface VantagePlan {
  vantages: PlannedVantage[];
  timeouts: StageTimeouts;
}

export class VantagesFileError extends IsblockedError {
  override name = "VantagesFileError";
  constructor(file: string, problems: { where: string; message: string }[], options?: ErrorOptions) {
    super(`invalid vantages file ${file}`, { ...options, problems });
  }
}

/** Parses a vantages document; throws VantagesFileError naming the file and each problem. */
export function parseVantages(raw: unknown, label: string): VantagePlan {
  // Checked against one shape or the other, not a union, so each problem names its own path.
  const parsed = documentSchema.safeParse(Array.isArray(raw) ? { vantages: raw } : raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      where: i.path.join(".") || "(root)",
      message: i.message,
    }));
    throw new VantagesFileError(label, problems);
  }
  const doc = parsed.data;
  const ids = new Set<string>();
  for (const v of doc.vantages) {
    if (ids.has(v.id)) {
      throw new VantagesFileError(label, [
        { where: "vantages", message: `vantage id ${v.id} is listed twice` },
      ]);
    }
    ids.add(v.id);
  }
  return { vantages: doc.vantages, timeouts: { ...DEFAULT_TIMEOUTS, ...doc.timeouts } };
}

export function loadVantagesFile(path: string): VantagePlan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VantagesFileError(path, [{ where: path, message: (error as Error).message }], { cause: error });
  }
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new VantagesFileError(
      path,
      [{ where: path, message: `not valid ${path.endsWith(".json") ? "JSON" : "YAML"}` }],
      { cause: error },
    );
  }
  return parseVantages(raw, path);
}

/** The id of this host's own vantage when no vantages file lists any. */
export const HOST_VANTAGE_ID = "local";
/** OONI's code for "no country known": what a vantage that claims no country records as `probe_cc`. */
export const NO_COUNTRY = "ZZ";

/** A canary must be reachable from inside the country itself (kb/countries.yaml `canary` says why each is). */
function canaryFor(kb: KnowledgeBase, country: string): string | undefined {
  const own = kb.country(country)?.canary.endpoint;
  if (own) return own;
  // A vantage that claims no country (this host as a control): the canary of an uncensored network.
  return kb.countries.find((c) => c.role === "control")?.canary.endpoint;
}

/**
 * This host as a vantage, when no vantages file lists any. By default it claims no country: it is a
 * control (an uncensored network), never a probe of DEFAULT_COUNTRY, since a bot usually runs outside the
 * firewall and a canary that answers from anywhere cannot prove otherwise. Only `HOST_COUNTRY` makes it a
 * probe vantage of a country, and whoever sets it vouches that this host is there.
 */
export function hostVantage(kb: KnowledgeBase, hostCountry?: string): VantagePlan {
  const country = hostCountry ?? NO_COUNTRY;
  const canary = canaryFor(kb, country);
  return {
    vantages: [
      {
        id: HOST_VANTAGE_ID,
        country,
        role: hostCountry ? "probe" : "control",
        ...(canary ? { canary } : {}),
      },
    ],
    timeouts: DEFAULT_TIMEOUTS,
  };
}

/** Every vantage without a canary of its own gets its country's, so an offline vantage is never a censor. */
export function withCountryCanaries(plan: VantagePlan, kb: KnowledgeBase): VantagePlan {
  return {
    ...plan,
    vantages: plan.vantages.map((v) => {
      if (v.canary === "off") {
        const { canary: _off, ...without } = v;
        return without;
      }
      if (v.canary) return v;
      const canary = canaryFor(kb, v.country);
      return canary ? { ...v, canary } : v;
    }),
  };
}

/** The vantages `start` and `probe` measure from: the file's, else this host's (see hostVantage). */
export function vantagePlan(
  kb: KnowledgeBase,
  options: { file?: string; hostCountry?: string },
): VantagePlan {
  return options.file
    ? withCountryCanaries(loadVantagesFile(options.file), kb)
    : hostVantage(kb, options.hostCountry);
}

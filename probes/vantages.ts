import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseYaml } from "../core/yaml.js";
import { DEFAULT_TIMEOUTS, type StageTimeouts, type Vantage } from "./types.js";

// The vantages file (DESIGN.md): where probes run from. YAML or JSON, either a bare list of vantages or
// `{vantages: [...], timeouts: {...}}` when stage timeouts are tuned too.

const ipPort = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, "must be ip:port, e.g. 127.0.0.1:5353");

/** An endpoint URL that must work from this vantage if the vantage itself is online. */
const canary = z
  .string()
  .regex(/^(tcp|tls|https?):\/\/[^\s/]+/, "must be tcp://host:port, tls://host:port or an http(s) URL");

const vantageSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, _ . -"),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 code")
    .transform((c) => c.toUpperCase()),
  region: z.string().min(1).optional(),
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

export class VantagesFileError extends Error {
  override name = "VantagesFileError";
}

/** Parses a vantages document; throws VantagesFileError naming the file and each problem. */
export function parseVantages(raw: unknown, label: string): VantagePlan {
  // Checked against one shape or the other, not a union, so each problem names its own path.
  const parsed = documentSchema.safeParse(Array.isArray(raw) ? { vantages: raw } : raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new VantagesFileError(`${label}: ${problems.join("; ")}`);
  }
  const doc = parsed.data;
  const ids = new Set<string>();
  for (const v of doc.vantages) {
    if (ids.has(v.id)) throw new VantagesFileError(`${label}: vantage id ${v.id} is listed twice`);
    ids.add(v.id);
  }
  return { vantages: doc.vantages, timeouts: { ...DEFAULT_TIMEOUTS, ...doc.timeouts } };
}

export function loadVantagesFile(path: string): VantagePlan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VantagesFileError(`${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new VantagesFileError(`${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"}`, {
      cause: error,
    });
  }
  return parseVantages(raw, path);
}

// A canary must be reachable from inside the country itself, or a censored vantage would look offline:
// a large domestic site where there is one, else a site that answers from almost anywhere.
const DOMESTIC_CANARIES: Record<string, string> = {
  CN: "tls://www.baidu.com:443",
  IR: "tls://www.aparat.com:443",
  RU: "tls://ya.ru:443",
  TR: "tls://www.trendyol.com:443",
};
const DEFAULT_CANARY = "tls://www.wikipedia.org:443";

/**
 * Without a vantages file the bot's own host is the one vantage, in DEFAULT_COUNTRY, and its canary
 * tells whether the host is online at all: when the canary fails its results are unknown, not blocked.
 */
export function localVantage(country: string): VantagePlan {
  return {
    vantages: [{ id: "local", country, role: "probe", canary: DOMESTIC_CANARIES[country] ?? DEFAULT_CANARY }],
    timeouts: DEFAULT_TIMEOUTS,
  };
}

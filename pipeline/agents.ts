import { readFileSync } from "node:fs";
import { z } from "zod";
import { IsblockedError } from "../core/errors.js";
import { parseYaml } from "../core/yaml.js";
import type { Vantage } from "../model/measurement.js";

// The agents registry (AGENTS_FILE): who may push measurements, and as which vantage. The bot stamps
// every ingested measurement with the registered identity, so an agent can only speak for itself.
// YAML or JSON: a bare list of agents, or `{agents: [...], staleAfterSeconds}`.

/** A key shorter than this is guessable; 32 characters of a random key are 128+ bits. */
export const MIN_KEY_LENGTH = 32;
/** No report from an agent for this long: its vantage is offline and its results unknown. */
export const DEFAULT_STALE_AFTER_S = 30 * 60;

export interface RegisteredAgent {
  /** Also the vantage id of its measurements. */
  id: string;
  country: string;
  region?: string;
  /** The network it measures from, when registered (AGENTS_FILE `asn`). */
  asn?: number;
  role: Vantage["role"];
  /** The shared HMAC key: a secret, redacted from logs. */
  key: string;
}

export interface AgentRegistry {
  agents: readonly RegisteredAgent[];
  /** How long without a report before an agent counts as offline, and how old a measurement may be. */
  staleAfterMs: number;
  get(id: string): RegisteredAgent | undefined;
  /** Every key, for log redaction. */
  secrets(): string[];
}

/** One problem of the agents file, by path inside it: `agents.2.key`. */
export interface AgentsFileProblem {
  path: string;
  message: string;
}

export class AgentsFileError extends IsblockedError {
  override name = "AgentsFileError";
  constructor(
    readonly file: string,
    agentProblems: AgentsFileProblem[],
    options?: ErrorOptions,
  ) {
    super(`invalid agents file ${file}`, {
      ...options,
      problems: agentProblems.map((p) => ({ where: p.path, message: p.message })),
    });
  }
}

const agentSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "1-64 of letters, digits, _ . - (a letter or digit first)"),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 code")
      .transform((c) => c.toUpperCase()),
    region: z.string().min(1).max(100).optional(),
    asn: z.number().int().min(1).max(4_294_967_295).optional(),
    role: z.enum(["probe", "control"]),
    key: z.string().min(MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} characters`).optional(),
    keyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable")
      .optional(),
  })
  .refine((a) => (a.key === undefined) !== (a.keyEnv === undefined), {
    message: "give exactly one of key and keyEnv",
  });

const listSchema = z.array(agentSchema).min(1, "at least one agent is needed");
const documentSchema = z.strictObject({
  agents: listSchema,
  staleAfterSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .optional(),
});

/** Checks a parsed agents document; keys named by `keyEnv` are read from `env`. */
export function parseAgents(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): AgentRegistry {
  const parsed = documentSchema.safeParse(Array.isArray(raw) ? { agents: raw } : raw);
  if (!parsed.success) {
    throw new AgentsFileError(
      file,
      parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
    );
  }
  const problems: AgentsFileProblem[] = [];
  const agents: RegisteredAgent[] = [];
  const byId = new Map<string, RegisteredAgent>();
  const keys = new Set<string>();
  parsed.data.agents.forEach((entry, i) => {
    const key = entry.key ?? env[entry.keyEnv ?? ""];
    if (key === undefined || key.length < MIN_KEY_LENGTH) {
      // Names the variable, never its value.
      problems.push({
        path: `agents.${i}.keyEnv`,
        message: `${entry.keyEnv} must be set to a key of at least ${MIN_KEY_LENGTH} characters`,
      });
      return;
    }
    if (byId.has(entry.id)) problems.push({ path: `agents.${i}.id`, message: `${entry.id} is listed twice` });
    // One key per agent: a shared key would let one agent sign as another.
    if (keys.has(key)) problems.push({ path: `agents.${i}.key`, message: "is the key of another agent" });
    keys.add(key);
    const agent: RegisteredAgent = {
      id: entry.id,
      country: entry.country,
      role: entry.role,
      key,
      ...(entry.region !== undefined ? { region: entry.region } : {}),
      ...(entry.asn !== undefined ? { asn: entry.asn } : {}),
    };
    byId.set(agent.id, agent);
    agents.push(agent);
  });
  if (problems.length > 0) throw new AgentsFileError(file, problems);
  return {
    agents,
    staleAfterMs: (parsed.data.staleAfterSeconds ?? DEFAULT_STALE_AFTER_S) * 1000,
    get: (id) => byId.get(id),
    secrets: () => [...keys],
  };
}

export function loadAgentsFile(file: string, env: NodeJS.ProcessEnv = process.env): AgentRegistry {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new AgentsFileError(file, [{ path: "(file)", message: (error as Error).message }], {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch {
    // No cause: a parser's message quotes the offending line, which may hold a key.
    const format = file.endsWith(".json") ? "JSON" : "YAML";
    throw new AgentsFileError(file, [{ path: "(file)", message: `not valid ${format}` }]);
  }
  return parseAgents(raw, file, env);
}

/** The vantage an agent's measurements are stamped with. */
export function vantageOf(agent: RegisteredAgent): Vantage {
  return {
    id: agent.id,
    country: agent.country,
    role: agent.role,
    ...(agent.region !== undefined ? { region: agent.region } : {}),
    ...(agent.asn !== undefined ? { asn: agent.asn } : {}),
  };
}

import { z } from "zod";
import { parseEnv, sharedAgentEnv } from "../core/config.js";
import type { LogLevel } from "../core/log.js";
import { MIN_KEY_LENGTH } from "../pipeline/agents.js";

// `isblocked agent`'s own configuration, from the environment, validated before anything runs: a bad
// value is a ConfigError naming the variable, as for `isblocked start`. AGENT_KEY is never echoed.

export interface AgentConfig {
  agentId: string;
  agentKey: string;
  /** How its one vantage measures (resolver, canary, time-outs); where it is comes from its registration. */
  vantagesFile: string | undefined;
  probeSchedule: string;
  outboxDir: string;
  logLevel: LogLevel;
}

export const DEFAULT_OUTBOX = "./data/agent-outbox";

const env = sharedAgentEnv.extend({
  AGENT_ID: z
    .string({ error: "is required: the id this agent is registered with at the bot" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 of letters, digits, _ . -"),
  AGENT_KEY: z
    .string({ error: "is required: the key this agent is registered with at the bot" })
    .min(MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} characters`),
  AGENT_OUTBOX: z.string().default(DEFAULT_OUTBOX),
});

export function loadAgentConfig(source: NodeJS.ProcessEnv = process.env): AgentConfig {
  const e = parseEnv(env, source);
  return {
    agentId: e.AGENT_ID,
    agentKey: e.AGENT_KEY,
    vantagesFile: e.VANTAGES_FILE,
    probeSchedule: e.PROBE_SCHEDULE,
    outboxDir: e.AGENT_OUTBOX,
    logLevel: e.LOG_LEVEL,
  };
}

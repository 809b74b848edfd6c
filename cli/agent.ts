import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../core/config.js";
import { createLogger } from "../core/log.js";
import { createAgent, DEFAULT_AGENT_CONCURRENCY } from "../ingest/agent.js";
import { loadAgentConfig } from "../ingest/agent-config.js";
import { Outbox } from "../ingest/outbox.js";
import { fetchRegistration, type Registration } from "../ingest/push.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { DEFAULT_TIMEOUTS } from "../model/measurement.js";
import { loadVantagesFile, NO_COUNTRY, type VantagePlan, withCountryCanaries } from "../pipeline/vantages.js";
import { measurerOn } from "../probes/endpoint.js";
import { realNetwork } from "../probes/network.js";
import { startScheduler } from "../scheduler/scheduler.js";
import { type Io, UsageError } from "./io.js";
import { concurrencyOption, servicesOption } from "./options.js";

/**
 * `isblocked agent --ingest URL [--once] [--service id,...]`: a remote vantage (ingest/README.md). Runs
 * probe cycles on PROBE_SCHEDULE, keeps each batch in AGENT_OUTBOX and pushes the outbox to the bot.
 * With --once: one cycle, one flush, exit 0 when everything was delivered, 1 when some batch waits.
 */
export async function runAgent(args: string[], _io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ingest: { type: "string" },
      once: { type: "boolean" },
      service: { type: "string" },
      concurrency: { type: "string" },
    },
    strict: true,
  });
  const url = ingestUrl(values.ingest);
  const config = loadAgentConfig();
  const log = createLogger({ level: config.logLevel, secrets: [config.agentKey] }).child({
    component: "agent",
    agent: config.agentId,
  });
  const kb = loadKnowledgeBase();
  const services = servicesOption(kb, values.service);
  const file = config.vantagesFile ? loadVantagesFile(config.vantagesFile) : undefined;
  if (file && file.vantages.length !== 1) {
    throw new ConfigError([
      { variable: "VANTAGES_FILE", message: "an agent measures from one vantage: list exactly one" },
    ]);
  }
  const concurrency = concurrencyOption(values.concurrency, DEFAULT_AGENT_CONCURRENCY);
  const outbox = new Outbox(config.outboxDir);
  await outbox.open();
  const target = { url, agentId: config.agentId, key: config.agentKey };
  const registration = await learnRegistration(
    () => fetchRegistration(target, log),
    join(config.outboxDir, REGISTRATION_FILE),
  );
  if (registration) log.info("registered as", { ...registration });
  else log.warn("registration unknown (bot unreachable): measuring with no country and no country canary");
  const plan = agentPlan(kb, config.agentId, registration, file);
  const agent = createAgent({
    kb,
    plan,
    measure: measurerOn(realNetwork),
    outbox,
    target,
    log,
    ...(services ? { services } : {}),
    concurrency,
  });
  log.info("agent starting", { ingest: url, outbox: config.outboxDir, schedule: config.probeSchedule });

  if (values.once) {
    // Whatever an earlier run left goes first, so the bot receives batches in the order measured.
    await agent.measure();
    const report = await agent.flush();
    log.info("agent done", { ...report });
    return report.remaining === 0 ? 0 : 1;
  }

  const pushing = agent.pushLoop();
  const scheduler = startScheduler({
    schedule: config.probeSchedule,
    log,
    runCycle: async (signal) => {
      await agent.measure(signal);
      agent.kick();
    },
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log.info("agent stopping", { reason: signal });
  agent.stop();
  await Promise.all([scheduler.stop(), pushing]);
  log.info("agent stopped");
  return 0;
}

function ingestUrl(value: string | undefined): string {
  if (value === undefined)
    throw new UsageError("agent needs --ingest URL, e.g. https://bot.example/api/v1/ingest");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--ingest ${value} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UsageError("--ingest must be an http:// or https:// URL");
  return url.toString();
}

/** The registration the bot last told this agent, kept beside the outbox for a start with the bot away. */
const REGISTRATION_FILE = "registration.json";

async function learnRegistration(
  ask: () => Promise<Registration | undefined>,
  cache: string,
): Promise<Registration | undefined> {
  const fresh = await ask();
  if (fresh) {
    await writeFile(cache, `${JSON.stringify(fresh)}\n`).catch(() => undefined);
    return fresh;
  }
  try {
    return JSON.parse(await readFile(cache, "utf8")) as Registration;
  } catch {
    return undefined;
  }
}

/**
 * The agent's one vantage: its country and role are its registration's, never DEFAULT_COUNTRY. A vantages
 * file may set how it measures (resolver, source address, canary, time-outs), not where it is.
 */
function agentPlan(
  kb: KnowledgeBase,
  agentId: string,
  registration: Registration | undefined,
  file: VantagePlan | undefined,
): VantagePlan {
  const own = file?.vantages[0];
  const vantage = {
    ...own,
    id: agentId,
    country: registration?.country ?? NO_COUNTRY,
    role: registration?.role ?? own?.role ?? ("probe" as const),
    ...(registration?.region ? { region: registration.region } : {}),
  };
  const plan = { vantages: [vantage], timeouts: file?.timeouts ?? DEFAULT_TIMEOUTS };
  // Without a registration there is no country, so no country canary: the bot judges it as unknown-country.
  return registration ? withCountryCanaries(plan, kb) : plan;
}

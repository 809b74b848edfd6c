import { mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { type Config, ConfigError, loadConfig, secretsOf } from "../core/config.js";
import { messageOf } from "../core/errors.js";
import { createLogger, type Logger } from "../core/log.js";
import { createMetrics, type IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import type { Store } from "../model/store.js";
import { type ClosableOoniSource, createOoniSource } from "../ooni/source.js";
import { type AgentRegistry, loadAgentsFile } from "../pipeline/agents.js";
import type { MeasureEndpoint } from "../pipeline/measure.js";
import { measurerOn } from "../probes/endpoint.js";
import { realNetwork } from "../probes/network.js";
import { openStore, parseStoreUrl } from "../store/open.js";

/** What every command needs, validated in this order: config, knowledge base, then the store. */
export interface App {
  config: Config;
  log: Logger;
  kb: KnowledgeBase;
  store: Store;
  /** Counters and histograms served at /metrics. */
  metrics: IsblockedMetrics;
  /** OONI's public measurements (disabled when OONI_API_URL=off); close() before the store. */
  ooni: ClosableOoniSource;
  /** Remote agents registered in AGENTS_FILE; undefined: no ingest endpoint, no remote vantages. */
  agents: AgentRegistry | undefined;
  /** How this host measures an endpoint: the probes on the real network. */
  measure: MeasureEndpoint;
}

export interface OpenAppOptions {
  /**
   * A file for the logs instead of stderr, decided once the config is read (`start` in console mode, where
   * stderr is the chat's terminal); undefined: stderr.
   */
  logFile?: (config: Config) => string | undefined;
}

export async function openApp(
  env: NodeJS.ProcessEnv = process.env,
  options: OpenAppOptions = {},
): Promise<App> {
  const config = loadConfig(env);
  // The agents' keys are secrets from the first log line on: the registry loads before the logger.
  const agents = config.agentsFile ? loadAgentsFile(config.agentsFile, env) : undefined;
  const logFile = options.logFile?.(config);
  const log = createLogger({
    level: config.logLevel,
    secrets: secretsOf(config, agents?.secrets()),
    ...(logFile ? { write: appendLines(logFile) } : {}),
  });
  // The build's parsed snapshot of kb/ where it matches the YAML: validated all the same, parsed faster.
  const kb = loadKnowledgeBase(undefined, { snapshot: true });
  if (!kb.country(config.defaultCountry)) {
    throw new ConfigError([
      { variable: "DEFAULT_COUNTRY", message: `${config.defaultCountry} is not in the knowledge base` },
    ]);
  }
  if (config.hostCountry && !kb.country(config.hostCountry)) {
    throw new ConfigError([
      { variable: "HOST_COUNTRY", message: `${config.hostCountry} is not in the knowledge base` },
    ]);
  }
  const unknownServices = (config.probeServices ?? []).filter((id) => !kb.service(id));
  if (unknownServices.length > 0) {
    throw new ConfigError([
      { variable: "PROBE_SERVICES", message: `${unknownServices.join(", ")} not in the knowledge base` },
    ]);
  }
  const unknownOoni = (config.ooniCountries ?? []).filter((code) => kb.country(code)?.role !== "censoring");
  if (unknownOoni.length > 0) {
    throw new ConfigError([
      {
        variable: "OONI_COUNTRIES",
        message: `${unknownOoni.join(", ")} not a censoring country of the knowledge base`,
      },
    ]);
  }
  const store = await openStore(config.storeUrl, {
    ...(config.storeNamespace ? { namespace: config.storeNamespace } : {}),
    // Connection trouble outside any call (Redis going away, coming back); calls themselves reject.
    onError: (error) => log.error("store unavailable", { store: parseStoreUrl(config.storeUrl).kind, error }),
    onRecover: () => log.info("store available again", { store: parseStoreUrl(config.storeUrl).kind }),
  });
  const ooni = createOoniSource({ baseUrl: config.ooniApiUrl, ttlMs: config.ooniCacheMs, store, log, kb });
  return { config, log, kb, store, metrics: createMetrics(), ooni, agents, measure: measurerOn(realNetwork) };
}

/**
 * Writes each log line to the end of `path` (its folder created), synchronously: a line logged just before
 * a crash is in the file. A file that cannot be opened is a configuration error, named.
 */
function appendLines(path: string): (line: string) => void {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, "a", 0o640);
  } catch (error) {
    throw new ConfigError([{ variable: "log file", message: `cannot write ${path}: ${messageOf(error)}` }], {
      cause: error,
    });
  }
  return (line) => {
    writeSync(fd, `${line}\n`);
  };
}

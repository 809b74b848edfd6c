import { type Config, ConfigError, loadConfig, secretsOf } from "../core/config.js";
import { createLogger, type Logger } from "../core/log.js";
import { createMetrics, type IsblockedMetrics } from "../core/metrics.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";

/** What every command needs, validated in this order: config, knowledge base, then the store. */
export interface App {
  config: Config;
  log: Logger;
  kb: KnowledgeBase;
  store: Store;
  /** Counters and histograms served at /metrics. */
  metrics: IsblockedMetrics;
}

export async function openApp(env: NodeJS.ProcessEnv = process.env): Promise<App> {
  const config = loadConfig(env);
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const kb = loadKnowledgeBase();
  if (!kb.country(config.defaultCountry)) {
    throw new ConfigError([
      { variable: "DEFAULT_COUNTRY", message: `${config.defaultCountry} is not in the knowledge base` },
    ]);
  }
  const store = await openStore(config.storeUrl);
  return { config, log, kb, store, metrics: createMetrics() };
}

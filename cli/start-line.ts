import type { Config } from "../core/config.js";
import type { Vantage } from "../model/measurement.js";
import { redactPassword } from "../store/kv/redis-url.js";

// The one line `start` says about itself: how people reach the bot, where its data is, where the page is,
// and where its statuses come from. On the console it is the first line a person reads; with Telegram it
// is the first log line.

export type StartMode = "console" | "telegram-polling" | "telegram-webhook";

export interface StartSummary {
  mode: StartMode;
  /** STORE_URL as configured, with a Redis password hidden. */
  store: string;
  /** Where the status page is served. */
  page: string;
  /** Where statuses come from, first to last as the line names them. */
  sources: string[];
  /** Where the logs go when not to stderr (console mode). */
  logFile?: string;
}

const MODE_WORDS: Record<StartMode, string> = {
  console: "console chat",
  "telegram-polling": "Telegram bot (long polling)",
  "telegram-webhook": "Telegram bot (webhook)",
};

/** What statuses rest on: own vantages, agents, OONI, and the knowledge base's history always. */
export function sourcesOf(
  config: Pick<Config, "ooniApiUrl" | "ooniSchedule">,
  vantages: readonly Pick<Vantage, "role" | "country">[],
  agents: number,
): string[] {
  const probes = vantages.filter((v) => v.role === "probe");
  const countries = [...new Set(probes.map((v) => v.country))].sort();
  return [
    ...(probes.length > 0
      ? [`${probes.length} probe vantage${probes.length === 1 ? "" : "s"} (${countries.join(", ")})`]
      : []),
    ...(agents > 0 ? [`${agents} remote agent${agents === 1 ? "" : "s"}`] : []),
    ...(config.ooniApiUrl === undefined
      ? []
      : [
          config.ooniSchedule === "off"
            ? "OONI's public measurements (while answering)"
            : `OONI's public measurements (schedule ${config.ooniSchedule})`,
        ]),
    "the knowledge base's history",
  ];
}

export function summaryOf(
  mode: StartMode,
  storeUrl: string,
  port: number,
  sources: string[],
  logFile?: string,
): StartSummary {
  return {
    mode,
    store: redactPassword(storeUrl),
    page: `http://127.0.0.1:${port}/`,
    sources,
    ...(logFile ? { logFile } : {}),
  };
}

/** "isblocked: console chat · store … · page … · sources: … · logs in …", one line. */
export function startLine(summary: StartSummary): string {
  return [
    `isblocked: ${MODE_WORDS[summary.mode]}`,
    `store ${summary.store}`,
    `page ${summary.page}`,
    `sources: ${summary.sources.join(", ")}`,
    ...(summary.logFile ? [`logs in ${summary.logFile}`] : []),
  ].join(" · ");
}

import type { StatusChange } from "../analysis/status-engine.js";
import { createOoniApi } from "../ooni/api.js";
import { createOoniFeed } from "../ooni/feed.js";
import { defaultOoniCountries, ooniTargets } from "../ooni/plan.js";
import { createRateLimiter } from "../ooni/request-budget.js";
import { runFeedCycle } from "../pipeline/readings.js";
import { storeRunCoordinator } from "../scheduler/run-coordinator.js";
import { type Scheduler, startScheduler } from "../scheduler/scheduler.js";
import type { App } from "./app.js";

// OONI's public measurements as a vantage (ooni/README.md, "The feed"), wired for `start`: its own
// schedule (OONI_SCHEDULE), its slots claimed once across replicas like the probe cycle's, its requests
// paced (OONI_RATE) and capped per cycle (OONI_BUDGET), its readings confirmed by the one pipeline.

/** Per request: a listing of a busy country can take OONI several seconds. */
const REQUEST_TIMEOUT_MS = 30_000;
/** A short burst, then the pace: OONI asks for restraint, and the cycle has the hour. */
const BURST = 3;

export interface OoniCycle {
  scheduler: Scheduler;
  /** Aborts requests in flight; the scheduler's stop() then settles at once. */
  close(): void;
}

/** Starts the OONI cycle, or returns undefined when OONI_SCHEDULE or OONI_API_URL is off. */
export function startOoniCycle(
  app: Pick<App, "config" | "kb" | "store" | "log">,
  options: { onChange: (change: StatusChange) => void },
): OoniCycle | undefined {
  const { config, kb, store } = app;
  if (config.ooniSchedule === "off" || config.ooniApiUrl === undefined) return undefined;
  const log = app.log.child({ feed: "ooni" });
  const countries = config.ooniCountries ?? defaultOoniCountries(kb);
  const watched = ooniTargets(kb, countries, config.probeServices);
  const closing = new AbortController();
  const feed = createOoniFeed({
    api: createOoniApi({
      baseUrl: config.ooniApiUrl,
      fetch,
      now: Date.now,
      timeoutMs: REQUEST_TIMEOUT_MS,
      signal: closing.signal,
      limiter: createRateLimiter({
        capacity: BURST,
        refillPerSecond: config.ooniRatePerMinute / 60,
        now: Date.now,
      }),
    }),
    kb,
    log,
    countries,
    ...(config.probeServices ? { services: config.probeServices } : {}),
    budget: config.ooniBudget,
  });
  log.info("OONI cycle watching", {
    countries: countries.length,
    pairs: watched.length,
    schedule: config.ooniSchedule,
    budget: config.ooniBudget,
    ratePerMinute: config.ooniRatePerMinute,
  });
  const scheduler = startScheduler({
    name: "ooni-cycle",
    schedule: config.ooniSchedule,
    log,
    coordinator: storeRunCoordinator(store),
    runCycle: async (signal) => {
      const { collection, changes } = await runFeedCycle(feed, watched, {
        kb,
        store,
        threshold: config.statusThreshold,
        // Hours apart: a pair's first status comes from its first cycle (analysis/status-engine.ts).
        firstThreshold: 1,
        log,
        onChange: options.onChange,
        signal,
      });
      log.info("OONI cycle done", {
        requests: collection.requests,
        pairsListed: collection.pairsListed,
        pairsRead: collection.pairsRead,
        incomplete: collection.incomplete,
        changes: changes.length,
      });
    },
  });
  return { scheduler, close: () => closing.abort(new Error("OONI cycle closed")) };
}

import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { FRESH_FOR_MS } from "../analysis/readings.js";
import { DEFAULT_OONI_BUDGET } from "../core/config.js";
import { createLogger } from "../core/log.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { haveBulkTemplates, OONI_RAW_DIR } from "../lab/ooni-api-server.js";
import type { Target } from "../model/status.js";
import { createOoniApi } from "../ooni/api.js";
import { createOoniFeed } from "../ooni/feed.js";
import { defaultOoniCountries, OONI_TESTS, ooniTargets } from "../ooni/plan.js";
import { createRateLimiter } from "../ooni/request-budget.js";
import { runFeedCycle } from "../pipeline/readings.js";
import { openStore } from "../store/open.js";
import type { OoniServerLog, OoniServerReady, OoniServerWorkerData } from "./ooni-server-worker.js";
import type { Figure } from "./probe-cycle.js";

// One OONI cycle as `isblocked start` runs it (cli/ooni-cycle.ts: the feed, the API client, the default
// budget, every watched pair, first status from the first cycle, a SQLite store) against a loopback OONI
// holding 50,000 measurements built from real ones (lab/ooni-api-server.ts `syntheticBulk`): every
// censoring country × every service an OONI test measures × three to six networks, over the last 48 h.
// The server runs on a thread of this process and the cycle in a child process of its own, so the RSS
// measured is the cycle's and its store's. Requests are not paced (OONI_RATE spreads them over half an
// hour in production): the figures are what one cycle costs, and what it leaves without a status.
// Without ../shared/data (a fresh clone) it prints a note and gives no figures.

export interface OoniCycleBenchOptions {
  measurements: number;
  hours: number;
  /** OONI_BUDGET. */
  budget: number;
}

export const DEFAULT_OONI_CYCLE_BENCH: OoniCycleBenchOptions = {
  measurements: 50_000,
  hours: 48,
  budget: DEFAULT_OONI_BUDGET,
};

/** The defaults, with OONI_BENCH_BUDGET to see what another budget would leave. */
export function ooniCycleOptions(env: NodeJS.ProcessEnv = process.env): OoniCycleBenchOptions {
  const budget = Number(env.OONI_BENCH_BUDGET);
  return {
    ...DEFAULT_OONI_CYCLE_BENCH,
    ...(Number.isInteger(budget) && budget > 0 ? { budget } : {}),
  };
}

interface CycleRequest {
  url: string;
  /** The pairs the server has measurements of. */
  pairs: Target[];
  budget: number;
}

interface CycleReport {
  watched: number;
  listings: number;
  requests: number;
  pairsListed: number;
  pairsRead: number;
  incomplete: boolean;
  changes: number;
  seconds: number;
  /** Knowledge base loaded and store open, before the cycle. */
  baselineRssMb: number;
  sampledPeakRssMb: number;
  maxRssMb: number;
  storeMb: number;
  /** Of the request's pairs: how many have a status with a fresh OONI source after the cycle. */
  withOoniStatus: number;
}

const MB = 2 ** 20;
/** As cli/ooni-cycle.ts: a listing of a busy country can take OONI several seconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The measured process: one cycle, then what it cost and what it left. */
async function measureCycle(request: CycleRequest): Promise<CycleReport> {
  const kb = loadKnowledgeBase();
  const countries = defaultOoniCountries(kb);
  const watched = ooniTargets(kb, countries);
  const dir = await mkdtemp(join(tmpdir(), "isblocked-bench-ooni-"));
  const file = join(dir, "ooni.sqlite");
  const store = await openStore(`sqlite://${file}`);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 20);
  try {
    const log = createLogger({ level: "silent" });
    const feed = createOoniFeed({
      api: createOoniApi({
        baseUrl: request.url,
        fetch,
        now: Date.now,
        timeoutMs: REQUEST_TIMEOUT_MS,
        signal: new AbortController().signal,
        // A bucket as large as the budget, refilled as fast: it never makes a request wait.
        limiter: createRateLimiter({
          capacity: request.budget,
          refillPerSecond: request.budget,
          now: Date.now,
        }),
      }),
      kb,
      log,
      countries,
      budget: request.budget,
    });
    const started = performance.now();
    const { collection, changes } = await runFeedCycle(feed, watched, {
      kb,
      store,
      threshold: 2,
      firstThreshold: 1,
      log,
    });
    const seconds = (performance.now() - started) / 1000;
    sample();
    const now = Date.now();
    const statuses = await store.getStatuses(request.pairs);
    const withOoniStatus = statuses.filter((s) =>
      s?.sources?.some(
        (source) => source.kind === "ooni" && now - Date.parse(source.latestAt) <= FRESH_FOR_MS.ooni,
      ),
    ).length;
    sample();
    return {
      watched: watched.length,
      listings: countries.length * OONI_TESTS.length,
      requests: collection.requests,
      pairsListed: collection.pairsListed,
      pairsRead: collection.pairsRead,
      incomplete: collection.incomplete,
      changes: changes.length,
      seconds,
      baselineRssMb: baseline / MB,
      sampledPeakRssMb: peak / MB,
      // Linux reports kilobytes: the process's high-water mark, startup and store included.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      storeMb: (await stat(file)).size / MB,
      withOoniStatus,
    };
  } finally {
    clearInterval(sampler);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function runMeasuredProcess(request: CycleRequest): Promise<CycleReport> {
  const child = fork(fileURLToPath(import.meta.url), ["--measure"], { execArgv: [] });
  return new Promise<CycleReport>((resolve, reject) => {
    child.once("message", (report) => resolve(report as CycleReport));
    child.once("exit", (code) =>
      reject(new Error(`the OONI cycle's process exited (${code}) before reporting`)),
    );
    child.send(request);
  });
}

export async function runOoniCycleBench(
  options: OoniCycleBenchOptions = ooniCycleOptions(),
): Promise<Figure[]> {
  if (!haveBulkTemplates) {
    console.log(
      `note: the OONI cycle is not measured: its templates, real OONI measurements in ${OONI_RAW_DIR}, are absent (a fresh clone has no ../shared).`,
    );
    return [];
  }
  const data: OoniServerWorkerData = { measurements: options.measurements, hours: options.hours };
  const worker = new Worker(new URL("./ooni-server-worker.js", import.meta.url), { workerData: data });
  try {
    const [ready] = (await once(worker, "message")) as [OoniServerReady];
    const report = await runMeasuredProcess({ url: ready.url, pairs: ready.pairs, budget: options.budget });
    worker.postMessage("close");
    const [served] = (await once(worker, "message")) as [OoniServerLog];
    return figures(options, ready, report, served);
  } finally {
    await worker.terminate();
  }
}

function figures(
  options: OoniCycleBenchOptions,
  ready: OoniServerReady,
  report: CycleReport,
  served: OoniServerLog,
): Figure[] {
  const arrived = Object.values(served.requests).reduce((a, b) => a + b, 0);
  const listings = served.requests["/api/v1/measurements"] ?? 0;
  const reads = served.requests["/api/v1/measurement_meta"] ?? 0;
  const pairs = ready.pairs.length;
  const label = `OONI cycle, ${pairs} pairs`;
  return [
    { figure: `${label}: measurements on the server`, value: ready.measurements, target: null, unit: "" },
    { figure: `${label}: networks on the server`, value: ready.networks, target: null, unit: "" },
    { figure: `${label}: pairs watched`, value: report.watched, target: null, unit: "" },
    { figure: `${label}: budget (OONI_BUDGET)`, value: options.budget, target: null, unit: "" },
    // Counted where OONI counts them: on the server.
    { figure: `${label}: requests per cycle`, value: arrived, target: options.budget, unit: "" },
    { figure: `  listings`, value: listings, target: null, unit: "" },
    { figure: `  measurements read`, value: reads, target: null, unit: "" },
    { figure: `  pairs with something new to read`, value: report.pairsListed, target: null, unit: "" },
    { figure: `  pairs read`, value: report.pairsRead, target: null, unit: "" },
    {
      // Every listing and one measurement of each pair: what one cycle needs to leave no pair out.
      figure: `  budget that reads every pair once`,
      value: report.listings + report.pairsListed,
      target: null,
      unit: "",
    },
    { figure: `${label}: cycle time`, value: report.seconds, target: null, unit: "s" },
    {
      figure: `${label}: peak RSS of the cycle's process`,
      value: Math.max(report.sampledPeakRssMb, report.maxRssMb),
      target: 250,
      unit: " MB",
    },
    {
      figure: `  RSS before the cycle (knowledge base, store)`,
      value: report.baselineRssMb,
      target: null,
      unit: " MB",
    },
    { figure: `  SQLite store after the cycle`, value: report.storeMb, target: null, unit: " MB" },
    { figure: `  server's heap (other thread)`, value: served.heapUsedMb, target: null, unit: " MB" },
    {
      figure: `${label}: share without a fresh OONI status`,
      value: pairs === 0 ? 0 : (pairs - report.withOoniStatus) / pairs,
      target: 0.05,
      unit: "×",
    },
  ];
}

// `node dist/bench/ooni-cycle.js` runs this bench alone (OONI_BENCH_BUDGET=N to try another budget);
// `--measure` is the child that runs the cycle.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--measure")) {
    process.once("message", async (request) => {
      const report = await measureCycle(request as CycleRequest);
      process.send?.(report, () => process.exit(0));
    });
  } else {
    for (const f of await runOoniCycleBench()) {
      const value = f.unit === "" ? String(f.value) : f.value.toFixed(3);
      const verdict =
        f.target === null ? "" : f.value <= f.target ? `  ≤ ${f.target} ok` : `  ≤ ${f.target} MISSED`;
      console.log(`${f.figure}: ${value}${f.unit === "×" ? "" : f.unit}${verdict}`);
    }
  }
}

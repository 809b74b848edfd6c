import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Figure } from "./probe-cycle.js";
import { ascending, percentile } from "./stats.js";
import type { FillReport, ServeReport } from "./store-scale-worker.js";

// The embedded default store at the scale issue 7 names: 100,000 subscriptions and 30 days of history
// (timeline entries, statuses and status-engine states, as the engine stores them) for 50 services × 20
// countries, in one SQLite file. One child process writes it (subscriptions in bulk, the rest through the
// store's own calls); a fresh one opens it the way `isblocked start`
// does (knowledge base loaded, store opened), serves it — reads every status and timeline, lists every
// country, looks up subscribers 5,000 times — and reports its RSS, so the bench's own heap never counts.

const worker = fileURLToPath(new URL("./store-scale-worker.js", import.meta.url));
const run = promisify(execFile);

async function child<T>(mode: "fill" | "serve", path: string): Promise<T> {
  const { stdout } = await run(process.execPath, [worker, mode, path], { maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T;
}

export async function runStoreScaleBench(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), "isblocked-bench-store-"));
  try {
    const path = join(dir, "bench.sqlite");
    const filled = await child<FillReport>("fill", path);
    const served = await child<ServeReport>("serve", path);
    const lookups = ascending(served.lookupMs);
    const largest = ascending(served.largestMs);
    const label = `SQLite store, ${filled.subscriptions} subscriptions, ${filled.timelineEntries} timeline entries, ${filled.targets} targets`;
    return [
      { figure: `${label}: written in`, value: filled.seconds, target: null, unit: "s" },
      { figure: "  RSS of a process serving it", value: served.rssMb, target: 200, unit: " MB" },
      { figure: "  JS heap used in it", value: served.heapUsedMb, target: null, unit: " MB" },
      { figure: "  subscribers of one target, p50", value: percentile(lookups, 50), target: 50, unit: "ms" },
      { figure: "  subscribers of one target, p99", value: percentile(lookups, 99), target: 50, unit: "ms" },
      {
        figure: `  subscribers of the largest target (${served.largest}), p50`,
        value: percentile(largest, 50),
        target: 50,
        unit: "ms",
      },
      {
        figure: `  subscribers of the largest target (${served.largest}), p99`,
        value: percentile(largest, 99),
        target: 50,
        unit: "ms",
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

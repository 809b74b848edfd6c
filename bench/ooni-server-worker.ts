import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { loadKnowledgeBase } from "../kb/load.js";
import { startOoniApiServer, syntheticBulk } from "../lab/ooni-api-server.js";
import type { Target } from "../model/status.js";

// The OONI bench's stand-in for OONI's API, on a thread of the bench's own process: the process that runs
// the cycle (a child) then holds nothing of the server, so its RSS is the cycle's and the store's alone.

export interface OoniServerWorkerData {
  measurements: number;
  hours: number;
}

export interface OoniServerReady {
  url: string;
  /** Every (service, country) the server has measurements of. */
  pairs: Target[];
  measurements: number;
  networks: number;
}

/** What the worker sends back when asked to close: requests by path, and its own heap. */
export interface OoniServerLog {
  requests: Record<string, number>;
  heapUsedMb: number;
}

const { measurements, hours } = workerData as OoniServerWorkerData;
const kb = loadKnowledgeBase();
const bulk = syntheticBulk({ kb, measurements, hours });
const server = await startOoniApiServer(bulk);
parentPort?.on("message", async (message: unknown) => {
  if (message !== "close") return;
  const requests: Record<string, number> = {};
  for (const r of server.requests) {
    const path = r.split("?")[0] ?? r;
    requests[path] = (requests[path] ?? 0) + 1;
  }
  await server.close();
  parentPort?.postMessage({
    requests,
    heapUsedMb: getHeapStatistics().used_heap_size / 2 ** 20,
  } satisfies OoniServerLog);
});
const countries = new Set(bulk.pairs.map((p) => p.country));
parentPort?.postMessage({
  url: server.url,
  pairs: bulk.pairs,
  measurements: bulk.size,
  networks: [...countries].reduce((n, cc) => n + bulk.networks(cc).length, 0),
} satisfies OoniServerReady);

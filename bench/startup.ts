import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Figure } from "./probe-cycle.js";
import { ascending, percentile } from "./stats.js";

// Start-up to ready: `isblocked start` spawned (console mode, PROBE_SCHEDULE=off, a fresh SQLite file, the
// shipped knowledge base) until GET /readyz answers 200, polled every 5 ms on loopback. Several runs; the
// target is on the median, the slowest is shown beside it.

const RUNS = 7;
const bin = fileURLToPath(new URL("../../bin/isblocked.js", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/readyz", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function oneStart(dir: string, n: number): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [bin, "start"], {
    cwd: dir,
    // stdin stays open: in console mode the process would stop when its input ends.
    stdio: ["pipe", "ignore", "ignore"],
    env: {
      PATH: process.env.PATH ?? "",
      PROBE_SCHEDULE: "off",
      WEB_PORT: String(port),
      STORE_URL: `sqlite://${join(dir, `start-${n}.sqlite`)}`,
      LOG_LEVEL: "warn",
    },
  });
  const exited = once(child, "exit");
  try {
    const deadline = started + 30_000;
    while ((await readyz(port)) !== 200) {
      if (child.exitCode !== null) throw new Error(`isblocked start exited with ${child.exitCode}`);
      if (performance.now() > deadline) throw new Error("isblocked start not ready within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return (performance.now() - started) / 1000;
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

export async function runStartupBench(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), "isblocked-bench-start-"));
  try {
    const seconds: number[] = [];
    for (let n = 0; n < RUNS; n++) seconds.push(await oneStart(dir, n));
    const sorted = ascending(seconds);
    return [
      {
        figure: `start-up to /readyz 200 (median of ${RUNS})`,
        value: percentile(sorted, 50),
        target: 2,
        unit: "s",
      },
      {
        figure: `start-up to /readyz 200 (slowest of ${RUNS})`,
        value: percentile(sorted, 100),
        target: null,
        unit: "s",
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

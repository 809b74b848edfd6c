import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// `isblocked start` as a real child process, with only the environment a test gives it, and helpers for
// waiting on it: nothing here reaches beyond loopback.

const bin = fileURLToPath(new URL("../../../bin/isblocked.js", import.meta.url));

export interface StartedProcess {
  child: ChildProcess;
  /** Everything written to stderr (the logs) so far. */
  logs(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends SIGTERM; resolves with the exit code and how long the process took to exit. */
  terminate(): Promise<{ code: number | null; ms: number }>;
}

export function startProcess(env: Record<string, string>, cwd?: string): StartedProcess {
  const child = spawn(process.execPath, [bin, "start"], {
    cwd: cwd ?? mkdtempSync(join(tmpdir(), "isblocked-run-")),
    env: { PATH: process.env.PATH ?? "", OONI_API_URL: "off", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  child.stderr?.on("data", (d) => {
    logs += d;
  });
  child.stdout?.on("data", (d) => {
    logs += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    logs: () => logs,
    exited,
    terminate: async () => {
      const started = performance.now();
      child.kill("SIGTERM");
      const code = await exited;
      return { code, ms: performance.now() - started };
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

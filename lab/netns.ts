import {
  type ChildProcessByStdio,
  type ChildProcessWithoutNullStreams,
  spawn,
  spawnSync,
} from "node:child_process";
import type { Readable } from "node:stream";

// Real connect timeouts need a SYN that nobody answers, and no packet may leave this machine. In a
// network namespace of our own (`unshare -rn`: a user namespace makes it unprivileged) with `lo` up and a
// TEST-NET range routed to `lo` without a local address, a SYN to that range goes nowhere: a black hole.
// Outside the black hole the namespace has no route at all, so nothing can escape.

/** Routed to `lo` inside the namespace, local to nothing: connects here time out. */
export const BLACKHOLE_NET = "198.51.100.0/24";
export const BLACKHOLE_IP = "198.51.100.1";
/** Not routed at all inside the namespace: connects here fail at once with ENETUNREACH. */
export const UNROUTED_IP = "203.0.113.1";

export const NETNS_SETUP = `ip link set lo up && ip route add ${BLACKHOLE_NET} dev lo`;

let availability: string | null | undefined;

/** Why namespaces cannot be used here, or null when they can. Checked once. */
export function netnsUnavailableReason(): string | null {
  if (availability !== undefined) return availability;
  const probe = spawnSync("unshare", ["-rn", "sh", "-c", NETNS_SETUP], { encoding: "utf8", timeout: 10_000 });
  if (probe.error !== undefined) availability = `unshare could not run: ${probe.error.message}`;
  else if (probe.status !== 0) {
    availability = `unshare -rn failed (status ${probe.status}): ${probe.stderr.trim() || "no message"}`;
  } else availability = null;
  return availability;
}

/** For `describe.skipIf(!netnsAvailable())`: says why on the console when it skips. */
export function netnsAvailable(): boolean {
  const reason = netnsUnavailableReason();
  if (reason !== null) {
    console.warn(`[lab] network namespace tests skipped: ${reason} (they need unprivileged user namespaces)`);
  }
  return reason === null;
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `args` inside a fresh namespace with the black hole set up. */
export function runInNetns(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; setup?: string } = {},
): Promise<ChildResult> {
  // `setup` runs after the black hole is in place, e.g. to make every address local for a lab world.
  const setup = options.setup ? `${NETNS_SETUP} && ${options.setup}` : NETNS_SETUP;
  const child = spawn("unshare", ["-rn", "sh", "-c", `${setup} && exec "$@"`, "netns", ...args], {
    env: options.env ?? process.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return outputOf(child, options.timeoutMs ?? 60_000);
}

/** What a child printed and how it ended; killed after `timeoutMs`. */
export function outputOf(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>,
  timeoutMs = 60_000,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs an ES module given as source text with this Node inside a fresh namespace. */
export function runNodeInNetns(
  source: string,
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    cwd?: string;
    setup?: string;
    /** Flags for node itself, e.g. --expose-gc. */
    nodeArgs?: string[];
  } = {},
): Promise<ChildResult> {
  const { nodeArgs = [], ...rest } = options;
  return runInNetns([process.execPath, ...nodeArgs, "--input-type=module", "-e", source], rest);
}

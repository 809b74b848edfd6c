import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// What the fault cases share: the subscribing child process and the shape of its acknowledgements.

const worker = fileURLToPath(new URL("./subscriber-worker.mjs", import.meta.url));

/** The target subscriber-worker.mjs subscribes a chat to. */
export const targetOf = (chat: number) => ({ service: `service${chat % 4}`, country: "CN" });

export interface Subscriber {
  child: ChildProcess;
  /** Resolves once its modules are loaded (a worker started without a first chat waits for `begin`). */
  loaded: Promise<void>;
  /** Tells a worker started without a first chat where to begin. */
  begin(firstChat: number): void;
  /** Resolves once the store is open and writes begin. */
  ready: Promise<void>;
  /** Resolves with the first acknowledgement. */
  firstAck: Promise<void>;
  /** Every acknowledged subscription so far: chat id and the epoch ms of the acknowledgement. */
  acks: { chat: number; at: number }[];
  exited: Promise<void>;
}

/**
 * Starts subscriber-worker.mjs on a store; only complete lines count, so a kill mid-line loses nothing.
 * Without `firstChat` the worker loads and waits for `begin(firstChat)`.
 */
export function startSubscriber(storeUrl: string, namespace: string, firstChat?: number): Subscriber {
  const args = [worker, storeUrl, namespace, ...(firstChat === undefined ? [] : [String(firstChat)])];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  const acks: Subscriber["acks"] = [];
  let buffered = "";
  const loaded = signal();
  const ready = signal();
  const firstAck = signal();
  let errors = "";
  child.stderr?.on("data", (data) => {
    errors += data;
  });
  // A killed worker's stdin is gone: a late `begin` must not crash the test.
  child.stdin?.on("error", () => {});
  child.stdout?.on("data", (data) => {
    buffered += data;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "loaded") loaded.resolve();
      if (line === "ready") ready.resolve();
      const ack = /^ack (\d+) (\d+)$/.exec(line);
      if (ack) {
        acks.push({ chat: Number(ack[1]), at: Number(ack[2]) });
        firstAck.resolve();
      }
    }
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on("exit", (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`subscriber-worker exited ${code}: ${errors}`));
      else resolve();
    });
  });
  // Each wait also ends (rejecting) if the worker dies first; one nobody awaits must not count as unhandled.
  const orExit = (p: Promise<void>) => {
    const raced = Promise.race([p, exited.then(() => Promise.reject(died()))]);
    raced.catch(() => {});
    return raced;
  };
  const died = () => new Error(`subscriber-worker died before it was expected to: ${errors}`);
  return {
    child,
    loaded: orExit(loaded.promise),
    begin: (chat) => child.stdin?.write(`${chat}\n`),
    ready: orExit(ready.promise),
    firstAck: orExit(firstAck.promise),
    acks,
    exited,
  };
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

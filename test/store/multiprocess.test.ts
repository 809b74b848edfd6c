import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Target } from "../../model/status.js";
import { openKv, openStore } from "../../store/open.js";
import { type Backend, freshNamespace, redisBackend, sqliteBackend } from "./fixtures.js";

const WORKER = fileURLToPath(new URL("./store-worker.mjs", import.meta.url));
const TARGET: Target = { service: "whatsapp", country: "CN" };
const PER_WORKER = 500;

const BACKENDS: Backend[] = [sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis multi-process test skipped");

/** A `node store-worker.mjs` child, read line by line. */
class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = "";

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [WORKER, ...args]);
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async nextLine(): Promise<string> {
    const next = await this.lines.next();
    if (next.done) {
      await this.exited();
      throw new Error(`worker ended without output, exit ${this.child.exitCode}: ${this.stderr}`);
    }
    return next.value;
  }

  async exited(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) await once(this.child, "exit");
    return this.child.exitCode;
  }
}

describe.each(BACKENDS)("two processes on one $kind store", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "with the compiled store", () => {
    let url = "";
    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });

    it(`keeps all of 2 × ${PER_WORKER} concurrent subscriptions to one target`, async () => {
      const namespace = freshNamespace();
      const workers = [0, 1].map(
        (n) =>
          new Worker([
            "subscribe",
            url,
            namespace,
            TARGET.service,
            TARGET.country,
            String(1_000_000 + n * PER_WORKER),
            String(PER_WORKER),
          ]),
      );
      for (const worker of workers) expect(await worker.nextLine()).toBe("ready");
      // Both open before either writes, so their updates really overlap.
      for (const worker of workers) worker.child.stdin.end("go\n");
      const results = await Promise.all(
        workers.map(async (w) => JSON.parse(await w.nextLine()) as { added: number; ms: number }),
      );
      for (const worker of workers) expect(await worker.exited()).toBe(0);
      console.log(
        `${backend.kind}: 2 × ${PER_WORKER} subscribes took ${results.map((r) => `${r.ms} ms`).join(" and ")}`,
      );

      expect(results.map((r) => r.added)).toEqual([PER_WORKER, PER_WORKER]);
      const store = await openStore(url, { namespace });
      try {
        const expected = Array.from({ length: 2 * PER_WORKER }, (_, n) => String(1_000_000 + n));
        expect(await store.subscribers(TARGET)).toEqual(expected.sort());
        expect(await store.subscriptionsOf("1000999")).toEqual([TARGET]);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});

describe("a SQLite writer killed with SIGKILL", () => {
  const backend = sqliteBackend();
  let url = "";
  beforeAll(async () => {
    url = await backend.start();
  });
  afterAll(async () => {
    await backend.stop();
  });

  it("keeps an acknowledged write", async () => {
    const namespace = freshNamespace();
    const worker = new Worker(["hold", url, namespace, "acknowledged", "survives"]);
    expect(await worker.nextLine()).toBe("written");
    worker.child.kill("SIGKILL");
    await worker.exited();
    expect(worker.child.signalCode).toBe("SIGKILL");

    const kv = await openKv(url, { namespace });
    try {
      expect(await kv.get("acknowledged")).toBe("survives");
    } finally {
      await kv.close();
    }
  });
});

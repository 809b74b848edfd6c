import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ServiceStatus, Target } from "../../model/status.js";
import type { AtomicKv, Store } from "../../model/store.js";
import { changeMark, openKv, openStore, parseStoreUrl } from "../../store/open.js";
import { CachedKvStore } from "../../store/status-cache.js";
import { type Backend, freshNamespace, memoryBackend, redisBackend, sqliteBackend } from "./fixtures.js";

// Statuses and report counts are served from memory (store/status-cache.ts); these are the promises that
// make that invisible: a confirmed change is in the very next answer, on this replica and on any other
// sharing the store, whatever read was under way while it was written.

const BACKENDS: Backend[] = [memoryBackend(), sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis status-cache cases skipped");

const TARGET: Target = { service: "whatsapp", country: "CN" };
const OTHER: Target = { service: "telegram", country: "CN" };
const HOUR_MS = 60 * 60 * 1000;

/** The status of `target` written by the `version`-th cycle: its checkedAt tells versions apart. */
function status(version: number, target: Target = TARGET): ServiceStatus {
  return {
    ...target,
    status: version % 2 === 0 ? "blocked" : "accessible",
    mechanism: version % 2 === 0 ? "dns" : null,
    since: "2026-01-01T00:00:00.000Z",
    checkedAt: new Date(Date.UTC(2026, 0, 1) + version * 60_000).toISOString(),
    features: [],
    regions: [],
    confidence: 1,
  };
}

const versionOf = (found: ServiceStatus | undefined): number =>
  found === undefined ? 0 : (Date.parse(found.checkedAt) - Date.UTC(2026, 0, 1)) / 60_000;

/**
 * The key-value layer with one read held back: `hold(prefix)` lets the next read of a key starting with
 * `prefix` reach the backend, then keeps its result until `release()`. That is a read that started
 * before a write and ends after it, at will.
 */
function heldReads(kv: AtomicKv) {
  let held: { prefix: string; reached: () => void; gate: Promise<void> } | undefined;
  const pass = async <T>(keys: readonly string[], read: () => Promise<T>): Promise<T> => {
    const value = await read();
    const gate = held;
    if (gate && keys.some((key) => key.startsWith(gate.prefix))) {
      held = undefined;
      gate.reached();
      await gate.gate;
    }
    return value;
  };
  const wrapped: AtomicKv = {
    kind: kv.kind,
    get: <T>(key: string) => pass([key], () => kv.get<T>(key)),
    getMany: <T>(keys: readonly string[]) => pass(keys, () => kv.getMany<T>(keys)),
    set: (key, value, ttlMs) => kv.set(key, value, ttlMs),
    delete: (key) => kv.delete(key),
    update: (key, fn, options) => kv.update(key, fn, options),
    close: () => kv.close(),
  };
  const hold = (prefix: string) => {
    let release = () => {};
    let reached = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read = new Promise<void>((resolve) => {
      reached = resolve;
    });
    held = { prefix, reached, gate };
    return { read, release };
  };
  return { kv: wrapped, hold };
}

describe.each(BACKENDS)("status cache: $kind", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "against the real backend", () => {
    const shared = backend.kind !== "memory";
    let url = "";
    let namespace = "";
    let replicaA: Store;
    /** Another process on the same store; on memory, which no two processes share, the same object. */
    let replicaB: Store;
    const opened: Store[] = [];

    /** A CachedKvStore whose reads can be held back (`heldReads`). */
    /** A CachedKvStore whose reads can be held back (`heldReads`), and whose mark can fail to move. */
    async function heldReplica() {
      const held = heldReads(await openKv(url, { namespace }));
      const mark = changeMark(parseStoreUrl(url), held.kv);
      let bumpFails = false;
      const store = new CachedKvStore(held.kv, {
        read: () => mark.read(),
        bump: () => (bumpFails ? Promise.reject(new Error("mark unwritable")) : mark.bump()),
        close: () => mark.close(),
      });
      opened.push(store);
      return { store, hold: held.hold, failBumps: (fail: boolean) => (bumpFails = fail) };
    }

    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(async () => {
      namespace = freshNamespace();
      replicaA = await openStore(url, { namespace });
      replicaB = shared ? await openStore(url, { namespace }) : replicaA;
      opened.push(replicaA, ...(shared ? [replicaB] : []));
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it("is the cached store openStore gives", () => {
      expect(replicaA).toBeInstanceOf(CachedKvStore);
    });

    it("shows a confirmed change in the very next read, on this replica and the other", async () => {
      await replicaA.putStatus(status(1));
      // Read twice each: the second read is served from memory.
      for (const store of [replicaA, replicaB, replicaA, replicaB]) {
        expect(versionOf(await store.getStatus(TARGET))).toBe(1);
      }
      await replicaB.putStatus(status(2));
      expect(versionOf(await replicaA.getStatus(TARGET))).toBe(2);
      expect((await replicaA.getStatuses([OTHER, TARGET])).map(versionOf)).toEqual([0, 2]);
      expect((await replicaA.listStatuses("CN")).map(versionOf)).toEqual([2]);
      await replicaA.putStatus(status(3));
      expect(versionOf(await replicaA.getStatus(TARGET))).toBe(3);
      expect(versionOf(await replicaB.getStatus(TARGET))).toBe(3);
      // A target read absent is kept absent only until someone writes it.
      await replicaB.putStatus(status(4, OTHER));
      expect((await replicaA.getStatuses([OTHER, TARGET])).map(versionOf)).toEqual([4, 3]);
      expect((await replicaA.listStatuses("CN")).map(versionOf)).toEqual([4, 3]);
    });

    it("counts a report in the very next count, on this replica and the other", async () => {
      const now = Date.UTC(2026, 5, 1, 12);
      for (const store of [replicaA, replicaB, replicaA]) {
        expect(await store.countReports(TARGET, now - HOUR_MS)).toBe(0);
      }
      expect(await replicaB.addReport("reporter-1", TARGET, now)).toBe(true);
      expect(await replicaA.countReports(TARGET, now - HOUR_MS)).toBe(1);
      expect(await replicaA.countReports(TARGET, now + 1)).toBe(0);
      expect(await replicaA.addReport("reporter-2", TARGET, now + 2)).toBe(true);
      expect(await replicaB.countReports(TARGET, now + 1)).toBe(1);
      expect(await replicaA.countReports(TARGET, now + 1)).toBe(1);
      expect(await replicaB.countReports(OTHER, now - HOUR_MS)).toBe(0);
    });

    it("shows a chat's changed settings in the very next read, on this replica and the other", async () => {
      for (const store of [replicaA, replicaB, replicaA, replicaB])
        expect(await store.getChat("-100")).toBeUndefined();
      expect(await replicaB.updateChat("-100", { lang: "fa" })).toEqual({ chatId: "-100", lang: "fa" });
      expect((await replicaA.getChat("-100"))?.lang).toBe("fa");
      expect((await replicaA.getChat("-100"))?.lang).toBe("fa");
      await replicaA.updateChat("-100", { lang: "ru", country: "IR" });
      for (const store of [replicaB, replicaA]) {
        expect(await store.getChat("-100")).toEqual({ chatId: "-100", lang: "ru", country: "IR" });
      }
      // A group that became a supergroup: its settings move, and neither id is read from memory as it was.
      await replicaB.subscribe("-100", TARGET);
      expect(await replicaB.migrateChat("-100", "-1000100")).toBe(1);
      expect(await replicaA.getChat("-100")).toBeUndefined();
      expect((await replicaA.getChat("-1000100"))?.lang).toBe("ru");
      const kept = await replicaA.getChat("-1000100");
      expect(() => {
        (kept as { lang: string }).lang = "en";
      }).toThrow(TypeError);
    });

    it("gives back frozen statuses, so one reader cannot change what the next one is given", async () => {
      await replicaA.putStatus(status(1));
      await replicaA.getStatus(TARGET);
      const kept = await replicaA.getStatus(TARGET);
      expect(() => {
        (kept as { confidence: number }).confidence = 0;
      }).toThrow(TypeError);
      expect((await replicaA.getStatus(TARGET))?.confidence).toBe(1);
    });

    it("does not keep a status read before a write that finished while the read was under way", async () => {
      const { store, hold } = await heldReplica();
      await replicaA.putStatus(status(1));
      for (const writer of shared ? [store, replicaB] : [store]) {
        const before = versionOf(await store.getStatus(TARGET));
        const held = hold("status:");
        // A miss: forget what is kept by writing, then read and hold the read past the next write.
        await writer.putStatus(status(before + 1));
        const reading = store.getStatus(TARGET);
        await held.read;
        await writer.putStatus(status(before + 2));
        // Begun after the write: only the new version, before and after the held read ends.
        expect(versionOf(await store.getStatus(TARGET))).toBe(before + 2);
        held.release();
        // Begun before the write finished: either version is right for it, but it must not be kept.
        expect([before + 1, before + 2]).toContain(versionOf(await reading));
        expect(versionOf(await store.getStatus(TARGET))).toBe(before + 2);
      }
    });

    it("does not keep a status read before its own write, even when the mark could not be moved", async () => {
      const { store, hold, failBumps } = await heldReplica();
      await store.putStatus(status(1));
      const held = hold("status:");
      const reading = store.getStatus(TARGET);
      await held.read;
      failBumps(true);
      await expect(store.putStatus(status(2))).rejects.toThrow("mark unwritable");
      failBumps(false);
      // The mark reads as before the write, yet this process reads its own write, and keeps to it.
      expect(versionOf(await store.getStatus(TARGET))).toBe(2);
      held.release();
      expect([1, 2]).toContain(versionOf(await reading));
      expect(versionOf(await store.getStatus(TARGET))).toBe(2);
    });

    it("does not keep a zero count read before a report that was added while the read was under way", async () => {
      const { store, hold } = await heldReplica();
      const now = Date.UTC(2026, 5, 1, 12);
      for (const [n, writer] of (shared ? [store, replicaB] : [store]).entries()) {
        const held = hold("reports:");
        const reading = store.countReports(TARGET, now - HOUR_MS);
        await held.read;
        await writer.addReport(`reporter-${n}`, TARGET, now);
        expect(await store.countReports(TARGET, now - HOUR_MS)).toBe(n + 1);
        held.release();
        expect([n, n + 1]).toContain(await reading);
        expect(await store.countReports(TARGET, now - HOUR_MS)).toBe(n + 1);
      }
    });

    it("never answers older than the last write that finished before the read began, under load", async () => {
      let done = 0;
      const writing = (async () => {
        for (let version = 1; version <= 60; version++) {
          await replicaB.putStatus(status(version));
          done = version;
        }
      })();
      let finished = false;
      void writing.finally(() => {
        finished = true;
      });
      const stale: string[] = [];
      // Three readers at once, so reads overlap writes and each other in every order.
      const reader = async () => {
        let reads = 0;
        while (!finished || reads === 0) {
          const floor = done;
          const found = versionOf(await replicaA.getStatus(TARGET));
          if (found < floor) stale.push(`read ${found} after ${floor} was written`);
          reads++;
          // A turn of the event loop: reads served from memory would otherwise starve the writer's I/O.
          await new Promise(setImmediate);
        }
        return reads;
      };
      const reads = await Promise.all([reader(), reader(), reader()]);
      await writing;
      expect(stale).toEqual([]);
      expect(reads.every((n) => n > 0)).toBe(true);
      expect(versionOf(await replicaA.getStatus(TARGET))).toBe(60);
    });
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type EngineState,
  INITIAL_STATE,
  type Observation,
  type StatusChange,
  type StepResult,
  step,
} from "../../analysis/status-engine.js";
import type { ServiceStatus, Target, TimelineEntry } from "../../model/status.js";
import { ALL_SERVICES, type AtomicKv, type DeliveryJob, type Store, StoreError } from "../../model/store.js";
import { DIGEST_CAP } from "../../store/deliveries.js";
import { KvStore, OUTBOX_CAP, TIMELINE_CAP } from "../../store/domain.js";
import { INGESTED_CAP } from "../../store/ingested.js";
import { openKv, openStore } from "../../store/open.js";
import { FINISH_DELAY_MS, UPDATE_ID_MEMORY } from "../../store/updates.js";
import { measurement } from "../ingest/support.js";
import { type Backend, freshNamespace, memoryBackend, redisBackend, sqliteBackend } from "./fixtures.js";

const BACKENDS: Backend[] = [memoryBackend(), sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis contract skipped");

const WHATSAPP_CN: Target = { service: "whatsapp", country: "CN" };

function status(target: Target, overrides: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    ...target,
    status: "partial",
    mechanism: "tls",
    since: "2017-09-23T00:00:00.000Z",
    checkedAt: "2017-09-25T12:00:00.000Z",
    features: [
      { feature: "text", status: "ok", mechanism: null },
      { feature: "media", status: "blocked", mechanism: "tls" },
    ],
    regions: [],
    confidence: 0.9,
    ...overrides,
  };
}

/** One cycle's observation of `target`, `n` cycles of ten minutes after a fixed start. */
function observed(target: Target, n: number, value: ServiceStatus["status"] = "blocked"): Observation {
  return {
    ...target,
    status: value,
    mechanism: value === "accessible" ? null : "dns",
    features: [],
    regions: [],
    confidence: 1,
    at: new Date(Date.UTC(2017, 0, 1) + n * 600_000).toISOString(),
  };
}

const advance =
  (observation: Observation, threshold = 2) =>
  (current: EngineState | undefined): StepResult =>
    step(current ?? INITIAL_STATE, observation, { threshold });

/** An advance that always changes something and always emits a change of its own id. */
const alwaysChange =
  (target: Target, id: string) =>
  (current: EngineState | undefined): StepResult => {
    const at = new Date(Date.UTC(2017, 0, 1) + (current?.candidate?.count ?? 0) * 1000).toISOString();
    const state: EngineState = {
      confirmed: null,
      candidate: {
        status: "blocked",
        mechanism: null,
        count: (current?.candidate?.count ?? 0) + 1,
        firstSeen: at,
      },
      observedAt: at,
    };
    const change: StatusChange = {
      id,
      target,
      from: null,
      to: "blocked",
      since: at,
      at,
      mechanism: null,
      features: [],
    };
    return { state, change };
  };

function change(n: number): TimelineEntry {
  return {
    at: new Date(Date.UTC(2017, 0, 1) + n * 60_000).toISOString(),
    from: null,
    to: "blocked",
    mechanism: "dns",
  };
}

describe.each(BACKENDS)("store contract: $kind", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "against the real backend", () => {
    let url = "";
    let namespace = "";
    let kv: AtomicKv;
    let store: Store;

    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(async () => {
      namespace = freshNamespace();
      kv = await openKv(url, { namespace });
      store = await openStore(url, { namespace });
    });
    afterEach(async () => {
      await kv.close();
      await store.close();
    });

    describe("update ids", () => {
      it("claims each update for one owner at a time, also under concurrency, until it is done", async () => {
        expect(await store.claimUpdate(5, "a", 60_000)).toBe("claimed");
        expect(await store.claimUpdate(5, "b", 60_000)).toBe("busy");
        // The holder claiming again renews its claim.
        expect(await store.claimUpdate(5, "a", 60_000)).toBe("claimed");
        await store.finishUpdate(5);
        expect(await store.claimUpdate(5, "a", 60_000)).toBe("done");
        expect(await store.claimUpdate(5, "b", 60_000)).toBe("done");
        const claims = await Promise.all(
          Array.from({ length: 50 }, (_, n) => store.claimUpdate(7, `owner-${n}`, 60_000)),
        );
        expect(claims.filter((c) => c === "claimed")).toHaveLength(1);
        expect(claims.filter((c) => c === "busy")).toHaveLength(49);
        // Finishing is idempotent, and needs no claim: a timed-out update is done whoever holds it.
        await Promise.all([store.finishUpdate(7), store.finishUpdate(7), store.finishUpdate(8)]);
        expect(await store.claimUpdate(7, "owner-0", 60_000)).toBe("done");
        expect(await store.claimUpdate(8, "c", 60_000)).toBe("done");
      });

      it("lets another owner take over a claim whose holder stopped renewing it", async () => {
        expect(await store.claimUpdate(21, "dead", 150)).toBe("claimed");
        expect(await store.claimUpdate(22, "alive", 60_000)).toBe("claimed");
        expect(await store.claimUpdate(21, "next", 60_000)).toBe("busy");
        await sleep(300);
        expect(await store.claimUpdate(21, "next", 60_000)).toBe("claimed");
        expect(await store.claimUpdate(21, "dead", 60_000)).toBe("busy");
        // A lapsed claim of one update does not touch its neighbours in the bucket.
        expect(await store.claimUpdate(22, "other", 60_000)).toBe("busy");
      });

      it("forgets old buckets: when a new one opens, and after UPDATE_ID_TTL_MS when ids jump", async () => {
        await store.finishUpdate(5);
        // Opening a bucket far ahead drops the oldest remembered one: bounded memory.
        expect(await store.claimUpdate(UPDATE_ID_MEMORY + 1, "a", 60_000)).toBe("claimed");
        expect(await store.claimUpdate(5, "a", 60_000)).toBe("claimed");
        // Ids that jump by more than that leave buckets behind no new bucket removes: they expire. (A
        // KvStore of its own over the test's key-value layer, with a short memory.)
        const shortMemory = new KvStore(kv, { updateIdTtlMs: 150 });
        await shortMemory.finishUpdate(1_000_000_005);
        await shortMemory.finishUpdate(9_000_000_005);
        expect(await shortMemory.claimUpdate(1_000_000_005, "a", 60_000)).toBe("done");
        await sleep(300);
        expect(await shortMemory.claimUpdate(1_000_000_005, "a", 60_000)).toBe("claimed");
        expect(await shortMemory.claimUpdate(9_000_000_005, "a", 60_000)).toBe("claimed");
      });

      it("writes a handled update with the next claim of its bucket, else on its own, and before closing", async () => {
        // The test's key-value layer, counting writes and left open by close, under a KvStore of its own;
        // another KvStore over the same layer stands for another process.
        let writes = 0;
        const counting = Object.create(kv, {
          update: {
            value: (...args: Parameters<AtomicKv["update"]>) => {
              writes++;
              return kv.update(...args);
            },
          },
          close: { value: async () => {} },
        }) as AtomicKv;
        const one = new KvStore(counting);
        const another = new KvStore(kv);
        expect(await one.claimUpdate(41, "a", 60_000)).toBe("claimed");
        writes = 0;
        const finished = one.finishUpdate(41);
        // This process sees it handled at once; the next claim of the bucket writes both, in one write.
        expect(await one.claimUpdate(41, "b", 60_000)).toBe("done");
        await finished;
        expect(writes).toBe(1);
        expect(await another.claimUpdate(41, "c", 60_000)).toBe("done");
        // No claim follows: written on its own, within FINISH_DELAY_MS.
        expect(await one.claimUpdate(52, "a", 60_000)).toBe("claimed");
        const started = Date.now();
        await one.finishUpdate(52);
        expect(Date.now() - started).toBeLessThan(FINISH_DELAY_MS + 1000);
        expect(await another.claimUpdate(52, "c", 60_000)).toBe("done");
        // Closing writes what is waiting.
        expect(await one.claimUpdate(63, "a", 60_000)).toBe("claimed");
        const closing = one.finishUpdate(63);
        await one.close();
        expect(await another.claimUpdate(63, "c", 60_000)).toBe("done");
        await closing;
      });

      it("reads a bucket written before claims expired (a list of handled ids) as handled", async () => {
        const over = new KvStore(kv);
        await kv.set("updates:3", [31, 32]);
        expect(await over.claimUpdate(31, "a", 60_000)).toBe("done");
        expect(await over.claimUpdate(33, "a", 60_000)).toBe("claimed");
        await over.finishUpdate(33);
        expect(await over.claimUpdate(32, "a", 60_000)).toBe("done");
        expect(await over.claimUpdate(33, "b", 60_000)).toBe("done");
      });
    });

    describe("key-value", () => {
      it("gets, sets and deletes", async () => {
        expect(await kv.get("a")).toBeUndefined();
        await kv.set("a", { n: 1, tags: ["x"] });
        expect(await kv.get("a")).toEqual({ n: 1, tags: ["x"] });
        await kv.set("a", "plain string");
        expect(await kv.get("a")).toBe("plain string");
        expect(await kv.delete("a")).toBe(true);
        expect(await kv.get("a")).toBeUndefined();
        expect(await kv.delete("a")).toBe(false);
      });

      it("stores a copy, not the caller's object", async () => {
        const value = { list: [1] };
        await kv.set("copy", value);
        value.list.push(2);
        expect(await kv.get("copy")).toEqual({ list: [1] });
      });

      it("forgets a value after its TTL, for get and update alike", async () => {
        await kv.set("short", "soon gone", 100);
        await kv.set("long", "stays", 60_000);
        expect(await kv.get("short")).toBe("soon gone");
        await sleep(200);
        expect(await kv.get("short")).toBeUndefined();
        expect(await kv.get("long")).toBe("stays");

        await kv.set("counter", 41, 100);
        await sleep(200);
        const seen: unknown[] = [];
        await kv.update<number>("counter", (n) => {
          seen.push(n);
          return (n ?? 0) + 1;
        });
        expect(seen).toEqual([undefined]);
        expect(await kv.get("counter")).toBe(1);
      });

      it("rejects a TTL that is not a positive whole number of milliseconds", async () => {
        await expect(kv.set("k", 1, 0)).rejects.toThrow(RangeError);
        await expect(kv.set("k", 1, 1.5)).rejects.toThrow(RangeError);
        expect(await kv.get("k")).toBeUndefined();
      });

      it("updates: creates, modifies, deletes on undefined", async () => {
        expect(await kv.update<number>("n", (n) => (n ?? 0) + 1)).toBe(1);
        expect(await kv.update<number>("n", (n) => (n ?? 0) + 1)).toBe(2);
        expect(await kv.get("n")).toBe(2);
        expect(await kv.update<number>("n", () => undefined)).toBeUndefined();
        expect(await kv.get("n")).toBeUndefined();
        expect(await kv.update<number>("never", () => undefined)).toBeUndefined();
        expect(await kv.delete("never")).toBe(false);
      });

      it("agrees with set: update sees what set wrote and get sees what update wrote", async () => {
        await kv.set("list", ["a"]);
        await kv.update<string[]>("list", (list = []) => [...list, "b"]);
        expect(await kv.get("list")).toEqual(["a", "b"]);
        await kv.set("list", ["c"]);
        expect(await kv.update<string[]>("list", (list = []) => [...list, "d"])).toEqual(["c", "d"]);
      });

      it("loses no update when two clients take turns on one key (each tries its own last write first)", async () => {
        // A memory store is one process's: its second client is itself.
        const other = backend.kind === "memory" ? kv : await openKv(url, { namespace });
        try {
          for (let round = 0; round < 20; round++) {
            await kv.update<number[]>("turns", (list = []) => [...list, round * 2]);
            await other.update<number[]>("turns", (list = []) => [...list, round * 2 + 1]);
          }
          expect(await kv.get<number[]>("turns")).toEqual(Array.from({ length: 40 }, (_, n) => n));
          // A write by set or delete in between is seen too, not written over from a stale guess.
          await other.set("turns", [100]);
          await kv.update<number[]>("turns", (list = []) => [...list, 101]);
          expect(await other.get<number[]>("turns")).toEqual([100, 101]);
        } finally {
          if (other !== kv) await other.close();
        }
      });

      it("loses no increment among 300 concurrent updates", async () => {
        await Promise.all(Array.from({ length: 300 }, () => kv.update<number>("hits", (n) => (n ?? 0) + 1)));
        expect(await kv.get("hits")).toBe(300);
      });
    });

    // An answer reads a dozen statuses in one round trip, and must see what a dozen single reads would.
    describe("batched reads", () => {
      it("gets several keys in the order asked, absent ones undefined, a repeated key twice", async () => {
        await kv.set("a", { n: 1 });
        await kv.set("b", ":colon string");
        await kv.update<number[]>("c", () => [3]);
        expect(await kv.getMany(["c", "missing", "a", "b", "a"])).toEqual([
          [3],
          undefined,
          { n: 1 },
          ":colon string",
          { n: 1 },
        ]);
        expect(await kv.getMany([])).toEqual([]);
      });

      it("reads an expired value as absent, as get does", async () => {
        await kv.set("short", "soon gone", 100);
        await kv.set("long", "stays", 60_000);
        expect(await kv.getMany(["short", "long"])).toEqual(["soon gone", "stays"]);
        await sleep(200);
        expect(await kv.getMany(["short", "long"])).toEqual([undefined, "stays"]);
      });

      it("gives each target's status in order, as getStatus does", async () => {
        const whatsappCn = status(WHATSAPP_CN);
        const telegramIr = status({ service: "telegram", country: "IR" }, { status: "blocked" });
        await store.putStatus(whatsappCn);
        await store.putStatus(telegramIr);
        const targets = [
          { service: "telegram", country: "IR" },
          { service: "signal", country: "CN" },
          WHATSAPP_CN,
          { service: "whatsapp", country: "IR" },
        ];
        const batched = await store.getStatuses(targets);
        expect(batched).toEqual([telegramIr, undefined, whatsappCn, undefined]);
        expect(batched).toEqual(await Promise.all(targets.map((t) => store.getStatus(t))));
      });

      it("refuses after close instead of answering 'no data'", async () => {
        await kv.close();
        await expect(kv.getMany(["a"])).rejects.toThrow(StoreError);
      });
    });

    describe("statuses", () => {
      it("puts, gets and lists per country", async () => {
        const telegramCn = status({ service: "telegram", country: "CN" }, { status: "blocked" });
        await store.putStatus(status(WHATSAPP_CN));
        await store.putStatus(telegramCn);
        await store.putStatus(status({ service: "whatsapp", country: "IR" }, { status: "accessible" }));

        expect(await store.getStatus(WHATSAPP_CN)).toEqual(status(WHATSAPP_CN));
        expect(await store.getStatus({ service: "signal", country: "CN" })).toBeUndefined();
        expect((await store.listStatuses("CN")).map((s) => s.service)).toEqual(["telegram", "whatsapp"]);
        expect(await store.listStatuses("IR")).toEqual([
          status({ service: "whatsapp", country: "IR" }, { status: "accessible" }),
        ]);
        expect(await store.listStatuses("RU")).toEqual([]);

        await store.putStatus({ ...telegramCn, status: "accessible" });
        const cn = await store.listStatuses("CN");
        expect(cn.map((s) => [s.service, s.status])).toEqual([
          ["telegram", "accessible"],
          ["whatsapp", "partial"],
        ]);
      });

      it("refuses a key part that would make two targets share a key", async () => {
        await expect(store.getStatus({ service: "a:b", country: "CN" })).rejects.toThrow(RangeError);
        await expect(store.subscribe("1", { service: "", country: "CN" })).rejects.toThrow(RangeError);
      });
    });

    describe("timeline", () => {
      it("keeps entries oldest first", async () => {
        expect(await store.getTimeline(WHATSAPP_CN)).toEqual([]);
        for (const n of [1, 2, 3]) await store.appendTimeline(WHATSAPP_CN, change(n));
        expect(await store.getTimeline(WHATSAPP_CN)).toEqual([change(1), change(2), change(3)]);
        expect(await store.getTimeline({ service: "whatsapp", country: "IR" })).toEqual([]);
      });

      it(`keeps only the latest ${TIMELINE_CAP} entries, none lost under concurrency`, async () => {
        const total = TIMELINE_CAP + 5;
        await Promise.all(
          Array.from({ length: total }, (_, n) => store.appendTimeline(WHATSAPP_CN, change(n))),
        );
        const timeline = await store.getTimeline(WHATSAPP_CN);
        expect(timeline).toHaveLength(TIMELINE_CAP);
        // Appends from one process keep their call order.
        expect(timeline[0]).toEqual(change(5));
        expect(timeline.at(-1)).toEqual(change(total - 1));
      });
    });

    describe("subscriptions", () => {
      const telegramCn: Target = { service: "telegram", country: "CN" };
      const whatsappIr: Target = { service: "whatsapp", country: "IR" };

      it("subscribes and unsubscribes, both ways round", async () => {
        expect(await store.subscribe("200", WHATSAPP_CN)).toBe(true);
        expect(await store.subscribe("200", WHATSAPP_CN)).toBe(false);
        expect(await store.subscribe("-100", WHATSAPP_CN)).toBe(true);
        expect(await store.subscribe("200", telegramCn)).toBe(true);

        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["-100", "200"]);
        expect(await store.subscriptionsOf("200")).toEqual([WHATSAPP_CN, telegramCn]);
        expect(await store.subscribers(whatsappIr)).toEqual([]);
        expect(await store.subscriptionsOf("300")).toEqual([]);

        expect(await store.unsubscribe("200", WHATSAPP_CN)).toBe(true);
        expect(await store.unsubscribe("200", WHATSAPP_CN)).toBe(false);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["-100"]);
        expect(await store.subscriptionsOf("200")).toEqual([telegramCn]);
      });

      it("stores only service and country of a richer target", async () => {
        await store.subscribe("7", status(WHATSAPP_CN));
        expect(await store.subscriptionsOf("7")).toEqual([WHATSAPP_CN]);
      });

      it("removes every subscription of a chat and leaves the others", async () => {
        for (const target of [WHATSAPP_CN, telegramCn, whatsappIr]) await store.subscribe("42", target);
        await store.subscribe("43", WHATSAPP_CN);

        expect(await store.removeChat("42")).toBe(3);
        expect(await store.subscriptionsOf("42")).toEqual([]);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["43"]);
        expect(await store.subscribers(telegramCn)).toEqual([]);
        expect(await store.subscriptionsOf("43")).toEqual([WHATSAPP_CN]);
        expect(await store.removeChat("42")).toBe(0);
      });

      it("keeps all of 1,000 concurrent subscriptions to one target", async () => {
        const chatIds = Array.from({ length: 1000 }, (_, n) => String(1_000_000 + n));
        const added = await Promise.all(chatIds.map((chatId) => store.subscribe(chatId, WHATSAPP_CN)));
        expect(added.filter(Boolean)).toHaveLength(1000);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual([...chatIds].sort());
        expect(await store.subscriptionsOf(chatIds[999] ?? "")).toEqual([WHATSAPP_CN]);
      });

      it("reports a subscription as new exactly once when one chat subscribes concurrently", async () => {
        const added = await Promise.all(Array.from({ length: 50 }, () => store.subscribe("5", WHATSAPP_CN)));
        expect(added.filter(Boolean)).toHaveLength(1);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["5"]);
        expect(await store.subscriptionsOf("5")).toEqual([WHATSAPP_CN]);
      });
    });

    describe("chat settings", () => {
      it("patches settings, an undefined field clears it", async () => {
        expect(await store.getChat("9")).toBeUndefined();
        expect(await store.updateChat("9", { lang: "ru" })).toEqual({ chatId: "9", lang: "ru" });
        expect(await store.updateChat("9", { country: "IR", delivery: "digest" })).toEqual({
          chatId: "9",
          lang: "ru",
          country: "IR",
          delivery: "digest",
        });
        expect(await store.updateChat("9", { lang: undefined })).toStrictEqual({
          chatId: "9",
          country: "IR",
          delivery: "digest",
        });
        expect(await store.getChat("9")).toStrictEqual({ chatId: "9", country: "IR", delivery: "digest" });
        expect(await store.getChat("10")).toBeUndefined();
      });
    });

    describe("status engine state and change outbox", () => {
      const telegramCn: Target = { service: "telegram", country: "CN" };

      it("stores the state and queues a change with it, for the timeline and for alerts", async () => {
        expect(await store.getEngineState(WHATSAPP_CN)).toBeUndefined();
        const first = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 0)));
        expect(first.change).toBeNull();
        expect(first.unrecorded).toEqual([]);
        expect(await store.getEngineState(WHATSAPP_CN)).toEqual(first.state);
        expect(await store.pendingChanges()).toEqual([]);

        const second = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 1)));
        expect(second.change).toMatchObject({ from: null, to: "blocked" });
        expect(second.unrecorded).toEqual([second.change]);
        expect(await store.getEngineState(WHATSAPP_CN)).toEqual(second.state);
        expect(await store.pendingChanges()).toEqual([second.change]);
        // The timeline is written by recordChange, not by the state update.
        expect(await store.getTimeline(WHATSAPP_CN)).toEqual([]);
      });

      it("records a change on the timeline once, however often it is recorded", async () => {
        await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 0)));
        const { change } = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 1)));
        if (!change) throw new Error("expected a change");
        const entry: TimelineEntry = { at: change.since, from: null, to: "blocked", mechanism: "dns" };

        // A crash after the timeline write and before the mark: the entry is there, the change unrecorded.
        await store.appendTimeline(WHATSAPP_CN, entry);
        await store.recordChange(change);
        await store.recordChange(change);
        expect(await store.getTimeline(WHATSAPP_CN)).toEqual([entry]);

        const next = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 2)));
        expect(next.unrecorded).toEqual([]);
        // Recording does not deliver: alerts still have it.
        expect(await store.pendingChanges()).toEqual([change]);
      });

      it("keeps an unrecorded change until it is recorded (a crash between the writes)", async () => {
        await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 0)));
        const { change } = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 1)));
        // ...the process dies here; the next cycle finds the change still to record.
        const later = await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 2)));
        expect(later.change).toBeNull();
        expect(later.unrecorded).toEqual([change]);
      });

      it("writes nothing and changes nothing for an observation already applied", async () => {
        const observation = observed(WHATSAPP_CN, 0);
        const first = await store.updateEngineState(WHATSAPP_CN, advance(observation));
        const again = await store.updateEngineState(WHATSAPP_CN, advance(observation));
        expect(again).toEqual({ state: first.state, change: null, unrecorded: [] });
      });

      it("acknowledges delivered changes once, and only the named ones", async () => {
        for (const target of [WHATSAPP_CN, telegramCn]) {
          await store.updateEngineState(target, advance(observed(target, 0)));
          await store.updateEngineState(target, advance(observed(target, 1)));
        }
        const pending = await store.pendingChanges();
        expect(pending.map((c) => c.target.service)).toEqual(["telegram", "whatsapp"]);
        const [telegram, whatsapp] = pending;
        if (!telegram || !whatsapp) throw new Error("expected two changes");

        expect(await store.ackChanges([whatsapp])).toBe(1);
        expect(await store.ackChanges([whatsapp])).toBe(0);
        expect(await store.pendingChanges()).toEqual([telegram]);
        expect(await store.ackChanges([{ id: "nope", target: telegramCn }])).toBe(0);
        expect(await store.ackChanges([telegram])).toBe(1);
        expect(await store.pendingChanges()).toEqual([]);
        expect(await store.ackChanges([{ id: "x", target: { service: "signal", country: "IR" } }])).toBe(0);
      });

      it("lists pending changes of every country, oldest first", async () => {
        const whatsappIr: Target = { service: "whatsapp", country: "IR" };
        await store.updateEngineState(whatsappIr, advance(observed(whatsappIr, 5), 1));
        await store.updateEngineState(WHATSAPP_CN, advance(observed(WHATSAPP_CN, 3), 1));
        await store.updateEngineState(telegramCn, advance(observed(telegramCn, 4), 1));
        const pending = await store.pendingChanges();
        expect(pending.map((c) => `${c.target.service}/${c.target.country}`)).toEqual([
          "whatsapp/CN",
          "telegram/CN",
          "whatsapp/IR",
        ]);
      });

      it("loses and doubles no change among 60 concurrent updates of one target and 20 others", async () => {
        const others = Array.from({ length: 20 }, (_, n) => ({ service: `s${n}`, country: "RU" }));
        await Promise.all([
          ...Array.from({ length: 60 }, (_, n) =>
            store.updateEngineState(WHATSAPP_CN, alwaysChange(WHATSAPP_CN, `c${n}`)),
          ),
          ...others.map((t) => store.updateEngineState(t, alwaysChange(t, `${t.service}-1`))),
        ]);
        const state = await store.getEngineState(WHATSAPP_CN);
        expect(state?.candidate?.count).toBe(60);
        const pending = await store.pendingChanges();
        expect(pending).toHaveLength(80);
        expect(new Set(pending.map((c) => c.id)).size).toBe(80);
      });

      it(`keeps the latest ${OUTBOX_CAP} queued changes of a target when nothing consumes them`, async () => {
        for (let n = 0; n < OUTBOX_CAP + 3; n++) {
          await store.updateEngineState(WHATSAPP_CN, alwaysChange(WHATSAPP_CN, `c${n}`));
        }
        const pending = await store.pendingChanges();
        expect(pending).toHaveLength(OUTBOX_CAP);
        expect(pending[0]?.id).toBe("c3");
      });
    });

    describe("readings of every feed", () => {
      const reading = (vantage: string, measuredAt: string) => ({
        vantage,
        kind: "ooni" as const,
        region: null,
        network: { asn: 4134, name: "Chinanet" },
        online: true,
        status: "blocked" as const,
        mechanism: "tls" as const,
        features: [],
        measuredAt,
        measurements: 1,
        controlled: true,
        positive: 0,
        direct: 0,
        evidence: [],
      });

      it("starts empty, stores what the merge returns, and reads it back", async () => {
        expect(await store.getReadings([WHATSAPP_CN])).toEqual([[]]);
        const stored = await store.updateReadings(WHATSAPP_CN, (current) => [
          ...current,
          reading("ooni:AS4134", "2026-12-07T10:00:00.000Z"),
        ]);
        expect(stored.map((r) => r.vantage)).toEqual(["ooni:AS4134"]);
        expect(await store.getReadings([{ service: "whatsapp", country: "IR" }, WHATSAPP_CN])).toEqual([
          [],
          stored,
        ]);
      });

      it("loses no reading among 50 concurrent merges of one target", async () => {
        await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            store.updateReadings(WHATSAPP_CN, (current) => [
              ...current,
              reading(`ooni:AS${n}`, "2026-12-07T10:00:00.000Z"),
            ]),
          ),
        );
        const [readings = []] = await store.getReadings([WHATSAPP_CN]);
        expect(new Set(readings.map((r) => r.vantage)).size).toBe(50);
      });
    });

    describe("alert delivery: jobs, delivery records, digests", () => {
      const job = (
        id: string,
        recipients: string[],
        createdAt = "2026-11-21T08:00:00.000Z",
      ): DeliveryJob => ({
        id,
        kind: "alert",
        changes: [],
        recipients,
        createdAt,
      });
      const queued = (n: number): StatusChange => ({
        id: `whatsapp/CN/2026-11-21T0${n}:00:00.000Z`,
        target: WHATSAPP_CN,
        from: "accessible",
        to: "blocked",
        since: `2026-11-21T0${n}:00:00.000Z`,
        at: `2026-11-21T0${n}:00:00.000Z`,
        mechanism: "dns",
        features: [],
      });

      it("creates a job once: planning the same change again gets the first plan", async () => {
        const first = job("whatsapp/CN/2026-11-21T08:00:00.000Z", ["1", "2"]);
        expect(await store.createDeliveryJob(first)).toEqual({ job: first, created: true });
        const again = await store.createDeliveryJob({ ...first, recipients: ["1", "2", "3"] });
        expect(again).toEqual({ job: first, created: false });
        expect(await store.openDeliveryJobs()).toEqual([first]);
      });

      it("lists open jobs oldest first; a finished job is gone from the list and never created again", async () => {
        const later = job("a", ["1"], "2026-11-21T08:00:00.000Z");
        const earlier = job("b", ["2"], "2026-11-21T07:00:00.000Z");
        await store.createDeliveryJob(later);
        await store.createDeliveryJob(earlier);
        expect(await store.openDeliveryJobs()).toEqual([earlier, later]);

        await store.finishDeliveryJob("a", "2026-11-21T08:05:00.000Z");
        await store.finishDeliveryJob("a", "2026-11-21T08:06:00.000Z");
        expect(await store.openDeliveryJobs()).toEqual([earlier]);
        const replanned = await store.createDeliveryJob(later);
        expect(replanned).toEqual({
          job: { ...later, recipients: [], finishedAt: "2026-11-21T08:05:00.000Z" },
          created: false,
        });
        expect(await store.openDeliveryJobs()).toEqual([earlier]);
      });

      it("lets exactly one of 20 concurrent dispatchers claim a delivery, and its owner claim it again", async () => {
        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, n) => store.claimDelivery("j", "5", `owner-${n}`, 1000 + n)),
        );
        const winners = claims.filter((c) => c.claimed);
        expect(winners).toHaveLength(1);
        const owner = winners[0]?.record.owner ?? "";
        expect(winners[0]?.record).toMatchObject({ state: "sending", attempts: 1 });
        for (const claim of claims) expect(claim.record).toEqual(winners[0]?.record);

        expect(await store.claimDelivery("j", "5", owner, 2000)).toEqual({
          claimed: true,
          record: { state: "sending", attempts: 2, owner, at: 2000 },
        });
        expect((await store.claimDelivery("j", "5", "someone-else", 2001)).claimed).toBe(false);
      });

      it("settles outcomes: a pending delivery can be claimed again, a final one never", async () => {
        await store.claimDelivery("j", "-100", "o1", 1000);
        await store.settleDelivery("j", "-100", {
          state: "pending",
          attempts: 1,
          notBefore: 5000,
          error: "429: Too Many Requests: retry after 4",
          owner: undefined,
          at: 1001,
        });
        expect(await store.getDeliveries("j", ["-100", "7"])).toEqual([
          {
            state: "pending",
            attempts: 1,
            notBefore: 5000,
            error: "429: Too Many Requests: retry after 4",
            at: 1001,
          },
          undefined,
        ]);
        const again = await store.claimDelivery("j", "-100", "o2", 5000);
        expect(again).toEqual({
          claimed: true,
          record: { state: "sending", attempts: 2, owner: "o2", at: 5000 },
        });
        await store.settleDelivery("j", "-100", { state: "sent", attempts: 2, messageId: 42, at: 5001 });
        expect((await store.claimDelivery("j", "-100", "o2", 6000)).claimed).toBe(false);
        expect(await store.getDeliveries("j", ["-100"])).toEqual([
          { state: "sent", attempts: 2, messageId: 42, at: 5001 },
        ]);
      });

      it("deletes a finished job's records, the moved-to supergroups' included", async () => {
        await store.createDeliveryJob(job("j", ["-1", "2"]));
        await store.settleDelivery("j", "-1", { state: "moved", attempts: 1, movedTo: "-1001", at: 1 });
        await store.settleDelivery("j", "-1001", { state: "sent", attempts: 1, messageId: 1, at: 2 });
        await store.settleDelivery("j", "2", { state: "sent", attempts: 1, messageId: 2, at: 3 });
        await store.finishDeliveryJob("j", "2026-11-21T08:05:00.000Z");
        expect(await store.getDeliveries("j", ["-1", "-1001", "2"])).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      });

      it("refuses a job id that is empty and a chat id that is not a number", async () => {
        await expect(store.createDeliveryJob(job("", ["1"]))).rejects.toThrow(RangeError);
        await expect(store.claimDelivery("j", "1:2", "o", 1)).rejects.toThrow(RangeError);
      });

      it("queues a change for a chat's digest once and takes out only the named changes", async () => {
        expect(await store.addToDigest("-5", queued(1), "2026-11-21T01:00:00.000Z")).toBe(true);
        expect(await store.addToDigest("-5", queued(1), "2026-11-21T01:30:00.000Z")).toBe(false);
        expect(await store.addToDigest("-5", queued(2), "2026-11-21T02:00:00.000Z")).toBe(true);
        expect(await store.addToDigest("7", queued(1), "2026-11-21T01:00:00.000Z")).toBe(true);
        expect(await store.digestChats()).toEqual(["-5", "7"]);
        expect(await store.getDigest("-5")).toEqual([
          { change: queued(1), addedAt: "2026-11-21T01:00:00.000Z" },
          { change: queued(2), addedAt: "2026-11-21T02:00:00.000Z" },
        ]);

        expect(await store.removeFromDigest("-5", [queued(1).id, "not-queued"])).toBe(1);
        expect(await store.getDigest("-5")).toEqual([
          { change: queued(2), addedAt: "2026-11-21T02:00:00.000Z" },
        ]);
        expect(await store.removeFromDigest("-5", [queued(2).id])).toBe(1);
        expect(await store.getDigest("-5")).toEqual([]);
        expect(await store.digestChats()).toEqual(["7"]);
      });

      it(`keeps the latest ${DIGEST_CAP} changes of a digest, and every one of 50 chats queued at once`, async () => {
        for (let n = 0; n < DIGEST_CAP + 2; n++) {
          await store.addToDigest("9", { ...queued(1), id: `c${n}` }, "2026-11-21T01:00:00.000Z");
        }
        const digest = await store.getDigest("9");
        expect(digest).toHaveLength(DIGEST_CAP);
        expect(digest[0]?.change.id).toBe("c2");

        const chats = Array.from({ length: 50 }, (_, n) => String(100 + n));
        await Promise.all(
          chats.map((chatId) => store.addToDigest(chatId, queued(3), "2026-11-21T03:00:00.000Z")),
        );
        expect(await store.digestChats()).toEqual(["9", ...chats].sort());
      });
    });

    describe("chat migration", () => {
      const telegramCn: Target = { service: "telegram", country: "CN" };
      const allIr: Target = { service: ALL_SERVICES, country: "IR" };

      it("moves subscriptions and settings from a group to its supergroup", async () => {
        for (const target of [WHATSAPP_CN, allIr]) await store.subscribe("-17", target);
        await store.subscribe("-100017", telegramCn);
        await store.subscribe("99", WHATSAPP_CN);
        await store.updateChat("-17", { lang: "fa", country: "IR", delivery: "digest" });
        await store.updateChat("-100017", { lang: "ru" });

        expect(await store.migrateChat("-17", "-100017")).toBe(2);
        expect(await store.subscriptionsOf("-17")).toEqual([]);
        expect(await store.subscriptionsOf("-100017")).toEqual([telegramCn, WHATSAPP_CN, allIr]);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["-100017", "99"]);
        expect(await store.subscribers(allIr)).toEqual(["-100017"]);
        expect(await store.getChat("-17")).toBeUndefined();
        // The supergroup's own setting wins; the rest comes from the group.
        expect(await store.getChat("-100017")).toStrictEqual({
          chatId: "-100017",
          lang: "ru",
          country: "IR",
          delivery: "digest",
        });
      });

      it("is idempotent: migrating again, or migrating a chat with nothing, changes nothing", async () => {
        await store.subscribe("-18", WHATSAPP_CN);
        expect(await store.migrateChat("-18", "-100018")).toBe(1);
        expect(await store.migrateChat("-18", "-100018")).toBe(0);
        expect(await store.migrateChat("-100018", "-100018")).toBe(0);
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["-100018"]);
        expect(await store.subscriptionsOf("-100018")).toEqual([WHATSAPP_CN]);
        expect(await store.migrateChat("-19", "-100019")).toBe(0);
        expect(await store.getChat("-100019")).toBeUndefined();
      });

      it("finishes a move that was interrupted after the new index was written", async () => {
        await store.subscribe("-20", WHATSAPP_CN);
        await store.subscribe("-20", telegramCn);
        // As if a crash happened after the new chat's index and one subscriber list were written.
        await kv.set(`chat-subs:-100020`, [WHATSAPP_CN]);
        await store.migrateChat("-20", "-100020");
        expect(await store.subscribers(WHATSAPP_CN)).toEqual(["-100020"]);
        expect(await store.subscribers(telegramCn)).toEqual(["-100020"]);
        expect(await store.subscriptionsOf("-100020")).toEqual([WHATSAPP_CN, telegramCn]);
        expect(await store.subscriptionsOf("-20")).toEqual([]);
      });
    });

    describe("problem reports", () => {
      const HOUR = 60 * 60 * 1000;
      const t0 = Date.UTC(2026, 10, 20, 8, 0, 0);

      it("takes one report per person per target per hour and counts people", async () => {
        expect(await store.addReport("p1", WHATSAPP_CN, t0)).toBe(true);
        expect(await store.addReport("p1", WHATSAPP_CN, t0 + 10 * 60_000)).toBe(false);
        expect(await store.addReport("p1", { service: "telegram", country: "CN" }, t0)).toBe(true);
        expect(await store.addReport("p1", { service: "whatsapp", country: "IR" }, t0)).toBe(true);
        expect(await store.addReport("p2", WHATSAPP_CN, t0 + 20 * 60_000)).toBe(true);

        expect(await store.countReports(WHATSAPP_CN, t0 + 30 * 60_000 - HOUR)).toBe(2);
        expect(await store.countReports(WHATSAPP_CN, t0 + 10 * 60_000)).toBe(1);
        expect(await store.countReports({ service: "signal", country: "CN" }, 0)).toBe(0);

        // An hour later the same person counts again, and once only.
        expect(await store.addReport("p1", WHATSAPP_CN, t0 + HOUR)).toBe(true);
        expect(await store.countReports(WHATSAPP_CN, t0)).toBe(2);
        expect(await store.countReports(WHATSAPP_CN, t0 + HOUR)).toBe(1);
      });

      it("forgets reports older than a day when a new one arrives", async () => {
        await store.addReport("old", WHATSAPP_CN, t0);
        await store.addReport("new", WHATSAPP_CN, t0 + 25 * HOUR);
        expect(await store.countReports(WHATSAPP_CN, 0)).toBe(1);
      });

      it("accepts exactly one of 50 concurrent reports by one person and all of 200 people", async () => {
        const same = await Promise.all(
          Array.from({ length: 50 }, () => store.addReport("p", WHATSAPP_CN, t0)),
        );
        expect(same.filter(Boolean)).toHaveLength(1);
        await Promise.all(
          Array.from({ length: 200 }, (_, n) => store.addReport(`q${n}`, WHATSAPP_CN, t0 + n)),
        );
        expect(await store.countReports(WHATSAPP_CN, t0)).toBe(201);
      });
    });

    describe("claims, leases and cache", () => {
      it("lets exactly one of 50 concurrent claimants, across two store clients, hold a key", async () => {
        // Two clients share the backing store, except memory: a Map of its own per client.
        const other = backend.kind === "memory" ? store : await openStore(url, { namespace });
        try {
          const wins = await Promise.all(
            Array.from({ length: 50 }, (_, n) => (n % 2 ? other : store).claimOnce("cron:slot-1", 60_000)),
          );
          expect(wins.filter(Boolean)).toHaveLength(1);
          expect(await store.claimOnce("cron:slot-2", 60_000)).toBe(true);
        } finally {
          if (other !== store) await other.close();
        }
      });

      it("is reentrant for its owner, taken over once expired, and released only by its owner", async () => {
        expect(await store.claimOnce("lease", 150, "a")).toBe(true);
        expect(await store.claimOnce("lease", 150, "a")).toBe(true);
        expect(await store.claimOnce("lease", 150, "b")).toBe(false);
        expect(await store.releaseClaim("lease", "b")).toBe(false);
        await sleep(250);
        expect(await store.claimOnce("lease", 60_000, "b")).toBe(true);
        expect(await store.renewClaim("lease", "a", 60_000)).toBe(false);
        expect(await store.releaseClaim("lease", "b")).toBe(true);
        expect(await store.claimOnce("lease", 60_000, "a")).toBe(true);
      });

      it("keeps a renewed lease past its first expiry", async () => {
        expect(await store.claimOnce("dispatcher", 200, "a")).toBe(true);
        await sleep(120);
        expect(await store.renewClaim("dispatcher", "a", 400)).toBe(true);
        await sleep(150);
        expect(await store.claimOnce("dispatcher", 200, "b")).toBe(false);
      });

      it("takes at most N uses of a quota in any window, shared by two clients and under concurrency", async () => {
        const other = backend.kind === "memory" ? store : await openStore(url, { namespace });
        try {
          const limit = { uses: 5, windowMs: 60_000 };
          const t0 = Date.UTC(2026, 10, 22, 8, 0, 0);
          const outcomes = await Promise.all(
            Array.from({ length: 12 }, (_, n) =>
              (n % 2 ? other : store).takeQuota("checks:p", limit, t0 + n),
            ),
          );
          expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
          // The oldest of the five leaves the window first: at t0 + 60 s, at the latest t0 + 11 + 60 s.
          const refused = await store.takeQuota("checks:p", limit, t0 + 30_000);
          expect(refused.ok).toBe(false);
          expect(refused.ok ? 0 : refused.retryInMs).toBeLessThanOrEqual(30_011);
          expect((await store.takeQuota("checks:p", limit, t0 + 60_012)).ok).toBe(true);
          expect((await store.takeQuota("checks:q", limit, t0 + 30_000)).ok).toBe(true);
        } finally {
          if (other !== store) await other.close();
        }
      });

      it("caches a value until its TTL", async () => {
        expect(await store.getCached("ooni:CN:whatsapp")).toBeUndefined();
        await store.setCached("ooni:CN:whatsapp", { measurements: 37 }, 150);
        expect(await store.getCached("ooni:CN:whatsapp")).toEqual({ measurements: 37 });
        await sleep(250);
        expect(await store.getCached("ooni:CN:whatsapp")).toBeUndefined();
        await expect(store.claimOnce("", 1000)).rejects.toThrow(RangeError);
      });

      it("writes an update with an expiry when asked, and drops the expiry on a plain update", async () => {
        await kv.update<number>("ttl", () => 1, { ttlMs: 100 });
        expect(await kv.get("ttl")).toBe(1);
        await sleep(200);
        expect(await kv.get("ttl")).toBeUndefined();
        await kv.update<number>("ttl", () => 2, { ttlMs: 100 });
        await kv.update<number>("ttl", (n) => (n ?? 0) + 1);
        await sleep(200);
        expect(await kv.get("ttl")).toBe(3);
      });
    });

    describe("remote agents: ingested measurements and heartbeats", () => {
      it("adds measurements idempotently by id and reads the fresh ones of one vantage", async () => {
        const batch = [measurement(1), measurement(2), measurement(3)];
        expect(await store.addIngested("bj-1", batch)).toEqual({ added: 3, duplicates: 0 });
        // A resend, and a batch overlapping it, add only what is new.
        expect(await store.addIngested("bj-1", batch)).toEqual({ added: 0, duplicates: 3 });
        expect(await store.addIngested("bj-1", [measurement(3), measurement(4)])).toEqual({
          added: 1,
          duplicates: 1,
        });
        const since = Date.parse("2026-03-01T12:02:00Z");
        expect((await store.ingestedSince("bj-1", since)).map((m) => m.id)).toEqual(["m-2", "m-3", "m-4"]);
        expect(await store.ingestedSince("sh-1", 0)).toEqual([]);
        expect((await store.ingestedSince("bj-1", 0))[0]).toEqual(measurement(1));
      });

      it("keeps each measurement once under concurrent resends", async () => {
        const batch = [measurement(10), measurement(11)];
        const results = await Promise.all(Array.from({ length: 8 }, () => store.addIngested("bj-1", batch)));
        expect(results.reduce((sum, r) => sum + r.added, 0)).toBe(2);
        expect(await store.ingestedSince("bj-1", 0)).toHaveLength(2);
      });

      it("keeps the latest INGESTED_CAP measurements of a vantage", async () => {
        const many = Array.from({ length: INGESTED_CAP + 5 }, (_, i) =>
          measurement(100_000 + i, {
            measurement_start_time: `2026-03-0${1 + Math.floor(i / 1000)} 00:00:00`,
          }),
        );
        await store.addIngested("bj-1", many);
        const kept = await store.ingestedSince("bj-1", 0);
        expect(kept).toHaveLength(INGESTED_CAP);
        expect(kept.map((m) => m.id)).not.toContain("m-100000");
        expect(kept.map((m) => m.id)).toContain(`m-${100_000 + INGESTED_CAP + 4}`);
      });

      it("records heartbeats, never moving one back", async () => {
        expect(await store.lastHeartbeat("bj-1")).toBeUndefined();
        await store.recordHeartbeat("bj-1", 2000);
        await store.recordHeartbeat("bj-1", 1000);
        expect(await store.lastHeartbeat("bj-1")).toBe(2000);
        await store.recordHeartbeat("bj-1", 3000);
        expect(await store.lastHeartbeat("bj-1")).toBe(3000);
        expect(await store.lastHeartbeat("sh-1")).toBeUndefined();
      });
    });

    describe("errors", () => {
      it("throws StoreError after close instead of answering 'no data'", async () => {
        await kv.set("k", 1);
        await kv.close();
        await expect(kv.get("k")).rejects.toThrow(StoreError);
        await expect(kv.set("k", 2)).rejects.toThrow(StoreError);
        await expect(kv.delete("k")).rejects.toThrow(StoreError);
        await expect(kv.update("k", () => 3)).rejects.toThrow(StoreError);

        await store.close();
        await expect(store.subscribers(WHATSAPP_CN)).rejects.toThrow(StoreError);
        await expect(store.subscribe("1", WHATSAPP_CN)).rejects.toThrow(StoreError);
        await expect(store.listStatuses("CN")).rejects.toThrow(StoreError);
      });

      it("passes on what the update function throws, and writes nothing", async () => {
        await kv.set("k", 1);
        await expect(
          kv.update("k", () => {
            throw new TypeError("bad input");
          }),
        ).rejects.toThrow("bad input");
        expect(await kv.get("k")).toBe(1);
      });
    });
  });
});

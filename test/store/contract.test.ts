import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ServiceStatus, Target, TimelineEntry } from "../../analysis/types.js";
import { TIMELINE_CAP } from "../../store/domain.js";
import { openKv, openStore } from "../../store/open.js";
import { type AtomicKv, type Store, StoreError } from "../../store/types.js";
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
    let kv: AtomicKv;
    let store: Store;

    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(async () => {
      const namespace = freshNamespace();
      kv = await openKv(url, { namespace });
      store = await openStore(url, { namespace });
    });
    afterEach(async () => {
      await kv.close();
      await store.close();
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

      it("loses no increment among 300 concurrent updates", async () => {
        await Promise.all(Array.from({ length: 300 }, () => kv.update<number>("hits", (n) => (n ?? 0) + 1)));
        expect(await kv.get("hits")).toBe(300);
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

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { StatusChange } from "../../analysis/status-engine.js";
import type { ServiceStatusValue, Target } from "../../model/status.js";
import type { Store } from "../../model/store.js";
import { type CycleObservation, runStatusCycle } from "../../pipeline/confirm.js";
import { openStore } from "../../store/open.js";
import { memoryLog } from "../scheduler/memory-log.js";
import { freshNamespace, memoryBackend, redisBackend, sqliteBackend } from "../store/fixtures.js";

const WHATSAPP_CN: Target = { service: "whatsapp", country: "CN" };
const TELEGRAM_CN: Target = { service: "telegram", country: "CN" };
const START = Date.UTC(2017, 8, 23);

const cycleTime = (n: number) => new Date(START + n * 600_000);

function seen(target: Target, status: ServiceStatusValue): CycleObservation {
  return {
    ...target,
    status,
    mechanism: status === "accessible" ? null : "tls",
    features: [{ feature: "media", status: status === "accessible" ? "ok" : "blocked", mechanism: null }],
    regions: [],
    confidence: 0.8,
  };
}

/** A store whose `method` throws on its `nth` call (1-based), as if the process died right there. */
function failingOnce(store: Store, method: keyof Store, nth = 1): Store {
  let calls = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls++;
        if (calls === nth) return Promise.reject(new Error(`injected ${String(method)} failure`));
        return value.apply(target, args);
      };
    },
  });
}

describe.each([memoryBackend(), sqliteBackend(), redisBackend()])("status cycle: $kind", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "against the real backend", () => {
    let url = "";
    let store: Store;

    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(async () => {
      store = await openStore(url, { namespace: freshNamespace() });
    });
    afterEach(async () => {
      await store.close();
    });

    /** Runs one cycle per letter (S accessible, F blocked, U unknown) for WhatsApp in China. */
    async function cycles(
      sequence: string,
      first: number,
      deps: Partial<Parameters<typeof runStatusCycle>[1]> = {},
    ) {
      const changes: StatusChange[] = [];
      const { log } = memoryLog();
      for (const [i, letter] of [...sequence].entries()) {
        const status = ({ S: "accessible", F: "blocked", U: "unknown" } as const)[letter as "S" | "F" | "U"];
        changes.push(
          ...(await runStatusCycle([seen(WHATSAPP_CN, status)], {
            store,
            threshold: 2,
            log,
            now: () => cycleTime(first + i),
            ...deps,
          })),
        );
      }
      return changes;
    }

    it("FFF: one change, the status with its since, one timeline entry, one queued event", async () => {
      const onChange = vi.fn();
      const changes = await cycles("FFF", 0, { onChange });
      expect(changes).toHaveLength(1);
      expect(onChange).toHaveBeenCalledTimes(1);
      expect(onChange).toHaveBeenCalledWith(changes[0]);
      expect(await store.getStatus(WHATSAPP_CN)).toMatchObject({
        status: "blocked",
        mechanism: "tls",
        since: cycleTime(0).toISOString(),
        checkedAt: cycleTime(2).toISOString(),
        confidence: 0.8,
      });
      expect(await store.getTimeline(WHATSAPP_CN)).toEqual([
        {
          at: cycleTime(0).toISOString(),
          from: null,
          to: "blocked",
          mechanism: "tls",
          // What the change rested on, kept for the feeds.
          features: [{ feature: "media", status: "blocked", mechanism: null }],
        },
      ]);
      expect(await store.pendingChanges()).toEqual(changes);
    });

    it("then SS: exactly one change back; FSFS... changes nothing", async () => {
      await cycles("FFF", 0);
      const back = await cycles("SS", 3);
      expect(back.map((c) => [c.from, c.to])).toEqual([["blocked", "accessible"]]);
      expect(await cycles("FS".repeat(20), 5)).toEqual([]);
      expect(await store.getStatus(WHATSAPP_CN)).toMatchObject({
        status: "accessible",
        since: cycleTime(3).toISOString(),
        checkedAt: cycleTime(44).toISOString(),
      });
      expect((await store.getTimeline(WHATSAPP_CN)).map((e) => e.to)).toEqual(["blocked", "accessible"]);
      expect(await store.pendingChanges()).toHaveLength(2);
    });

    it("shows no status before the first one is confirmed", async () => {
      await cycles("F", 0);
      expect(await store.getStatus(WHATSAPP_CN)).toBeUndefined();
      expect(await store.listStatuses("CN")).toEqual([]);
    });

    it("handles many targets in one cycle, each on its own", async () => {
      const { log } = memoryLog();
      const observations = [seen(WHATSAPP_CN, "blocked"), seen(TELEGRAM_CN, "accessible")];
      for (const n of [0, 1]) {
        await runStatusCycle(observations, { store, threshold: 2, log, now: () => cycleTime(n) });
      }
      expect((await store.listStatuses("CN")).map((s) => [s.service, s.status])).toEqual([
        ["telegram", "accessible"],
        ["whatsapp", "blocked"],
      ]);
    });

    it("keeps an observation's own time over the cycle's", async () => {
      const { log } = memoryLog();
      const at = (n: number) => cycleTime(n).toISOString();
      for (const n of [0, 1]) {
        await runStatusCycle([{ ...seen(WHATSAPP_CN, "blocked"), at: at(n) }], {
          store,
          threshold: 2,
          log,
          now: () => cycleTime(99),
        });
      }
      expect(await store.getStatus(WHATSAPP_CN)).toMatchObject({ since: at(0), checkedAt: at(1) });
    });

    it("a crash before the timeline write: the next cycle records the change, once", async () => {
      await cycles("F", 0);
      const crashing = failingOnce(store, "recordChange");
      const { log, messages } = memoryLog();
      await expect(
        runStatusCycle([seen(WHATSAPP_CN, "blocked")], {
          store: crashing,
          threshold: 2,
          log,
          now: () => cycleTime(1),
        }),
      ).rejects.toThrow(AggregateError);
      expect(messages("status update failed")).toHaveLength(1);
      expect(await store.getTimeline(WHATSAPP_CN)).toEqual([]);
      // The change was committed with the state: alerts already have it.
      expect(await store.pendingChanges()).toHaveLength(1);

      expect(await cycles("F", 2)).toEqual([]);
      expect(await store.getTimeline(WHATSAPP_CN)).toHaveLength(1);
      expect(await cycles("F", 3)).toEqual([]);
      expect(await store.getTimeline(WHATSAPP_CN)).toHaveLength(1);
      expect(await store.pendingChanges()).toHaveLength(1);
    });

    it("a crash before the status write: the next cycle writes it", async () => {
      await cycles("F", 0);
      const { log } = memoryLog();
      const crashing = failingOnce(store, "putStatus");
      await expect(
        runStatusCycle([seen(WHATSAPP_CN, "blocked")], {
          store: crashing,
          threshold: 2,
          log,
          now: () => cycleTime(1),
        }),
      ).rejects.toThrow(AggregateError);
      expect(await store.getStatus(WHATSAPP_CN)).toBeUndefined();
      await cycles("F", 2);
      expect(await store.getStatus(WHATSAPP_CN)).toMatchObject({
        status: "blocked",
        since: cycleTime(0).toISOString(),
      });
      expect(await store.getTimeline(WHATSAPP_CN)).toHaveLength(1);
    });

    it("the same cycle fed twice (a retry) counts once", async () => {
      const { log } = memoryLog();
      const deps = { store, threshold: 2, log, now: () => cycleTime(0) };
      await runStatusCycle([seen(WHATSAPP_CN, "blocked")], deps);
      expect(await runStatusCycle([seen(WHATSAPP_CN, "blocked")], deps)).toEqual([]);
      expect(await store.getStatus(WHATSAPP_CN)).toBeUndefined();
    });

    it("a failing change hook is logged and loses nothing", async () => {
      const { log, messages } = memoryLog();
      const onChange = () => {
        throw new Error("telegram down");
      };
      for (const n of [0, 1]) {
        await runStatusCycle([seen(WHATSAPP_CN, "blocked")], {
          store,
          threshold: 2,
          log,
          onChange,
          now: () => cycleTime(n),
        });
      }
      expect(messages("change hook failed")).toHaveLength(1);
      expect(await store.pendingChanges()).toHaveLength(1);
    });

    it("one target's failure does not stop the others", async () => {
      const { log } = memoryLog();
      const crashing = failingOnce(store, "updateEngineState");
      const observations = [seen(WHATSAPP_CN, "blocked"), seen(TELEGRAM_CN, "blocked")];
      const error = await runStatusCycle(observations, {
        store: crashing,
        threshold: 1,
        log,
        now: () => cycleTime(0),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AggregateError);
      expect((error as AggregateError).errors).toHaveLength(1);
      expect(await store.getStatus(TELEGRAM_CN)).toMatchObject({ status: "blocked" });
      expect(await store.getStatus(WHATSAPP_CN)).toBeUndefined();
    });

    it("stops at the deadline, leaving the targets not reached for the next cycle", async () => {
      const { log, messages } = memoryLog();
      const controller = new AbortController();
      const onChange = () => controller.abort();
      const changes = await runStatusCycle([seen(WHATSAPP_CN, "blocked"), seen(TELEGRAM_CN, "blocked")], {
        store,
        threshold: 1,
        log,
        onChange,
        signal: controller.signal,
        now: () => cycleTime(0),
      });
      expect(changes.map((c) => c.target.service)).toEqual(["whatsapp"]);
      expect(messages("status cycle stopped at its deadline")[0]).toMatchObject({ done: 1, total: 2 });
      expect(await store.getStatus(TELEGRAM_CN)).toBeUndefined();
    });
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseQuestion } from "../../bot/parse.js";
import type { Store } from "../../model/store.js";
import { buildAnswer } from "../../pipeline/answer.js";
import { openStore } from "../../store/open.js";
import { measuredInChina, miniKb } from "../helpers.js";
import { type Backend, freshNamespace, redisBackend, sqliteBackend } from "./fixtures.js";

// Issue 18's check at the level people see it: two replicas on one store (a SQLite file, a Redis), each
// answering from its own cache, answer alike, and a change confirmed on either is in the very next
// answer of both.

const BACKENDS: Backend[] = [sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis replica answers skipped");

const kb = miniKb();
const NOW = Date.parse("2026-11-21T10:05:00.000Z");

const measured = measuredInChina;

describe.each(BACKENDS)("two replicas answering: $kind", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "on one real backend", () => {
    let url = "";
    let replicas: Store[] = [];

    const answer = (store: Store) =>
      buildAnswer(parseQuestion("is chatapp blocked in china", kb), {
        kb,
        store,
        defaultCountry: "CN",
        now: () => NOW,
      });

    beforeAll(async () => {
      url = await backend.start();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(async () => {
      const namespace = freshNamespace();
      replicas = [await openStore(url, { namespace }), await openStore(url, { namespace })];
    });
    afterEach(async () => {
      await Promise.all(replicas.map((store) => store.close()));
    });

    it("shows a confirmed change in the very next answer of either replica, and both answer alike", async () => {
      const [a, b] = replicas as [Store, Store];
      await a.putStatus(measured("chatapp", "blocked"));
      await a.putStatus(measured("safechat", "accessible"));
      // Twice each: the second answer comes from memory.
      for (const store of [a, b, a, b]) {
        expect(await answer(store)).toMatchObject({ status: "blocked", basis: "measurement" });
      }
      expect(await answer(b)).toEqual(await answer(a));

      await b.putStatus(measured("chatapp", "accessible"));
      expect(await answer(a)).toMatchObject({ status: "accessible", basis: "measurement" });
      expect(await answer(b)).toEqual(await answer(a));

      await a.putStatus(measured("safechat", "blocked"));
      const alternatives = (await answer(b)).alternatives.find((s) => s.service === "safechat");
      expect(alternatives?.status).toBe("blocked");
      expect(await answer(a)).toEqual(await answer(b));
    });

    it("counts a report made through either replica in the very next answer of both", async () => {
      const [a, b] = replicas as [Store, Store];
      await a.putStatus(measured("chatapp", "accessible"));
      const before = [await answer(a), await answer(b)];
      await b.addReport("someone", { service: "chatapp", country: "CN" }, NOW - 60_000);
      const after = [await answer(a), await answer(b)];
      expect(before.map((x) => x.recentReports ?? 0)).toEqual([0, 0]);
      expect(after.map((x) => x.recentReports)).toEqual([1, 1]);
    });
  });
});

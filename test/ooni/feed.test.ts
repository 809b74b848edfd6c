import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import {
  FASTPATH_DIR,
  haveExplorerApi,
  OONI_RAW_DIR,
  type OoniApiServer,
  recordedFromRaw,
  recordedMeasurement,
  redated,
  refiled,
  startOoniApiServer,
} from "../../lab/ooni-api-server.js";
import { createOoniApi } from "../../ooni/api.js";
import { createOoniFeed, type OoniFeedOptions } from "../../ooni/feed.js";
import { createRateLimiter } from "../../ooni/request-budget.js";
import type { FeedCollection, KnownReadings } from "../../pipeline/readings.js";
import { realKb } from "../helpers.js";

// The OONI feed against a loopback replay of OONI's API serving REAL recorded measurements re-dated to the
// last hour: what it reads, in what order, within what budget, and how it rides out 429s and 5xx.

const haveData = haveExplorerApi && existsSync(FASTPATH_DIR);
if (!haveData) console.warn(`OONI feed tests skipped: ${OONI_RAW_DIR} is absent (it lives in ../shared)`);

const kb = realKb();
// The API client keeps OONI's pauses on the real clock, so the feed's clock is the real one too.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
const nothingKnown: KnownReadings = () => new Map();
const LISTINGS = 5; // web_connectivity and the four instant-messaging tests, per country

describe.skipIf(!haveData)("the OONI feed", () => {
  let server: OoniApiServer;
  let waits: number[];
  const IR_SIGNAL = "20210415084230.511612_IR_signal_ed269d082953bf2e";

  beforeAll(async () => {
    const signal = recordedMeasurement(IR_SIGNAL);
    server = await startOoniApiServer([
      // Signal in Iran on AS43754 (blocked by DNS), and the same network an hour earlier.
      redated(signal, minutesAgo(30)),
      redated(refiled(signal, { probe_cc: "IR", probe_asn: 43754, uid: true }), minutesAgo(90)),
      // Signal in Iran on another network: a real measurement that worked, filed there.
      redated(
        refiled(recordedMeasurement("20210414233242.034345_BR_signal_390dca674022005a"), {
          probe_cc: "IR",
          probe_asn: 197207,
          uid: true,
        }),
        minutesAgo(20),
      ),
      // Facebook's site in Iran (DNS) and Wikipedia in Iran (DNS).
      redated(recordedFromRaw(join(FASTPATH_DIR, "web_connectivity_ir_fp.json")), minutesAgo(40)),
      redated(recordedFromRaw(join(FASTPATH_DIR, "bug_352.json")), minutesAgo(50)),
      // From the future: a clock gone wrong on a volunteer's phone is not evidence.
      redated(recordedMeasurement("20221109225810.435617_RU_telegram_ecbc73cacd8ea566"), minutesAgo(-60)),
    ]);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    waits = [];
  });

  const feed = (options: Partial<OoniFeedOptions> = {}) =>
    createOoniFeed({
      api: createOoniApi({
        baseUrl: server.url,
        fetch,
        now: Date.now,
        timeoutMs: 5_000,
        signal: new AbortController().signal,
        limiter: createRateLimiter({ capacity: 1_000, refillPerSecond: 1_000, now: Date.now }),
      }),
      kb,
      log: createLogger({ level: "silent" }),
      countries: ["IR", "RU"],
      budget: 100,
      now: () => NOW,
      // Back-offs are recorded, not slept: a 5xx's wait is the feed's own choice.
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    });
  const metaRequests = () => server.requests.filter((r) => r.startsWith("/api/v1/measurement_meta"));
  const readingsOf = (collection: FeedCollection, service: string, country: string) =>
    collection.readings.get(`${service}\u0000${country}`)?.readings ?? [];

  it("reads the newest measurement of each (service, country, network), judged by our analyzer", async () => {
    const collection = await feed().collect(nothingKnown);
    expect(collection).toMatchObject({ pairsListed: 3, pairsRead: 3, incomplete: false });
    expect(collection.requests).toBe(2 * LISTINGS + 4);
    const signal = readingsOf(collection, "signal", "IR");
    const byNetwork = [...signal].sort((a, b) => a.vantage.localeCompare(b.vantage));
    expect(byNetwork.map((r) => [r.vantage, r.status, r.measuredAt])).toEqual([
      ["ooni:AS197207", "accessible", minutesAgo(20)],
      ["ooni:AS43754", "blocked", minutesAgo(30)],
    ]);
    expect(byNetwork[1]).toMatchObject({ kind: "ooni", mechanism: "dns", network: { asn: 43754 } });
    expect(readingsOf(collection, "facebook", "IR")).toMatchObject([{ status: "blocked", controlled: true }]);
    expect(readingsOf(collection, "wikipedia", "IR")).toMatchObject([{ status: "blocked" }]);
    expect(readingsOf(collection, "telegram", "RU")).toEqual([]);
  });

  it("reads nothing it has read: a network's kept reading as new as OONI's newest is left alone", async () => {
    const known: KnownReadings = (target) =>
      target.service === "signal" && target.country === "IR"
        ? new Map([
            ["ooni:AS43754", minutesAgo(30)],
            ["ooni:AS197207", minutesAgo(20)],
          ])
        : new Map();
    const collection = await feed().collect(known);
    expect(readingsOf(collection, "signal", "IR")).toEqual([]);
    expect(metaRequests()).toHaveLength(2);
  });

  it("within a small budget, fills pairs with nothing kept before refreshing known ones", async () => {
    const known: KnownReadings = (target) =>
      target.service === "facebook" ? new Map([["ooni:AS44244", minutesAgo(600)]]) : new Map();
    const collection = await feed({ budget: 2 * LISTINGS + 2 }).collect(known);
    expect(collection).toMatchObject({ requests: 2 * LISTINGS + 2, incomplete: true });
    expect(readingsOf(collection, "facebook", "IR")).toEqual([]);
    expect(collection.readings.size).toBe(2);
  });

  it("pauses for a 429's Retry-After and resumes, losing nothing", async () => {
    server.failNext({ path: "/api/v1/measurement_meta", status: 429, headers: { "retry-after": "1" } });
    // Real waits: the API client honours the pause too, so the feed's wait must really pass.
    const collection = await feed({ sleep: undefined }).collect(nothingKnown);
    expect(collection).toMatchObject({ pairsRead: 3, incomplete: false });
    expect(readingsOf(collection, "signal", "IR")).toHaveLength(2);
  });

  it("backs off on 5xx and resumes; when OONI keeps failing it stops, keeps what it read, and the next cycle goes on", async () => {
    server.failNext({ path: "/api/v1/measurement_meta", status: 503, times: 2 });
    const resumed = await feed().collect(nothingKnown);
    expect(waits).toEqual([1_000, 1_000]);
    expect(resumed).toMatchObject({ pairsRead: 3, incomplete: false });

    // Measurements OONI never serves: the cycle gives up on OONI after backing off 1, 2, then 4 s.
    waits = [];
    server.respond = (path, params) =>
      path === "/api/v1/measurement_meta" && params.get("measurement_uid")?.includes("_IR_signal_")
        ? { status: 502, body: { msg: "bad gateway" } }
        : undefined;
    try {
      const failing = await feed().collect(nothingKnown);
      expect(failing.incomplete).toBe(true);
      expect([...new Set(waits)].sort((a, b) => a - b)).toEqual([1_000, 2_000, 4_000]);
      expect(failing.readings.size).toBe(failing.pairsRead);
      // What it read counts as read: the next cycle asks only for the rest.
      const read = new Map(
        [...failing.readings.values()].map(({ target, readings }) => [
          `${target.service}/${target.country}`,
          new Map(readings.map((r) => [r.vantage, r.measuredAt])),
        ]),
      );
      server.respond = undefined;
      server.requests.length = 0;
      const next = await feed().collect((t) => read.get(`${t.service}/${t.country}`) ?? new Map());
      expect(metaRequests()).toHaveLength(4 - [...read.values()].reduce((n, m) => n + m.size, 0));
      expect(next.incomplete).toBe(false);
    } finally {
      server.respond = undefined;
    }
  });
});

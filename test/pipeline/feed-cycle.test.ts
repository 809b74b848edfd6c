import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import type { VantageReading } from "../../model/readings.js";
import type { ServiceStatusValue, Target } from "../../model/status.js";
import type { Store } from "../../model/store.js";
import {
  type ConfirmDeps,
  confirmReadings,
  type FeedCollection,
  type ReadingFeed,
  runFeedCycle,
  type TargetReadings,
} from "../../pipeline/readings.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";

// A feed cycle (pipeline/readings.ts) with a feed of our own making: the OONI feed's port, fed readings
// by hand, and a real store. What a status knows of its sources, how it is confirmed over cycles that
// bring nothing new, and when its evidence stops counting.

const kb = realKb();
const SIGNAL_IR: Target = { service: "signal", country: "IR" };
const HOUR = 3_600_000;
const START = Date.parse("2026-12-01T00:00:00Z");

function ooniReading(asn: number, status: ServiceStatusValue, measuredAtMs: number): VantageReading {
  return {
    vantage: `ooni:AS${asn}`,
    kind: "ooni",
    region: null,
    network: { asn, name: `Network ${asn}` },
    online: true,
    status,
    mechanism: status === "blocked" ? "dns" : null,
    features: [{ feature: "text", status: status === "blocked" ? "blocked" : "ok", mechanism: null }],
    measuredAt: new Date(measuredAtMs).toISOString(),
    measurements: 1,
    controlled: false,
    positive: status === "blocked" ? 1 : 0,
    direct: status === "accessible" ? 1 : 0,
    evidence: [],
  };
}

/** A feed that hands over what a test queues for its next cycle, once. */
function queuedFeed(): ReadingFeed & { next: TargetReadings[] } {
  const feed = {
    next: [] as TargetReadings[],
    async collect(): Promise<FeedCollection> {
      const readings = new Map(feed.next.map((t) => [`${t.target.service}\u0000${t.target.country}`, t]));
      feed.next = [];
      return {
        readings,
        requests: readings.size,
        pairsListed: readings.size,
        pairsRead: readings.size,
        incomplete: false,
      };
    },
  };
  return feed;
}

describe("a feed cycle", () => {
  let store: Store;
  let clock: number;
  const deps = (): ConfirmDeps & { store: Store } => ({
    kb,
    store,
    threshold: 2,
    firstThreshold: 1,
    log: createLogger({ level: "silent" }),
    now: () => new Date(clock),
  });

  beforeEach(async () => {
    store = await openStore("memory:");
    clock = START;
  });
  afterEach(async () => {
    await store.close();
  });

  it("takes a first status from one cycle, with its sources and networks", async () => {
    const feed = queuedFeed();
    feed.next = [
      {
        target: SIGNAL_IR,
        readings: [
          ooniReading(43754, "blocked", START - HOUR),
          ooniReading(197207, "accessible", START - 2 * HOUR),
        ],
      },
    ];
    const { changes } = await runFeedCycle(feed, [SIGNAL_IR], deps());
    expect(changes).toMatchObject([{ from: null, to: "partial" }]);
    const status = await store.getStatus(SIGNAL_IR);
    expect(status?.sources).toEqual([
      {
        kind: "ooni",
        status: "partial",
        vantages: ["ooni:AS43754", "ooni:AS197207"],
        networks: [
          { asn: 43754, name: "Network 43754" },
          { asn: 197207, name: "Network 197207" },
        ],
        measurements: 2,
        latestAt: new Date(START - HOUR).toISOString(),
        earliestAt: new Date(START - 2 * HOUR).toISOString(),
      },
    ]);
    expect(status?.networks).toEqual([
      { asn: 43754, name: "Network 43754", status: "blocked" },
      { asn: 197207, name: "Network 197207", status: "accessible" },
    ]);
  });

  it("confirms a change over cycles that bring nothing new: the kept evidence is observed again", async () => {
    const feed = queuedFeed();
    feed.next = [{ target: SIGNAL_IR, readings: [ooniReading(43754, "blocked", START - HOUR)] }];
    await runFeedCycle(feed, [SIGNAL_IR], deps());
    clock += HOUR;
    feed.next = [{ target: SIGNAL_IR, readings: [ooniReading(43754, "accessible", clock - 10 * 60_000)] }];
    expect((await runFeedCycle(feed, [SIGNAL_IR], deps())).changes).toEqual([]);
    clock += HOUR;
    const { changes } = await runFeedCycle(feed, [SIGNAL_IR], deps());
    expect(changes).toMatchObject([{ from: "blocked", to: "accessible" }]);
    clock += HOUR;
    expect((await runFeedCycle(feed, [SIGNAL_IR], deps())).changes).toEqual([]);
    expect((await store.getStatus(SIGNAL_IR))?.checkedAt).toBe(new Date(clock).toISOString());
  });

  it("stops observing a target once its evidence is past the freshness window", async () => {
    const feed = queuedFeed();
    feed.next = [{ target: SIGNAL_IR, readings: [ooniReading(43754, "blocked", START - HOUR)] }];
    await runFeedCycle(feed, [SIGNAL_IR], deps());
    clock += 47 * HOUR;
    await runFeedCycle(feed, [SIGNAL_IR], deps());
    const lastChecked = new Date(clock).toISOString();
    clock += 2 * HOUR;
    await runFeedCycle(feed, [SIGNAL_IR], deps());
    expect(await store.getStatus(SIGNAL_IR)).toMatchObject({ status: "blocked", checkedAt: lastChecked });
  });

  it("names a registered network by the bundled ASN dataset, so answers can say which networks block", async () => {
    const agent: VantageReading = {
      ...ooniReading(0, "blocked", START - 5 * 60_000),
      vantage: "bj-1",
      kind: "agent",
      // What analysis/judge-cycle.ts gives a vantage registered with `asn: 4134`.
      network: { asn: 4134, name: "AS4134" },
    };
    await confirmReadings([{ target: { service: "whatsapp", country: "CN" }, readings: [agent] }], deps());
    const status = await store.getStatus({ service: "whatsapp", country: "CN" });
    expect(status?.networks).toEqual([{ asn: 4134, name: "Chinanet", status: "blocked" }]);
    expect(status?.sources?.[0]).toMatchObject({
      kind: "agent",
      networks: [{ asn: 4134, name: "Chinanet" }],
    });
  });

  it("keeps our probes' and OONI's readings side by side, each source with its own status", async () => {
    const probe: VantageReading = {
      ...ooniReading(0, "accessible", START - 5 * 60_000),
      vantage: "teh-1",
      kind: "probe",
      network: null,
      controlled: true,
    };
    await confirmReadings([{ target: SIGNAL_IR, readings: [probe] }], deps());
    clock += 60_000;
    await confirmReadings(
      [{ target: SIGNAL_IR, readings: [ooniReading(43754, "blocked", START - HOUR)] }],
      deps(),
    );
    const kept = (await store.getReadings([SIGNAL_IR]))[0] ?? [];
    expect(kept.map((r) => r.vantage).sort()).toEqual(["ooni:AS43754", "teh-1"]);
    // Blocked on one network, working on another: partial, once a second cycle sees the same.
    clock += 60_000;
    const { changes } = await runFeedCycle(queuedFeed(), [SIGNAL_IR], deps());
    expect(changes).toMatchObject([{ from: "accessible", to: "partial" }]);
    const status = await store.getStatus(SIGNAL_IR);
    expect(status?.sources?.map((s) => [s.kind, s.status])).toEqual([
      ["probe", "accessible"],
      ["ooni", "blocked"],
    ]);
  });
});

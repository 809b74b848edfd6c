import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RemoteObservations } from "../../analysis/observations.js";
import { loadConfig } from "../../core/config.js";
import { createMetrics } from "../../core/metrics.js";
import { DEFAULT_TIMEOUTS } from "../../model/measurement.js";
import { type CycleApp, runFullCycle } from "../../pipeline/cycle.js";
import type { VantagePlan } from "../../pipeline/vantages.js";
import { openStore } from "../../store/open.js";
import { miniKb } from "../helpers.js";
import { both, control, probe, seen } from "../probes/observations.js";
import { memoryLog } from "../scheduler/memory-log.js";

// runFullCycle with remote agents: this host runs no vantage of its own (so no packet is sent at all), the
// agents' observations come from a provider, and statuses are confirmed into a memory store.

const NO_LOCAL_VANTAGES: VantagePlan = { vantages: [], timeouts: DEFAULT_TIMEOUTS };
const CHATAPP_CN = { service: "chatapp", country: "CN" };

const bj = probe("bj-1", "beijing");
const sh = probe("sh-1", "shanghai");
const agentControl = control("agent-de");
/** Blocked in Beijing, working in Shanghai, and the agents' control reaches it. */
const regional: RemoteObservations = {
  vantages: [bj, sh, agentControl],
  measurements: [...both(bj, "reset"), ...both(sh, "ok"), ...both(agentControl, "ok")],
  offline: [],
};

let app: CycleApp;
let logged: ReturnType<typeof memoryLog>;

beforeEach(async () => {
  logged = memoryLog();
  app = {
    config: loadConfig({ STORE_URL: "memory:", STATUS_THRESHOLD: "2" }),
    log: logged.log,
    kb: miniKb(),
    store: await openStore("memory:"),
    metrics: createMetrics(),
    // This host runs no vantage of its own here: nothing may be measured.
    measure: () => Promise.reject(new Error("nothing is measured from this host in this test")),
  };
});
afterEach(async () => {
  await app.store.close();
});

const cycle = async (remote?: () => Promise<RemoteObservations>) => {
  // The status engine takes an observation no newer than the last one for a replay and ignores it: two
  // cycles within one millisecond (these take about one) would count as one.
  await new Promise((resolve) => setTimeout(resolve, 2));
  return runFullCycle(app, {
    plan: NO_LOCAL_VANTAGES,
    services: ["chatapp"],
    ...(remote ? { remote } : {}),
  });
};

describe("runFullCycle with remote agents", () => {
  it("confirms a regional block from agents, keeping regions and the disagreement in the store", async () => {
    let asked = 0;
    const remote = async () => {
      asked++;
      return regional;
    };
    const first = await cycle(remote);
    expect(first.cycle.results.map((r) => [r.country, r.status])).toEqual([["CN", "partial"]]);
    expect(first.changes).toEqual([]);
    expect(await app.store.getStatus(CHATAPP_CN)).toBeUndefined();

    const second = await cycle(remote);
    expect(asked).toBe(2);
    expect(second.changes.map((c) => [c.from, c.to])).toEqual([[null, "partial"]]);
    const stored = await app.store.getStatus(CHATAPP_CN);
    expect(stored).toMatchObject({
      status: "partial",
      mechanism: "tls",
      confidence: 1,
      regions: [
        { region: "beijing", status: "blocked" },
        { region: "shanghai", status: "accessible" },
      ],
      vantages: [
        { vantage: "bj-1", region: "beijing", status: "blocked" },
        { vantage: "sh-1", region: "shanghai", status: "accessible" },
      ],
    });
  });

  it("clears a stored disagreement once the vantages agree again", async () => {
    await cycle(async () => regional);
    await cycle(async () => regional);
    // Shanghai's agent goes dark: Beijing alone decides, and a dark vantage is no disagreement.
    const agreeing: RemoteObservations = { ...regional, offline: ["sh-1"] };
    await cycle(async () => agreeing);
    await cycle(async () => agreeing);
    const stored = await app.store.getStatus(CHATAPP_CN);
    expect(stored?.status).toBe("blocked");
    // Half the vantages agree, and Beijing's is one vantage with a control and two measurements:
    // 0.5 × 0.75 × 0.8 (analysis/confidence.ts).
    expect(stored?.confidence).toBe(0.3);
    expect(stored?.vantages).toBeUndefined();
  });

  it("a status confirmed under disagreement drops it when the next agreeing cycle keeps that status", async () => {
    await cycle(async () => regional);
    await cycle(async () => regional);
    expect((await app.store.getStatus(CHATAPP_CN))?.vantages).toHaveLength(2);
    // Same status, partial, now seen by one vantage alone (Beijing's agent went dark, so its last reading
    // no longer counts): no split, and the disagreement is gone.
    const partialAlone: RemoteObservations = {
      vantages: [bj, sh, agentControl],
      measurements: [...both(agentControl, "ok"), seen(sh, "text", "ok"), seen(sh, "media", "reset")],
      offline: ["bj-1"],
    };
    await cycle(async () => partialAlone);
    const stored = await app.store.getStatus(CHATAPP_CN);
    expect(stored?.status).toBe("partial");
    expect(stored?.vantages).toBeUndefined();
  });

  it("without a remote provider and without local vantages there is nothing to judge", async () => {
    const { cycle: result, changes } = await cycle();
    expect(result.results).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("an unreadable provider is logged and costs the agents' countries this cycle, not the cycle", async () => {
    const { cycle: result } = await cycle(async () => {
      throw new Error("store went away");
    });
    expect(result.results).toEqual([]);
    expect(
      logged.messages("remote observations unavailable: judging this host's vantages only"),
    ).toHaveLength(1);
  });

  it("offline agents are reported with the cycle's offline vantages", async () => {
    const { cycle: result } = await cycle(async () => ({
      vantages: [bj, agentControl],
      measurements: both(agentControl, "ok"),
      offline: ["bj-1"],
    }));
    expect(result.offline).toEqual(["bj-1"]);
    expect(result.results[0]).toMatchObject({ status: "unknown", confidence: 0, vantages: ["bj-1"] });
  });
});

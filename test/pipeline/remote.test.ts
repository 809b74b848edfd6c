import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJudge } from "../../analysis/judge.js";
import { DEFAULT_TIMEOUTS } from "../../model/measurement.js";
import type { Store } from "../../model/store.js";
import { parseAgents } from "../../pipeline/agents.js";
import { runProbeCycle } from "../../pipeline/measure.js";
import { createRemoteProvider } from "../../pipeline/remote.js";
import { measurerOn } from "../../probes/endpoint.js";
import { realNetwork } from "../../probes/network.js";
import { openStore } from "../../store/open.js";
import { miniKb } from "../helpers.js";
import { measurement } from "../ingest/support.js";

// Liveness: an agent whose heartbeat is missed is offline, and its country's results turn unknown in
// the cycle that judges it, whatever it measured before. No local vantage: no probe is sent at all.

const NOW = new Date("2026-03-01T12:40:00Z");
const MINUTE = 60_000;
const agents = parseAgents(
  {
    staleAfterSeconds: 1800,
    agents: [{ id: "bj-1", country: "CN", region: "beijing", role: "probe", key: "b".repeat(32) }],
  },
  "agents.yaml",
);

describe("remote provider", () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore("memory:");
    await store.addIngested("bj-1", [
      measurement(1, {
        vantage: "bj-1",
        input: "tls://chat.chatapp.example:443",
        feature: "text",
        measurement_start_time: "2026-03-01 12:20:00",
      }),
      measurement(2, {
        vantage: "bj-1",
        input: "tls://media.chatapp.example:443",
        feature: "media",
        measurement_start_time: "2026-03-01 12:35:00",
      }),
    ]);
  });
  afterEach(() => store.close());

  const judge = createJudge(miniKb());
  const provider = () => createRemoteProvider({ store, agents, online: judge.online, now: () => NOW });
  const cycle = () =>
    runProbeCycle({
      kb: miniKb(),
      plan: { vantages: [], timeouts: DEFAULT_TIMEOUTS },
      judge,
      measure: measurerOn(realNetwork),
      concurrency: 1,
      services: ["chatapp"],
      remote: provider(),
    });

  it("gives a live agent's fresh measurements, the latest per endpoint", async () => {
    await store.recordHeartbeat("bj-1", NOW.getTime() - 5 * MINUTE);
    await store.addIngested("bj-1", [
      measurement(3, {
        vantage: "bj-1",
        input: "tls://chat.chatapp.example:443",
        feature: "text",
        measurement_start_time: "2026-03-01 12:30:00",
      }),
    ]);
    const observed = await provider()();
    expect(observed.offline).toEqual([]);
    expect(observed.vantages).toEqual([{ id: "bj-1", country: "CN", region: "beijing", role: "probe" }]);
    expect(observed.measurements.map((m) => m.id).sort()).toEqual(["m-2", "m-3"]);
    const live = await cycle();
    expect(live.offline).toEqual([]);
    expect(live.results[0]?.evidence.join("\n")).not.toMatch(/offline/);
  });

  it("turns a vantage whose heartbeat was missed offline, and its results unknown", async () => {
    await store.recordHeartbeat("bj-1", NOW.getTime() - 31 * MINUTE);
    expect((await provider()()).offline).toEqual(["bj-1"]);
    const stale = await cycle();
    expect(stale.offline).toEqual(["bj-1"]);
    expect(stale.results).toHaveLength(1);
    expect(stale.results[0]).toMatchObject({ service: "chatapp", country: "CN", status: "unknown" });
    expect(stale.results[0]?.features.every((f) => f.status === "unknown")).toBe(true);
  });

  it("counts an agent never heard from, or whose latest canary failed, as offline", async () => {
    expect((await provider()()).offline).toEqual(["bj-1"]);
    await store.recordHeartbeat("bj-1", NOW.getTime());
    const failedCanary = measurement(9, {
      test_name: "isblocked_canary",
      vantage: "bj-1",
      input: "tls://www.baidu.com:443",
      service: null,
      feature: null,
      measurement_start_time: "2026-03-01 12:39:00",
    });
    failedCanary.test_keys.tcp_connect = [
      {
        ip: "127.0.0.1",
        port: 443,
        status: { success: false, failure: "generic_timeout_error" },
        t0: 0,
        t: 5,
      },
    ];
    await store.addIngested("bj-1", [failedCanary]);
    const observed = await provider()();
    expect(observed.offline).toEqual(["bj-1"]);
    expect(observed.measurements).toEqual([]);
  });
});

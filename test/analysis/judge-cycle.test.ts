import { describe, expect, it } from "vitest";
import { createJudge } from "../../analysis/judge.js";
import { judgeCycle, type ProbeResult } from "../../analysis/judge-cycle.js";
import { joinObservations, type RemoteObservations } from "../../analysis/observations.js";
import type { Service } from "../../kb/schema.js";
import type { Measurement, Vantage } from "../../model/measurement.js";
import type { Verdict } from "../../model/status.js";
import { miniKb } from "../helpers.js";
import { both, control, probe, seen } from "../probes/observations.js";

// The judging half of a cycle, pure: this host's vantages and remote agents' judged together. Scenarios
// are named data like OONI's QA: who observed what, and the truthful answer. ChatApp (kb-mini) has two
// essential features, text and media, one TLS endpoint each.

const kb = miniKb();
const chatapp = kb.service("chatapp") as Service;
const judge = createJudge(kb);

interface Local {
  vantages: Vantage[];
  measurements: Measurement[];
  offline?: string[];
}

function judged(local: Local, remote?: RemoteObservations, country?: string): ProbeResult[] {
  const observed = joinObservations({ offline: [], ...local }, remote);
  return judgeCycle([chatapp], observed, judge, country);
}
const only = (results: ProbeResult[]) => {
  expect(results).toHaveLength(1);
  return results[0] as ProbeResult;
};
const features = (r: ProbeResult) =>
  Object.fromEntries(r.features.map((f) => [f.feature, f.status])) as Record<string, Verdict>;

const local = probe("local");
const bj = probe("bj-1", "beijing");
const bj2 = probe("bj-2", "beijing");
const sh = probe("sh-1", "shanghai");
const de = control("de-1");
const agentControl = control("agent-de");

describe("each vantage's reading", () => {
  it("carries the network its vantage registered, and none when it registered none", () => {
    const onChinanet = { ...bj, asn: 4134 };
    const measurements = [...both(onChinanet, "ok"), ...both(sh, "reset"), ...both(de, "ok")];
    const result = only(judged({ vantages: [onChinanet, sh, de], measurements }));
    const networks = Object.fromEntries(result.readings.map((r) => [r.vantage, r.network]));
    expect(networks).toEqual({ "bj-1": { asn: 4134, name: "AS4134" }, "sh-1": null });
  });
});

describe("judging a cycle over local and remote vantages", () => {
  it("no remote: the same result as before, whether the provider gave nothing or was absent", () => {
    const measurements = [seen(local, "text", "ok"), seen(local, "media", "reset"), ...both(de, "ok")];
    const alone = only(judged({ vantages: [local, de], measurements }));
    expect(alone).toMatchObject({
      service: "chatapp",
      country: "CN",
      region: null,
      status: "partial",
      mechanism: "tls",
      features: [
        { feature: "text", status: "ok", mechanism: null },
        { feature: "media", status: "blocked", mechanism: "tls" },
      ],
      regions: [],
      vantages: ["local"],
      // One vantage and a control: never certain (analysis/confidence.ts).
      confidence: 0.75,
      method: { vantages: 1, controls: 1, measurements: 4, positive: 0, direct: 0 },
      disagreement: null,
    });
    expect(alone.measurements.map((m) => m.vantage).sort()).toEqual(["de-1", "de-1", "local", "local"]);
    const withEmpty = only(
      judged({ vantages: [local, de], measurements }, { vantages: [], measurements: [], offline: [] }),
    );
    expect(withEmpty).toEqual(alone);
  });

  it("two regions disagree: blocked in Beijing, accessible in Shanghai → partial, and the split is kept", () => {
    const remote: RemoteObservations = {
      vantages: [bj, sh],
      measurements: [...both(bj, "reset"), ...both(sh, "ok")],
      offline: [],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(r.status).toBe("partial");
    expect(r.mechanism).toBe("tls");
    expect(r.regions).toEqual([
      { region: "beijing", status: "blocked" },
      { region: "shanghai", status: "accessible" },
    ]);
    expect(r.disagreement).toEqual([
      { vantage: "bj-1", region: "beijing", status: "blocked" },
      { vantage: "sh-1", region: "shanghai", status: "accessible" },
    ]);
    // Blocked for the people in Beijing: a feature that works elsewhere is still blocked there.
    expect(features(r)).toEqual({ text: "blocked", media: "blocked" });
    expect(r.confidence).toBe(1);
    expect(r.vantages).toEqual(["bj-1", "sh-1"]);
    expect(r.region).toBeNull();
  });

  it("two vantages of one region disagree: the region is partial, and both are listed", () => {
    const remote: RemoteObservations = {
      vantages: [bj, bj2],
      measurements: [...both(bj, "reset"), ...both(bj2, "ok")],
      offline: [],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(r.regions).toEqual([{ region: "beijing", status: "partial" }]);
    expect(r.region).toBe("beijing");
    expect(r.disagreement?.map((v) => v.status)).toEqual(["blocked", "accessible"]);
  });

  it("vantages that agree: one status, full confidence, no disagreement recorded", () => {
    const remote: RemoteObservations = {
      vantages: [bj, sh],
      measurements: [...both(bj, "reset"), ...both(sh, "reset")],
      offline: [],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(r).toMatchObject({ status: "blocked", mechanism: "tls", confidence: 1, disagreement: null });
    expect(r.perVantage.map((v) => v.status)).toEqual(["blocked", "blocked"]);
  });

  it("all offline → unknown, confidence 0, never blocked", () => {
    const remote: RemoteObservations = { vantages: [bj], measurements: both(bj, "reset"), offline: ["bj-1"] };
    const r = only(
      judged({ vantages: [local, de], measurements: both(de, "ok"), offline: ["local"] }, remote),
    );
    expect(r).toMatchObject({ status: "unknown", mechanism: null, confidence: 0, disagreement: null });
    expect(features(r)).toEqual({ text: "unknown", media: "unknown" });
    expect(r.evidence).toEqual([
      "local: vantage offline: its canary failed, so its results are unknown",
      "bj-1: agent offline: a missed heartbeat or a failed canary, so its results are unknown",
    ]);
  });

  it("a dark vantage is never blocked: its stale failures count for nothing, the others decide", () => {
    const remote: RemoteObservations = {
      vantages: [bj, sh],
      measurements: [...both(bj, "reset"), ...both(sh, "ok")],
      offline: ["bj-1"],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(r.status).toBe("accessible");
    expect(r.regions).toEqual([
      { region: "beijing", status: "unknown" },
      { region: "shanghai", status: "accessible" },
    ]);
    expect(r.perVantage).toEqual([
      { vantage: "bj-1", region: "beijing", status: "unknown" },
      { vantage: "sh-1", region: "shanghai", status: "accessible" },
    ]);
    expect(r.disagreement).toBeNull();
    // Half the vantages agree, and the one that counts is alone with its control: 0.5 × 0.75.
    expect(r.confidence).toBe(0.375);
  });

  it("a remote control makes a local failure blocked", () => {
    const remote: RemoteObservations = {
      vantages: [agentControl],
      measurements: both(agentControl, "ok"),
      offline: [],
    };
    const r = only(judged({ vantages: [local], measurements: both(local, "reset") }, remote));
    expect(r).toMatchObject({ status: "blocked", mechanism: "tls", confidence: 0.75 });
    expect(r.method).toMatchObject({ vantages: 1, controls: 1, positive: 0 });
    expect(r.measurements.filter((m) => m.vantage === "agent-de")).toHaveLength(2);
  });

  it("both failing, here and at the remote control → an outage, not a block", () => {
    const remote: RemoteObservations = {
      vantages: [agentControl],
      measurements: both(agentControl, "down"),
      offline: [],
    };
    const r = only(judged({ vantages: [local], measurements: both(local, "down") }, remote));
    expect(r.status).toBe("outage");
    expect(features(r)).toEqual({ text: "down", media: "down" });
  });

  it("a local failure with no control at all, or only an offline one, stays unknown", () => {
    const failing = { vantages: [local], measurements: both(local, "reset") };
    expect(only(judged(failing)).status).toBe("unknown");
    const darkControl: RemoteObservations = {
      vantages: [agentControl],
      measurements: both(agentControl, "ok"),
      offline: ["agent-de"],
    };
    expect(only(judged(failing, darkControl)).status).toBe("unknown");
  });

  it("a service the agent did not measure in this window is not measured there: unknown, said so", () => {
    const remote: RemoteObservations = {
      vantages: [bj],
      measurements: [seen(bj, "text", "ok")],
      offline: [],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(features(r)).toEqual({ text: "ok", media: "unknown" });
    expect(r.status).toBe("unknown");
    expect(r.evidence).toContain("bj-1: 1 endpoint(s) not measured by this agent in this window");
  });

  it("an outage in one place and a block in another contradict each other → unknown", () => {
    const remote: RemoteObservations = {
      vantages: [bj, sh, agentControl],
      measurements: [...both(bj, "reset"), ...both(sh, "ok"), ...both(agentControl, "ok")],
      offline: [],
    };
    // The local control fails where the remote one works: per endpoint, one control that works is enough.
    const r = only(judged({ vantages: [de], measurements: both(de, "down") }, remote));
    expect(r.status).toBe("partial");
    const contradicting: RemoteObservations = {
      vantages: [bj, sh],
      measurements: [...both(bj, "down"), ...both(sh, "ok")],
      offline: [],
    };
    const o = only(judged({ vantages: [de], measurements: both(de, "down") }, contradicting));
    expect(o.perVantage.map((v) => v.status)).toEqual(["outage", "accessible"]);
    expect(o).toMatchObject({ status: "unknown", confidence: 0 });
    expect(o.disagreement).not.toBeNull();
  });

  it("the registry decides who an agent is; a remote id that a local vantage uses is ignored", () => {
    const lying = { ...seen(bj, "text", "reset"), probe_cc: "US", vantage_role: "control" as const };
    const impostor = probe("local", "shanghai");
    const observed = joinObservations(
      { vantages: [local, de], measurements: both(de, "ok"), offline: [] },
      {
        vantages: [bj, impostor],
        measurements: [lying, seen(bj, "media", "reset"), ...both(impostor, "ok")],
        offline: [],
      },
    );
    expect(observed.ignored).toEqual(["local"]);
    expect(observed.measurements.filter((m) => m.vantage === "local")).toHaveLength(0);
    const relabelled = observed.measurements.find((m) => m.id === lying.id);
    expect(relabelled).toMatchObject({ probe_cc: "CN", probe_region: "beijing", vantage_role: "probe" });
    const r = only(judgeCycle([chatapp], observed, judge));
    expect(r.perVantage).toEqual([
      { vantage: "local", region: null, status: "unknown" },
      { vantage: "bj-1", region: "beijing", status: "blocked" },
    ]);
  });

  it("an agent's latest measurement of an endpoint is the one judged", () => {
    const remote: RemoteObservations = {
      vantages: [bj],
      measurements: [
        seen(bj, "text", "ok", "2024-05-01 10:05:00"),
        seen(bj, "text", "reset", "2024-05-01 10:00:00"),
        seen(bj, "media", "reset", "2024-05-01 10:00:00"),
        seen(bj, "media", "ok", "2024-05-01 10:05:00"),
      ],
      offline: [],
    };
    const r = only(judged({ vantages: [de], measurements: both(de, "ok") }, remote));
    expect(r.status).toBe("accessible");
  });

  it("every country with a probe vantage gets a result; --country keeps one", () => {
    const tehran = probe("thr-1", "tehran", "IR");
    const remote: RemoteObservations = {
      vantages: [tehran],
      measurements: both(tehran, "reset"),
      offline: [],
    };
    const all = judged(
      { vantages: [local, de], measurements: [...both(local, "ok"), ...both(de, "ok")] },
      remote,
    );
    expect(all.map((r) => [r.country, r.status])).toEqual([
      ["CN", "accessible"],
      ["IR", "blocked"],
    ]);
    const iran = judged(
      { vantages: [local, de], measurements: [...both(local, "ok"), ...both(de, "ok")] },
      remote,
      "IR",
    );
    expect(iran.map((r) => r.country)).toEqual(["IR"]);
  });

  it("NXDOMAIN for every name of the service, no control: positive evidence, blocked at DNS", () => {
    const r = only(judged({ vantages: [local], measurements: both(local, "nxdomain") }));
    expect(r).toMatchObject({ status: "blocked", mechanism: "dns" });
    expect(r.method).toMatchObject({ controls: 0, positive: 2 });
    expect(r.evidence.join("\n")).toContain("every one of the service's 2 names measured answered NXDOMAIN");
  });

  it("NXDOMAIN for one name only, no control: no evidence, unknown", () => {
    const measurements = [seen(local, "text", "ok"), seen(local, "media", "nxdomain")];
    const r = only(judged({ vantages: [local], measurements }));
    expect(features(r)).toEqual({ text: "ok", media: "unknown" });
  });

  it("a vantage that heard nothing back is offline and says so: unknown, never blocked", () => {
    const measurements = both(local, "silent");
    const observed = joinObservations({
      vantages: [local, de],
      measurements: [...measurements, ...both(de, "ok")],
      offline: [],
    });
    const silent = new Set(["local"]);
    const [r] = judgeCycle([chatapp], { ...observed, offline: silent, silent }, judge);
    expect(r?.status).toBe("unknown");
    expect(r?.evidence[0]).toMatch(/^local: vantage offline: nothing answered any of its measurements/);
  });
});

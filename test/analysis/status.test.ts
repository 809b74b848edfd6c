import { describe, expect, it } from "vitest";
import {
  dominantMechanism,
  type FeatureInput,
  featureVerdict,
  serviceStatus,
} from "../../analysis/status.js";
import type { EndpointVerdict, Mechanism, ServiceStatusValue, Verdict } from "../../model/status.js";

const ep = (verdict: Verdict, mechanism: Mechanism | null = null): EndpointVerdict => ({
  verdict,
  mechanism,
  evidence: [verdict],
});
const f = (
  feature: string,
  status: Verdict,
  mechanism: Mechanism | null = null,
  essential = false,
): FeatureInput => ({
  feature,
  status,
  mechanism,
  essential,
});

describe("featureVerdict (endpoints are alternatives the app falls back across)", () => {
  it.each([
    [
      "one reachable chat server of 32 is enough",
      [...Array(31).fill(ep("blocked", "tcp")), ep("ok")],
      "ok",
      null,
    ],
    ["all blocked", [ep("blocked", "tcp"), ep("blocked", "tcp"), ep("blocked", "dns")], "blocked", "tcp"],
    ["blocked and unknown", [ep("blocked", "tls"), ep("unknown")], "blocked", "tls"],
    ["down and unknown", [ep("down", "tcp"), ep("unknown")], "down", "tcp"],
    ["all unknown", [ep("unknown"), ep("unknown")], "unknown", null],
    ["none measured", [], "unknown", null],
  ] as const)("%s", (_name, endpoints, verdict, mechanism) => {
    const v = featureVerdict(endpoints);
    expect([v.verdict, v.mechanism]).toEqual([verdict, mechanism]);
  });

  it("names blocked endpoints even when the feature works", () => {
    const v = featureVerdict([ep("ok"), ep("blocked", "dns"), ep("blocked", "dns")]);
    expect(v.evidence).toContain("2 of 3 endpoints blocked (dns)");
  });

  it("breaks mechanism ties towards the stage a user meets first", () => {
    expect(dominantMechanism(["http", "tls", "dns", "http", "dns"])).toBe("dns");
    expect(dominantMechanism([null, null])).toBeNull();
  });
});

describe("serviceStatus (DESIGN rule 7)", () => {
  const cases: [string, FeatureInput[], ServiceStatusValue, Mechanism | null, string[]][] = [
    [
      "WhatsApp, China, September 2017: text works, media does not → partial, naming media",
      [
        f("text", "ok", null, true),
        f("media", "blocked", "tcp"),
        f("registration", "ok"),
        f("web", "unknown"),
      ],
      "partial",
      "tcp",
      ["media"],
    ],
    [
      "every feature blocked",
      [f("text", "blocked", "dns", true), f("web", "blocked", "dns")],
      "blocked",
      "dns",
      ["text", "web"],
    ],
    [
      "an essential feature blocked and none working",
      [f("text", "blocked", "tcp", true), f("web", "ok")],
      "blocked",
      "tcp",
      ["text"],
    ],
    [
      "all essential ok, an extra feature unknown",
      [f("text", "ok", null, true), f("web", "unknown")],
      "accessible",
      null,
      [],
    ],
    [
      "every feature down → outage",
      [f("text", "down", "tcp", true), f("web", "down", "tcp")],
      "outage",
      "tcp",
      [],
    ],
    [
      "measured features down, others unknown → outage",
      [f("text", "down", "tls"), f("web", "unknown")],
      "outage",
      "tls",
      [],
    ],
    ["nothing measured", [f("text", "unknown", null, true)], "unknown", null, []],
    ["no features at all", [], "unknown", null, []],
    [
      "no essential flags: every feature counts; one blocked, another ok → partial",
      [f("text", "ok"), f("media", "blocked", "dns"), f("calls", "ok")],
      "partial",
      "dns",
      ["media"],
    ],
    [
      "no essential flags: one ok and one unknown → unknown",
      [f("text", "ok"), f("media", "unknown")],
      "unknown",
      null,
      [],
    ],
    [
      "essential down, extra ok → unknown (neither outage nor accessible)",
      [f("text", "down", "tcp", true), f("web", "ok")],
      "unknown",
      null,
      [],
    ],
  ];

  it.each(cases)("%s", (_name, features, status, mechanism, blocked) => {
    expect(serviceStatus(features)).toEqual({ status, mechanism, blockedFeatures: blocked });
  });
});

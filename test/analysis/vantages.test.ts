import { describe, expect, it } from "vitest";
import {
  combineStatuses,
  combineVantages,
  MAX_VANTAGES_KEPT,
  type VantageOutcome,
} from "../../analysis/vantages.js";
import type { ServiceStatusValue } from "../../model/status.js";

// How a country's vantages make one status: the table of analysis/README.md, "Vantages → country".

const outcome = (status: ServiceStatusValue, i = 0, online = true): VantageOutcome => ({
  vantage: `v-${i}`,
  region: null,
  online,
  status,
  mechanism: status === "blocked" || status === "partial" ? "tls" : status === "outage" ? "tcp" : null,
  features: [],
});

const TABLE: [string, ServiceStatusValue[], ServiceStatusValue][] = [
  ["one vantage", ["blocked"], "blocked"],
  ["agreement", ["accessible", "accessible"], "accessible"],
  ["blocked here, works there", ["blocked", "accessible"], "partial"],
  ["blocked and partial", ["blocked", "partial"], "partial"],
  ["unknown vantages do not vote", ["blocked", "unknown"], "blocked"],
  ["outage and working", ["outage", "accessible"], "unknown"],
  ["outage and blocked", ["outage", "blocked"], "unknown"],
  ["nobody could tell", ["unknown", "unknown"], "unknown"],
  ["no vantage", [], "unknown"],
];

describe("combining vantages", () => {
  it.each(TABLE)("%s", (_name, statuses, expected) => {
    expect(combineStatuses(statuses.map((s, i) => outcome(s, i))).status).toBe(expected);
  });

  it("an offline vantage's status is not counted, whatever it says", () => {
    expect(combineStatuses([outcome("blocked", 0, false), outcome("accessible", 1)]).status).toBe(
      "accessible",
    );
    expect(combineStatuses([outcome("blocked", 0, false)]).status).toBe("unknown");
  });

  it("confidence is the share of all vantages that are online and agree", () => {
    const three = [
      outcome("blocked", 0),
      outcome("blocked", 1),
      outcome("unknown", 2),
      outcome("blocked", 3, false),
    ];
    expect(combineVantages(three).confidence).toBe(0.5);
    expect(combineVantages([outcome("blocked", 0), outcome("accessible", 1)]).confidence).toBe(1);
    expect(combineVantages([outcome("outage", 0), outcome("accessible", 1)]).confidence).toBe(0);
  });

  it(`a disagreement keeps at most ${MAX_VANTAGES_KEPT} vantages and still shows every side`, () => {
    const many = [
      ...Array.from({ length: 30 }, (_, i) => outcome("accessible", i)),
      outcome("blocked", 30),
      outcome("unknown", 31, false),
    ];
    const { disagreement, perVantage } = combineVantages(many);
    expect(perVantage).toHaveLength(32);
    expect(disagreement).toHaveLength(MAX_VANTAGES_KEPT);
    expect(new Set(disagreement?.map((v) => v.status))).toEqual(
      new Set(["accessible", "blocked", "unknown"]),
    );
  });
});

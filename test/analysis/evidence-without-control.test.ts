import { describe, expect, it } from "vitest";
import { confidenceOf, evidenceStrength } from "../../analysis/confidence.js";
import { nxdomainOnEveryName, withNxdomainEvidence } from "../../analysis/nxdomain.js";
import { heardBack, silentVantages } from "../../analysis/offline.js";
import { endpointVerdict } from "../../analysis/verdict.js";
import { loadAsnDatabase } from "../../kb/asn.js";
import type { Measurement } from "../../model/measurement.js";
import type { StatusMethod } from "../../model/status.js";
import { realKb } from "../helpers.js";
import { dns, keys, tcp, tls } from "./build.js";

// What the analysis can say without a control, and what it must not: silence is an offline vantage,
// NXDOMAIN for every name the service is known to use is a forged answer, an answer in the operator's own
// network is the operator's, and confidence never reaches 100% on one vantage.

const measurement = (vantage: string, test_keys: Measurement["test_keys"]): Measurement => ({
  id: `${vantage}-${Math.random()}`,
  test_name: "isblocked_endpoint",
  data_format_version: "0.2.0",
  measurement_start_time: "2026-12-07 12:00:00",
  test_runtime: 1,
  probe_cc: "CN",
  probe_region: null,
  vantage,
  vantage_role: "probe",
  input: "tls://a.example:443",
  service: null,
  feature: null,
  test_keys,
});

describe("silence: a vantage that heard nothing back is offline", () => {
  it.each([
    ["a resolver that times out", keys(dns("a.example", "generic_timeout_error")), false],
    ["a connect that times out", keys(tcp("192.0.2.1", 443, "generic_timeout_error")), false],
    ["no route at all", keys(tcp("192.0.2.1", 443, "network_unreachable")), false],
    ["an NXDOMAIN: a resolver answered", keys(dns("a.example", "dns_nxdomain_error")), true],
    ["a reset: somebody answered", keys(tcp("192.0.2.1", 443, "connection_reset")), true],
    ["a refusal", keys(tcp("192.0.2.1", 443, "connection_refused")), true],
    ["an address", keys(dns("a.example", ["192.0.2.1"])), true],
  ] as const)("%s", (_what, observed, heard) => {
    expect(heardBack(observed)).toBe(heard);
  });

  it("takes at least three measurements and not one answer among them", () => {
    const silent = keys(dns("a.example", "generic_timeout_error"));
    const answered = keys(
      dns("a.example", ["192.0.2.1"]),
      tcp("192.0.2.1", 443),
      tls("192.0.2.1", 443, "a.example"),
    );
    expect(
      silentVantages([
        measurement("dark", silent),
        measurement("dark", silent),
        measurement("dark", silent),
        measurement("two", silent),
        measurement("two", silent),
        measurement("mixed", silent),
        measurement("mixed", silent),
        measurement("mixed", answered),
      ]),
    ).toEqual(new Set(["dark"]));
  });
});

describe("NXDOMAIN on every name of a service", () => {
  const hosts = new Set(["chat.signal.org", "cdn.signal.org", "storage.signal.org"]);
  const nx = (host: string) => dns(host, "dns_nxdomain_error").queries ?? [];

  it("is positive evidence when every listed name measured was denied, two at least", () => {
    expect(nxdomainOnEveryName([...nx("chat.signal.org"), ...nx("cdn.signal.org")], hosts)).toEqual(
      new Set(["chat.signal.org", "cdn.signal.org"]),
    );
    // Names the service is not known by do not count, either way.
    expect(
      nxdomainOnEveryName([...nx("chat.signal.org"), ...nx("cdn.signal.org"), ...nx("other.example")], hosts)
        .size,
    ).toBe(2);
  });

  it("is nothing when one name resolved, or only one name was measured", () => {
    const resolved = dns("storage.signal.org", ["192.0.2.1"]).queries ?? [];
    expect(
      nxdomainOnEveryName([...nx("chat.signal.org"), ...nx("cdn.signal.org"), ...resolved], hosts).size,
    ).toBe(0);
    expect(nxdomainOnEveryName(nx("chat.signal.org"), hosts).size).toBe(0);
  });

  it("turns only an unknown verdict on a denied name into a block at DNS", () => {
    const lied = new Set(["chat.signal.org", "cdn.signal.org"]);
    const unknown = { verdict: "unknown" as const, mechanism: null, evidence: ["no control measurement"] };
    expect(withNxdomainEvidence(unknown, "chat.signal.org", lied)).toMatchObject({
      verdict: "blocked",
      mechanism: "dns",
    });
    expect(withNxdomainEvidence(unknown, "sfu.voip.signal.org", lied)).toBe(unknown);
    const down = { verdict: "down" as const, mechanism: "dns" as const, evidence: [] };
    expect(withNxdomainEvidence(down, "chat.signal.org", lied)).toBe(down);
  });
});

describe("an answer in the operator's own network needs no control", () => {
  const asn = loadAsnDatabase();
  const kb = realKb();
  const ctx = {
    evidence: kb.evidence,
    input: "tcp://b-api.facebook.com:443",
    asnOf: (ip: string) => asn.lookup(ip)?.asn,
    operatorAsns: kb.operatorAsns("facebook-messenger"),
  };

  it("a DNS-only measurement answered inside AS32934 is Facebook's: ok", () => {
    const v = endpointVerdict(keys(dns("b-api.facebook.com", ["157.240.194.35"])), [], ctx);
    expect(v.verdict).toBe("ok");
    expect(v.evidence.join(" ")).toContain("operator's own network (AS32934)");
  });

  it("an answer elsewhere proves nothing: unknown", () => {
    const v = endpointVerdict(keys(dns("b-api.facebook.com", ["1.48.0.1"])), [], ctx);
    expect(v.verdict).toBe("unknown");
  });
});

describe("confidence weighs the evidence", () => {
  const method = (m: Partial<StatusMethod>): StatusMethod => ({
    vantages: 1,
    controls: 0,
    measurements: 10,
    positive: 0,
    direct: 0,
    ...m,
  });

  it("is never 100% from one vantage, with or without a control", () => {
    expect(evidenceStrength(method({}))).toBe(0.5);
    expect(evidenceStrength(method({ controls: 1 }))).toBe(0.75);
    expect(confidenceOf(1, method({ controls: 3 }))).toBeLessThan(1);
  });

  it("reaches 100% with two vantages that agree and a control; less with few measurements", () => {
    expect(confidenceOf(1, method({ vantages: 2, controls: 1 }))).toBe(1);
    expect(confidenceOf(1, method({ vantages: 2, controls: 1, measurements: 2 }))).toBe(0.8);
    expect(confidenceOf(0.5, method({ vantages: 2, controls: 1 }))).toBe(0.5);
    expect(evidenceStrength(method({ vantages: 0 }))).toBe(0);
  });
});

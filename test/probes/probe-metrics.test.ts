import { describe, expect, it } from "vitest";
import { createMetrics } from "../../core/metrics.js";
import type { Measurement, TestKeys } from "../../model/measurement.js";
import { recordProbeMetrics, tallyProbes } from "../../pipeline/probe-metrics.js";
import { dns, get, keys, tcp, tls } from "../analysis/build.js";

function measurement(id: string, input: string, testKeys: TestKeys, canary = false): Measurement {
  return {
    id,
    test_name: canary ? "isblocked_canary" : "isblocked_endpoint",
    data_format_version: "0.2.0",
    measurement_start_time: "2026-06-30 12:00:00",
    test_runtime: 0.1,
    probe_cc: "CN",
    probe_region: null,
    vantage: "bj-1",
    vantage_role: "probe",
    input,
    service: "whatsapp",
    feature: "text",
    test_keys: testKeys,
  };
}

const ok = measurement(
  "ok",
  "tls://chat.example:443",
  keys(dns("chat.example", ["192.0.2.1"]), tcp("192.0.2.1", 443), tls("192.0.2.1", 443, "chat.example")),
);
const dnsFail = measurement("dns", "tls://a.example:443", keys(dns("a.example", "dns_nxdomain_error")));
const tcpFail = measurement(
  "tcp",
  "tcp://b.example:5222",
  keys(dns("b.example", ["192.0.2.2"]), tcp("192.0.2.2", 5222, "generic_timeout_error")),
);
const tlsFail = measurement(
  "tls",
  "tls://c.example:443",
  keys(
    dns("c.example", ["192.0.2.3"]),
    tcp("192.0.2.3", 443),
    tls("192.0.2.3", 443, "c.example", "connection_reset"),
  ),
);
const httpFail = measurement(
  "http",
  "http://d.example/",
  keys(
    dns("d.example", ["192.0.2.4"]),
    tcp("192.0.2.4", 80),
    get("http://d.example/", null, "connection_reset"),
  ),
);
const canary = measurement(
  "canary",
  "tls://www.baidu.com:443",
  keys(dns("www.baidu.com", "dns_no_answer")),
  true,
);

describe("probe metrics", () => {
  it("counts endpoint measurements once each, and failures by the first stage that failed", () => {
    expect(tallyProbes([ok, dnsFail, tcpFail, tlsFail, httpFail, canary, ok])).toEqual({
      probes: 5,
      failures: { dns: 1, tcp: 1, tls: 1, http: 1 },
    });
  });

  it("adds a cycle to the counters", () => {
    const metrics = createMetrics();
    recordProbeMetrics(metrics, [ok, tlsFail, tlsFail]);
    recordProbeMetrics(metrics, [dnsFail]);
    expect(metrics.probes.value()).toBe(3);
    expect(metrics.probeFailures.labels({ mechanism: "tls" }).value()).toBe(1);
    expect(metrics.probeFailures.labels({ mechanism: "dns" }).value()).toBe(1);
    expect(metrics.probeFailures.labels({ mechanism: "tcp" }).value()).toBe(0);
  });
});

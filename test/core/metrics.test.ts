import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  Counter,
  createMetrics,
  Gauge,
  PROMETHEUS_CONTENT_TYPE,
  recordVantagesOnline,
  timeUpdates,
} from "../../core/metrics.js";

// isblocked's metrics on prom-client: the names and labels README "Status page and API" documents, the
// counters' synchronous reading, the gauges, and prom-client's process metrics in the same registry.

const samples = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

describe("Counter", () => {
  it("counts with and without labels, readable at once and exposed by prom-client", async () => {
    const registry = new Registry();
    const plain = new Counter(registry, "demo_total", "A demo.");
    plain.inc();
    plain.inc(2);
    expect(plain.value()).toBe(3);
    const labelled = new Counter(registry, "failures_total", "Failures.", ["mechanism"]);
    labelled.initialize({ mechanism: "tcp" });
    labelled.labels({ mechanism: "dns" }).inc(2);
    expect(labelled.labels({ mechanism: "dns" }).value()).toBe(2);
    expect(labelled.labels({ mechanism: "tcp" }).value()).toBe(0);
    expect(await registry.metrics()).toBe(
      [
        "# HELP demo_total A demo.",
        "# TYPE demo_total counter",
        "demo_total 3",
        "",
        "# HELP failures_total Failures.",
        "# TYPE failures_total counter",
        'failures_total{mechanism="tcp"} 0',
        'failures_total{mechanism="dns"} 2',
        "",
      ].join("\n"),
    );
  });

  it("refuses to go down, and leaves its count as it was", () => {
    const c = new Counter(new Registry(), "ok_total", "ok", ["route"]);
    expect(() => c.labels({ route: "a" }).inc(-1)).toThrow();
    expect(c.labels({ route: "a" }).value()).toBe(0);
  });
});

describe("Gauge", () => {
  it("is set, or read from a function when scraped", async () => {
    const registry = new Registry();
    const g = new Gauge(registry, "depth", "Depth.");
    g.set(4);
    expect(samples(await registry.metrics())).toEqual(["depth 4"]);
    let depth = 7;
    g.sample(() => depth);
    expect(samples(await registry.metrics())).toEqual(["depth 7"]);
    depth = 1;
    expect(samples(await registry.metrics())).toEqual(["depth 1"]);
  });
});

describe("isblocked metrics", () => {
  it("exposes every metric by its documented name, failures and outcomes from zero", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.probes.inc(10);
    metrics.probeFailures.labels({ mechanism: "tls" }).inc(3);
    metrics.statusChanges.inc();
    metrics.alertsSent.inc(5);
    metrics.alertsFailed.inc();
    metrics.alertsThrottled.inc(2);
    metrics.updateDuration.observe(0.02);
    metrics.httpRequests.labels({ route: "healthz", code: "200" }).inc();
    const text = await metrics.registry.metrics();
    expect(samples(text)).toEqual([
      "isblocked_probes_total 10",
      'isblocked_probe_failures_total{mechanism="dns"} 0',
      'isblocked_probe_failures_total{mechanism="tcp"} 0',
      'isblocked_probe_failures_total{mechanism="tls"} 3',
      'isblocked_probe_failures_total{mechanism="http"} 0',
      'isblocked_ingest_requests_total{outcome="accepted"} 0',
      'isblocked_ingest_requests_total{outcome="bad_request"} 0',
      'isblocked_ingest_requests_total{outcome="unauthorized"} 0',
      'isblocked_ingest_requests_total{outcome="replayed"} 0',
      'isblocked_ingest_requests_total{outcome="too_large"} 0',
      'isblocked_ingest_requests_total{outcome="busy"} 0',
      'isblocked_ingest_requests_total{outcome="failed"} 0',
      "isblocked_status_changes_total 1",
      "isblocked_alerts_sent_total 5",
      "isblocked_alerts_failed_total 1",
      "isblocked_alerts_throttled_total 2",
      'isblocked_update_duration_seconds_bucket{le="0.005"} 0',
      'isblocked_update_duration_seconds_bucket{le="0.01"} 0',
      'isblocked_update_duration_seconds_bucket{le="0.025"} 1',
      'isblocked_update_duration_seconds_bucket{le="0.05"} 1',
      'isblocked_update_duration_seconds_bucket{le="0.1"} 1',
      'isblocked_update_duration_seconds_bucket{le="0.25"} 1',
      'isblocked_update_duration_seconds_bucket{le="0.5"} 1',
      'isblocked_update_duration_seconds_bucket{le="1"} 1',
      'isblocked_update_duration_seconds_bucket{le="2.5"} 1',
      'isblocked_update_duration_seconds_bucket{le="5"} 1',
      'isblocked_update_duration_seconds_bucket{le="10"} 1',
      'isblocked_update_duration_seconds_bucket{le="+Inf"} 1',
      "isblocked_update_duration_seconds_sum 0.02",
      "isblocked_update_duration_seconds_count 1",
      'isblocked_http_requests_total{route="healthz",code="200"} 1',
      "isblocked_alert_queue_depth 0",
      "isblocked_alert_lease_held 0",
      'isblocked_vantages_online{role="probe"} 0',
      'isblocked_vantages_online{role="control"} 0',
    ]);
    expect(text).toContain("# TYPE isblocked_update_duration_seconds histogram");
    expect(text).toContain("# TYPE isblocked_alert_queue_depth gauge");
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("adds prom-client's process metrics to the same registry, each registry its own", async () => {
    const [a, b] = [createMetrics(), createMetrics()];
    for (const metrics of [a, b]) {
      const text = await metrics.registry.metrics();
      expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
      expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
      expect(text).toContain("# TYPE nodejs_heap_size_used_bytes gauge");
    }
    a.probes.inc();
    expect(b.probes.value()).toBe(0);
  });

  it("counts the vantages online by role: the plan's, less the offline ones", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const plan = [
      { id: "bj", role: "probe" },
      { id: "sh", role: "probe" },
      { id: "ctl", role: "control" },
    ];
    recordVantagesOnline(metrics, plan, ["sh", "remote-agent"]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('isblocked_vantages_online{role="probe"} 1');
    expect(text).toContain('isblocked_vantages_online{role="control"} 1');
  });

  it("times bot updates, failed ones too", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const middleware = timeUpdates(metrics);
    await middleware({}, async () => {});
    await expect(
      middleware({}, async () => {
        throw new Error("handler failed");
      }),
    ).rejects.toThrow("handler failed");
    const { values } = await metrics.updateDuration.get();
    expect(values.find((v) => v.metricName === "isblocked_update_duration_seconds_count")?.value).toBe(2);
  });
});

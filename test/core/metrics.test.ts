import { describe, expect, it } from "vitest";
import {
  Counter,
  createMetrics,
  formatValue,
  Histogram,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
  timeUpdates,
} from "../../core/metrics.js";

describe("Counter", () => {
  it("counts without labels and exposes HELP, TYPE and the value", () => {
    const registry = new MetricsRegistry();
    const c = registry.register(new Counter("demo_total", "A demo."));
    c.inc();
    c.inc(2);
    expect(c.value()).toBe(3);
    expect(registry.expose()).toBe("# HELP demo_total A demo.\n# TYPE demo_total counter\ndemo_total 3\n");
  });

  it("keeps one series per label value, sorted, with escaped values", () => {
    const c = new Counter("failures_total", "Failures.", ["mechanism"]);
    c.initialize({ mechanism: "tcp" });
    c.labels({ mechanism: "dns" }).inc(2);
    c.labels({ mechanism: 'a"b\\c\nd' }).inc();
    expect(c.labels({ mechanism: "dns" }).value()).toBe(2);
    expect(c.expose()).toEqual([
      "# HELP failures_total Failures.",
      "# TYPE failures_total counter",
      'failures_total{mechanism="a\\"b\\\\c\\nd"} 1',
      'failures_total{mechanism="dns"} 2',
      'failures_total{mechanism="tcp"} 0',
    ]);
  });

  it("refuses to go down, bad names and missing labels", () => {
    const c = new Counter("ok_total", "ok", ["route"]);
    expect(() => c.labels({ route: "a" }).inc(-1)).toThrow(RangeError);
    expect(() => c.inc()).toThrow(/label route has no value/);
    expect(() => new Counter("bad-name", "x")).toThrow(RangeError);
    expect(() => new Counter("ok_total", "x", ["le" as never])).toThrow(RangeError);
    const registry = new MetricsRegistry();
    registry.register(new Counter("twice_total", "x"));
    expect(() => registry.register(new Counter("twice_total", "x"))).toThrow(/twice/);
  });
});

describe("Histogram", () => {
  it("counts observations into cumulative buckets with sum and count", () => {
    const h = new Histogram("latency_seconds", "Latency.", [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(3);
    expect(h.expose()).toEqual([
      "# HELP latency_seconds Latency.",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{le="0.1"} 1',
      'latency_seconds_bucket{le="1"} 2',
      'latency_seconds_bucket{le="+Inf"} 3',
      "latency_seconds_sum 3.55",
      "latency_seconds_count 3",
    ]);
  });

  it("times with its clock", () => {
    let now = 1000;
    const h = new Histogram("t_seconds", "T.", [1], () => now);
    const done = h.startTimer();
    now += 250;
    expect(done()).toBe(0.25);
    expect(h.snapshot()).toEqual({ buckets: [{ le: 1, count: 1 }], sum: 0.25, count: 1 });
  });

  it("formats special values as Prometheus reads them", () => {
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe("-Inf");
    expect(formatValue(Number.NaN)).toBe("NaN");
    expect(formatValue(0.25)).toBe("0.25");
  });
});

describe("isblocked metrics", () => {
  it("exposes every metric by its documented name, failures by mechanism from zero", () => {
    const metrics = createMetrics();
    metrics.probes.inc(10);
    metrics.probeFailures.labels({ mechanism: "tls" }).inc(3);
    metrics.statusChanges.inc();
    metrics.alertsSent.inc(5);
    metrics.alertsFailed.inc();
    metrics.alertsThrottled.inc(2);
    metrics.updateDuration.observe(0.02);
    const text = metrics.registry.expose();
    const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(samples).toEqual([
      "isblocked_probes_total 10",
      'isblocked_probe_failures_total{mechanism="dns"} 0',
      'isblocked_probe_failures_total{mechanism="http"} 0',
      'isblocked_probe_failures_total{mechanism="tcp"} 0',
      'isblocked_probe_failures_total{mechanism="tls"} 3',
      'isblocked_ingest_requests_total{outcome="accepted"} 0',
      'isblocked_ingest_requests_total{outcome="bad_request"} 0',
      'isblocked_ingest_requests_total{outcome="failed"} 0',
      'isblocked_ingest_requests_total{outcome="replayed"} 0',
      'isblocked_ingest_requests_total{outcome="too_large"} 0',
      'isblocked_ingest_requests_total{outcome="unauthorized"} 0',
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
    ]);
    expect(text).toContain("# TYPE isblocked_update_duration_seconds histogram");
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("times bot updates, failed ones too", async () => {
    const metrics = createMetrics();
    const middleware = timeUpdates(metrics);
    await middleware({}, async () => {});
    await expect(
      middleware({}, async () => {
        throw new Error("handler failed");
      }),
    ).rejects.toThrow("handler failed");
    expect(metrics.updateDuration.snapshot().count).toBe(2);
  });
});

import * as client from "prom-client";

// isblocked's metrics on prom-client: its own counters, histogram and gauges in a registry of the process's
// own (never prom-client's global one), with prom-client's default process metrics (CPU, memory, heap,
// event-loop lag, GC, handles). The web server exposes the registry at /metrics (web/routes/metrics.ts).
// Counters are wrapped thinly so that they can also be read synchronously (prom-client's get() is async):
// the dispatcher's and the probe cycle's tests read `metrics.alertsSent.value()`.

export const PROMETHEUS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;

type Labels<L extends string> = Readonly<Record<L, string>>;

/** One series of a counter: what its users increment and tests read. */
export interface CounterSeries {
  /** Adds `by` (default 1); counters only go up. */
  inc(by?: number): void;
  value(): number;
}

/** A prom-client counter that also answers its value synchronously, one series per combination of labels. */
export class Counter<L extends string = never> implements CounterSeries {
  readonly metric: client.Counter<L>;
  private readonly counts = new Map<string, number>();

  constructor(
    registry: client.Registry,
    name: string,
    help: string,
    private readonly labelNames: readonly L[] = [],
  ) {
    this.metric = new client.Counter<L>({ name, help, labelNames, registers: [registry] });
  }

  /** Adds `by` to the series without labels. */
  inc(by = 1): void {
    this.metric.inc(by);
    this.add("", by);
  }

  /** The series of one combination of label values. */
  labels(labels: Labels<L>): CounterSeries {
    const key = this.key(labels);
    return {
      inc: (by = 1) => {
        this.metric.inc(labels as client.LabelValues<L>, by);
        this.add(key, by);
      },
      value: () => this.counts.get(key) ?? 0,
    };
  }

  /** Makes a series visible at 0 before its first event, so rate() and alerts see it from the start. */
  initialize(labels: Labels<L>): void {
    this.labels(labels).inc(0);
  }

  /** The count of the series without labels. */
  value(): number {
    return this.counts.get("") ?? 0;
  }

  private key(labels: Labels<L>): string {
    return JSON.stringify(this.labelNames.map((n) => labels[n]));
  }

  private add(key: string, by: number): void {
    // prom-client has refused a bad increment by now: the two never disagree.
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }
}

/**
 * A prom-client gauge, set where its value changes, or read at every scrape from the function given to
 * `sample`: a queue's length changes in too many places to set it at each.
 */
export class Gauge<L extends string = never> {
  readonly metric: client.Gauge<L>;
  private sampler: (() => number) | undefined;

  constructor(registry: client.Registry, name: string, help: string, labelNames: readonly L[] = []) {
    const gauge = this;
    this.metric = new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        if (gauge.sampler) this.set(gauge.sampler());
      },
    });
  }

  set(value: number): void {
    this.sampler = undefined;
    this.metric.set(value);
  }

  labels(labels: Labels<L>): { set(value: number): void } {
    return { set: (value) => this.metric.set(labels as client.LabelValues<L>, value) };
  }

  /** From now on the gauge is whatever `read` answers when /metrics is scraped. */
  sample(read: () => number): void {
    this.sampler = read;
  }
}

/** Seconds; from 5 ms (a cached answer) to 10 s (a slow store or Telegram round trip). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The probe stages a failure is counted by (analysis/types MECHANISMS). */
export const PROBE_MECHANISMS = ["dns", "tcp", "tls", "http"] as const;

/** The roles a vantage has (model/vantage.ts): the label of isblocked_vantages_online. */
export const VANTAGE_ROLES = ["probe", "control"] as const;

/** isblocked's metrics; see README "Status page and API" for where each is counted. */
export interface IsblockedMetrics {
  /** Every metric below and prom-client's default process metrics, for /metrics. */
  registry: client.Registry;
  /** Endpoint measurements made (one per endpoint and vantage per cycle). */
  probes: Counter;
  /** Measurements that failed, by the first stage that failed. */
  probeFailures: Counter<"mechanism">;
  /** Status changes confirmed by the status engine. */
  statusChanges: Counter;
  alertsSent: Counter;
  alertsFailed: Counter;
  /** Alert deliveries deferred by a rate limit: ours, or Telegram's 429 retry_after. */
  alertsThrottled: Counter;
  /** Time to handle one Telegram update, in seconds. */
  updateDuration: client.Histogram;
  /** Requests the web server answered, by route and status code. */
  httpRequests: Counter<"route" | "code">;
  /** Agent reports to POST /api/v1/ingest, by outcome (ingest/handler.ts INGEST_OUTCOMES). */
  ingestRequests: Counter<"outcome">;
  /** Alert deliveries waiting to be sent (the dispatcher's queue). */
  alertQueueDepth: Gauge;
  /** 1 while this replica's dispatcher sends alerts (holds the lease, or needs none), else 0. */
  alertLeaseHeld: Gauge;
  /** This host's vantages whose canary succeeded in the latest probe cycle, by role. */
  vantagesOnline: Gauge<"role">;
}

/** How an ingest request ended: accepted, or why not. */
export const INGEST_OUTCOMES = [
  "accepted",
  "bad_request",
  "unauthorized",
  "replayed",
  "too_large",
  /** Refused unread: as many unauthenticated bodies as allowed were being read already. */
  "busy",
  "failed",
] as const;

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event-loop lag, GC, ...); on unless false. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): IsblockedMetrics {
  const registry = new client.Registry();
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>(registry, name, help, labelNames);
  const probes = counter("isblocked_probes_total", "Endpoint measurements made.");
  const probeFailures = counter(
    "isblocked_probe_failures_total",
    "Probe measurements that failed, by the first stage that failed.",
    ["mechanism"],
  );
  for (const mechanism of PROBE_MECHANISMS) probeFailures.initialize({ mechanism });
  const ingestRequests = counter("isblocked_ingest_requests_total", "Agent reports received, by outcome.", [
    "outcome",
  ]);
  for (const outcome of INGEST_OUTCOMES) ingestRequests.initialize({ outcome });
  const metrics: IsblockedMetrics = {
    registry,
    probes,
    probeFailures,
    ingestRequests,
    statusChanges: counter(
      "isblocked_status_changes_total",
      "Status changes confirmed by the status engine.",
    ),
    alertsSent: counter("isblocked_alerts_sent_total", "Alert messages delivered."),
    alertsFailed: counter("isblocked_alerts_failed_total", "Alert messages that could not be delivered."),
    alertsThrottled: counter(
      "isblocked_alerts_throttled_total",
      "Alert deliveries deferred by a rate limit (ours or Telegram's 429).",
    ),
    updateDuration: new client.Histogram({
      name: "isblocked_update_duration_seconds",
      help: "Time to handle one Telegram update.",
      buckets: [...LATENCY_BUCKETS],
      registers: [registry],
    }),
    httpRequests: counter(
      "isblocked_http_requests_total",
      "Web requests answered, by route and status code.",
      ["route", "code"],
    ),
    alertQueueDepth: new Gauge(
      registry,
      "isblocked_alert_queue_depth",
      "Alert deliveries waiting to be sent.",
    ),
    alertLeaseHeld: new Gauge(
      registry,
      "isblocked_alert_lease_held",
      "1 while this replica sends alerts (it holds the alert lease, or runs alone), else 0.",
    ),
    vantagesOnline: new Gauge(
      registry,
      "isblocked_vantages_online",
      "This host's vantages online (canary succeeded) in the latest probe cycle, by role.",
      ["role"],
    ),
  };
  metrics.alertQueueDepth.set(0);
  metrics.alertLeaseHeld.set(0);
  for (const role of VANTAGE_ROLES) metrics.vantagesOnline.labels({ role }).set(0);
  if (options.processMetrics !== false) client.collectDefaultMetrics({ register: registry });
  return metrics;
}

/**
 * Sets isblocked_vantages_online from a probe cycle: the planned vantages, by role, less those found
 * offline (canary failed).
 */
export function recordVantagesOnline(
  metrics: Pick<IsblockedMetrics, "vantagesOnline">,
  vantages: readonly { id: string; role: string }[],
  offline: readonly string[],
): void {
  const down = new Set(offline);
  for (const role of VANTAGE_ROLES) {
    const online = vantages.filter((v) => v.role === role && !down.has(v.id)).length;
    metrics.vantagesOnline.labels({ role }).set(online);
  }
}

/**
 * Middleware that times each update into `isblocked_update_duration_seconds`; typed without telegraf so
 * that `bot.use(timeUpdates(metrics))` is all the bot needs. Errors still propagate, timed.
 */
export function timeUpdates(metrics: Pick<IsblockedMetrics, "updateDuration">) {
  return async (_ctx: unknown, next: () => Promise<void>): Promise<void> => {
    const done = metrics.updateDuration.startTimer();
    try {
      await next();
    } finally {
      done();
    }
  };
}

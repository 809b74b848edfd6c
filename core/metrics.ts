// A small Prometheus registry: counters with labels and a histogram, exposed in the text exposition
// format 0.0.4. Written by hand rather than with prom-client: eight metrics and one format do not need a
// dependency with default process collectors and cluster aggregation, and this stays easy to read whole.

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type LabelValues<L extends string> = Readonly<Record<L, string>>;

interface Collector {
  readonly name: string;
  /** The metric's lines in exposition format, HELP and TYPE first. */
  expose(): string[];
}

/** A number as Prometheus reads it: integers plainly, infinities as +Inf/-Inf. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

const escapeLabelValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? "")}"`).join(",")}}`;
}

function header(name: string, help: string, type: "counter" | "histogram"): string[] {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}

function checkNames(name: string, labelNames: readonly string[]): void {
  if (!METRIC_NAME.test(name)) throw new RangeError(`invalid metric name ${JSON.stringify(name)}`);
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith("__") || label === "le") {
      throw new RangeError(`invalid label name ${JSON.stringify(label)} on ${name}`);
    }
  }
}

/** A monotonically increasing count, one series per combination of label values. */
export class Counter<L extends string = never> implements Collector {
  private readonly series = new Map<string, { values: string[]; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[] = [],
  ) {
    checkNames(name, labelNames);
    if (labelNames.length === 0) this.series.set("", { values: [], count: 0 });
  }

  /** Adds `by` (default 1) to the series without labels; counters only go up. */
  inc(by = 1): void {
    this.add(this.entry({} as LabelValues<L>), by);
  }

  /** The series of one combination of label values. */
  labels(labels: LabelValues<L>): { inc(by?: number): void; value(): number } {
    const entry = this.entry(labels);
    return { inc: (by = 1) => this.add(entry, by), value: () => entry.count };
  }

  /** Makes a series visible at 0 before its first event, so rate() and alerts see it from the start. */
  initialize(labels: LabelValues<L>): void {
    this.entry(labels);
  }

  /** The count of the series without labels. */
  value(): number {
    return this.series.get("")?.count ?? 0;
  }

  private add(entry: { count: number }, by: number): void {
    if (!Number.isFinite(by) || by < 0)
      throw new RangeError(`${this.name}: a counter only goes up, got ${by}`);
    entry.count += by;
  }

  expose(): string[] {
    const lines = header(this.name, this.help, "counter");
    for (const { values, count } of this.sortedSeries()) {
      lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatValue(count)}`);
    }
    return lines;
  }

  private sortedSeries() {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }

  private key(labels: LabelValues<L>): string {
    return JSON.stringify(this.labelNames.map((n) => labels[n]));
  }

  private entry(labels: LabelValues<L>) {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (typeof v !== "string") throw new RangeError(`${this.name}: label ${n} has no value`);
      return v;
    });
    const key = this.labelNames.length === 0 ? "" : this.key(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { values, count: 0 };
      this.series.set(key, entry);
    }
    return entry;
  }
}

/** Seconds; from 5 ms (a cached answer) to 10 s (a slow store or Telegram round trip). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram implements Collector {
  readonly buckets: readonly number[];
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[] = LATENCY_BUCKETS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    checkNames(name, []);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1]))) {
      throw new RangeError(`${name}: buckets must be distinct finite numbers`);
    }
    this.buckets = sorted;
    this.counts = sorted.map(() => 0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count += 1;
    const i = this.buckets.findIndex((bound) => value <= bound);
    if (i >= 0) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  /** Starts timing; the returned function observes the seconds elapsed and returns them. */
  startTimer(): () => number {
    const start = this.clock();
    return () => {
      const seconds = (this.clock() - start) / 1000;
      this.observe(seconds);
      return seconds;
    };
  }

  snapshot(): { buckets: { le: number; count: number }[]; sum: number; count: number } {
    let cumulative = 0;
    const buckets = this.buckets.map((le, i) => {
      cumulative += this.counts[i] ?? 0;
      return { le, count: cumulative };
    });
    return { buckets, sum: this.sum, count: this.count };
  }

  expose(): string[] {
    const { buckets, sum, count } = this.snapshot();
    return [
      ...header(this.name, this.help, "histogram"),
      ...buckets.map((b) => `${this.name}_bucket{le="${formatValue(b.le)}"} ${b.count}`),
      `${this.name}_bucket{le="+Inf"} ${count}`,
      `${this.name}_sum ${formatValue(sum)}`,
      `${this.name}_count ${count}`,
    ];
  }
}

export class MetricsRegistry {
  private readonly collectors = new Map<string, Collector>();

  register<C extends Collector>(collector: C): C {
    if (this.collectors.has(collector.name))
      throw new RangeError(`metric ${collector.name} registered twice`);
    this.collectors.set(collector.name, collector);
    return collector;
  }

  /** Every metric in text exposition format 0.0.4, ending with a newline. */
  expose(): string {
    const lines = [...this.collectors.values()].flatMap((c) => c.expose());
    return `${lines.join("\n")}\n`;
  }
}

/** The probe stages a failure is counted by (analysis/types MECHANISMS). */
export const PROBE_MECHANISMS = ["dns", "tcp", "tls", "http"] as const;

/** isblocked's metrics; see README "Status page and API" for where each is counted. */
export interface IsblockedMetrics {
  registry: MetricsRegistry;
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
  updateDuration: Histogram;
  /** Requests the web server answered, by route and status code. */
  httpRequests: Counter<"route" | "code">;
  /** Agent reports to POST /api/v1/ingest, by outcome (ingest/handler.ts INGEST_OUTCOMES). */
  ingestRequests: Counter<"outcome">;
}

/** How an ingest request ended: accepted, or why not. */
export const INGEST_OUTCOMES = [
  "accepted",
  "bad_request",
  "unauthorized",
  "replayed",
  "too_large",
  "failed",
] as const;

export function createMetrics(): IsblockedMetrics {
  const registry = new MetricsRegistry();
  const probes = registry.register(new Counter("isblocked_probes_total", "Endpoint measurements made."));
  const probeFailures = registry.register(
    new Counter(
      "isblocked_probe_failures_total",
      "Probe measurements that failed, by the first stage that failed.",
      ["mechanism"],
    ),
  );
  for (const mechanism of PROBE_MECHANISMS) probeFailures.initialize({ mechanism });
  const ingestRequests = registry.register(
    new Counter("isblocked_ingest_requests_total", "Agent reports received, by outcome.", ["outcome"]),
  );
  for (const outcome of INGEST_OUTCOMES) ingestRequests.initialize({ outcome });
  return {
    registry,
    probes,
    probeFailures,
    ingestRequests,
    statusChanges: registry.register(
      new Counter("isblocked_status_changes_total", "Status changes confirmed by the status engine."),
    ),
    alertsSent: registry.register(new Counter("isblocked_alerts_sent_total", "Alert messages delivered.")),
    alertsFailed: registry.register(
      new Counter("isblocked_alerts_failed_total", "Alert messages that could not be delivered."),
    ),
    alertsThrottled: registry.register(
      new Counter(
        "isblocked_alerts_throttled_total",
        "Alert deliveries deferred by a rate limit (ours or Telegram's 429).",
      ),
    ),
    updateDuration: registry.register(
      new Histogram("isblocked_update_duration_seconds", "Time to handle one Telegram update."),
    ),
    httpRequests: registry.register(
      new Counter("isblocked_http_requests_total", "Web requests answered, by route and status code.", [
        "route",
        "code",
      ]),
    ),
  };
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

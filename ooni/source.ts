import { analyzeContextFor } from "../analysis/judge.js";
import { analyzeDocument } from "../analysis/ooni/read.js";
import type { Logger } from "../core/log.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { OoniQuery, OoniSource, OoniSummary, OoniUnavailable } from "../model/ooni.js";
import type { FileAnalysis } from "../model/status.js";
import type { Store } from "../model/store.js";
import { createOoniApi, type FailureReason, isoTime, type ListedMeasurement, OoniApiError } from "./api.js";
import { type OoniPlan, ooniPlan } from "./plan.js";
import { readingOf } from "./reading.js";
import { createRateLimiter } from "./request-budget.js";

// OONI's public measurements of one (country, service or domain), summarised and judged by our own
// analyzer (ooni/README.md): a cached summary while it is fresh, else aggregation → listing → the newest
// raw measurements. Never rejects: every failure is an OoniUnavailable, logged once per kind until OONI
// answers again. Concurrent asks for one query share one fetch.

export interface OoniSourceOptions {
  /** OONI's API; undefined disables the source (OONI_API_URL=off). */
  baseUrl: string | undefined;
  store: Pick<Store, "getCached" | "setCached">;
  log: Logger;
  kb: KnowledgeBase;
  fetch?: typeof fetch;
  now?: () => number;
  /** How long a summary is reused (OONI_CACHE_MINUTES); default 1 h. */
  ttlMs?: number;
  /** The window counted; default 7 days. */
  windowDays?: number;
  /** How many of the newest raw measurements our analyzer reads; default 10. */
  sample?: number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** The token bucket in front of OONI; default a burst of 30, then one request a second. */
  rate?: { capacity: number; refillPerSecond: number };
}

export interface ClosableOoniSource extends OoniSource {
  /** Aborts requests in flight (shutdown); later asks are unavailable. */
  close(): void;
}

const DAY_MS = 86_400_000;
const RAW_CONCURRENCY = 3;
const REQUEST_FAILURES: readonly FailureReason[] = ["unreachable", "rate-limited", "bad-response"];

const unavailable = (reason: OoniUnavailable["reason"]): OoniUnavailable => ({
  source: "ooni",
  unavailable: true,
  reason,
});

/** OONI's date parameters: UTC to the second, without a zone (`2026-11-13T14:02:00`). */
const ooniDate = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export const cacheKeyOf = (q: OoniQuery) =>
  `ooni-summary:${q.country.toUpperCase()}:${q.service ? `service=${q.service}` : `domain=${(q.domain ?? "").toLowerCase()}`}`;

export function createOoniSource(options: OoniSourceOptions): ClosableOoniSource {
  const { baseUrl, store, log, kb } = options;
  if (baseUrl === undefined) {
    return { summary: async () => unavailable("disabled"), close: () => {} };
  }
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const windowDays = options.windowDays ?? 7;
  const sample = options.sample ?? 10;
  const closing = new AbortController();
  const api = createOoniApi({
    baseUrl,
    fetch: options.fetch ?? fetch,
    now,
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: closing.signal,
    limiter: createRateLimiter({ capacity: 30, refillPerSecond: 1, ...options.rate, now }),
  });
  const inFlight = new Map<string, Promise<OoniSummary | OoniUnavailable>>();
  const logged = new Set<string>();

  /** One warning per kind of failure until OONI answers again, not one per request. */
  const failed = (kind: string, error: unknown) => {
    if (logged.has(kind)) return;
    logged.add(kind);
    log.warn("OONI unavailable", { kind, error });
  };

  async function rawAnalyses(listed: ListedMeasurement[]): Promise<FileAnalysis[]> {
    const out: (FileAnalysis | undefined)[] = new Array(listed.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < listed.length; i = next++) {
        const uid = listed[i]?.measurement_uid ?? "";
        try {
          out[i] = analyzeDocument(await api.measurementMeta(uid), analyzeContextFor(kb, `ooni:${uid}`));
        } catch (error) {
          // A missing raw measurement leaves the counts standing; the reading rests on the others.
          failed(`raw-${error instanceof OoniApiError ? error.reason : "error"}`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: RAW_CONCURRENCY }, worker));
    return out.filter((a): a is FileAnalysis => a !== undefined);
  }

  async function fetchSummary(query: OoniQuery, plan: OoniPlan): Promise<OoniSummary> {
    const fetchedAt = now();
    const window = {
      probe_cc: query.country.toUpperCase(),
      test_name: plan.testName,
      since: ooniDate(fetchedAt - windowDays * DAY_MS),
      until: ooniDate(fetchedAt),
    };
    const byDomain: Record<string, string> =
      plan.domains.length > 0 ? { domain: plan.domains.join(","), axis_x: "domain" } : {};
    const { total, topDomain } = await api.aggregation({ ...window, ...byDomain });
    const summary: OoniSummary = {
      source: "ooni",
      query,
      measurements: total.measurement_count,
      anomalies: total.anomaly_count + total.confirmed_count,
      windowDays,
      lastAt: null,
      status: "unknown",
      mechanism: null,
      features: [],
      analysed: 0,
      fetchedAt: new Date(fetchedAt).toISOString(),
    };
    if (total.measurement_count === 0) return summary;
    const domain: Record<string, string> =
      plan.domains.length > 0 ? { domain: topDomain ?? plan.domains[0] ?? "" } : {};
    const listed = await api.measurements({
      ...window,
      ...domain,
      order_by: "measurement_start_time",
      order: "desc",
      limit: String(sample),
    });
    const times = listed.map((m) => isoTime(m.measurement_start_time)).filter((t): t is string => t !== null);
    const reading = readingOf(await rawAnalyses(listed.slice(0, sample)));
    return {
      ...summary,
      lastAt: times.sort().at(-1) ?? null,
      status: reading.status,
      mechanism: reading.mechanism,
      features: reading.features,
      analysed: reading.analysed,
    };
  }

  async function cached(key: string): Promise<OoniSummary | undefined> {
    try {
      const hit = await store.getCached<OoniSummary>(key);
      // The store expires entries too; this check keeps the TTL on our clock and across backends.
      return hit && now() - Date.parse(hit.fetchedAt) < ttlMs ? hit : undefined;
    } catch (error) {
      failed("cache-read", error);
      return undefined;
    }
  }

  async function refresh(
    key: string,
    query: OoniQuery,
    plan: OoniPlan,
  ): Promise<OoniSummary | OoniUnavailable> {
    try {
      const summary = await fetchSummary(query, plan);
      if (REQUEST_FAILURES.filter((kind) => logged.delete(kind)).length > 0) log.info("OONI answering again");
      await store.setCached(key, summary, ttlMs).catch((error: unknown) => failed("cache-write", error));
      return summary;
    } catch (error) {
      const reason: FailureReason = error instanceof OoniApiError ? error.reason : "bad-response";
      failed(reason, error);
      return unavailable(reason);
    }
  }

  return {
    async summary(query, signal) {
      if (closing.signal.aborted) return unavailable("unreachable");
      const plan = ooniPlan(kb, query);
      if (!plan) return unavailable("bad-response");
      const key = cacheKeyOf(query);
      const hit = await cached(key);
      if (hit) return hit;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refresh(key, query, plan).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return signal ? untilAborted(pending, signal) : pending;
    },
    close: () => closing.abort(new Error("OONI source closed")),
  };
}

/**
 * The caller stops waiting when `signal` aborts (an answer's deadline); the fetch goes on and fills the
 * cache for the next ask.
 */
function untilAborted(
  pending: Promise<OoniSummary | OoniUnavailable>,
  signal: AbortSignal,
): Promise<OoniSummary | OoniUnavailable> {
  if (signal.aborted) return Promise.resolve(unavailable("unreachable"));
  return new Promise((resolve) => {
    const onAbort = () => resolve(unavailable("unreachable"));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then((result) => {
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    });
  });
}

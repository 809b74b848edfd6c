import { z } from "zod";
import { deadline } from "../core/deadline.js";
import { IsblockedError } from "../core/errors.js";
import type { OoniUnavailable } from "../model/ooni.js";
import { type RateLimiter, retryAfterMs } from "./request-budget.js";

// The three endpoints of OONI's API this project reads (ooni/README.md), each answer checked against the
// documented shape. Every failure is an OoniApiError with the reason a user may be told: unreachable
// (network error, timeout, 5xx), rate-limited (429, or paused by an earlier one) or bad-response.

export type FailureReason = Exclude<OoniUnavailable["reason"], "disabled">;

export class OoniApiError extends IsblockedError {
  override name = "OoniApiError";
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: ErrorOptions & { pausedUntil?: number },
  ) {
    super(message, options);
    this.pausedUntil = options?.pausedUntil;
  }
  /** For `rate-limited`: epoch milliseconds until which OONI asked for no requests. */
  readonly pausedUntil: number | undefined;
}

const count = z.number().int().nonnegative();
const counts = z.object({
  measurement_count: count,
  anomaly_count: count,
  confirmed_count: count,
  failure_count: count.optional(),
  ok_count: count.optional(),
});
export type AggregationCounts = z.infer<typeof counts>;

// No axis: one object of counts; with `axis_x`: one row per value of the axis.
const aggregationAnswer = z.object({
  result: z.union([counts, z.array(counts.extend({ domain: z.string().nullish() }))]),
});

const listedMeasurement = z.object({
  measurement_uid: z.string().min(1),
  measurement_start_time: z.string().min(1),
  test_name: z.string().optional(),
  input: z.string().nullish(),
  /** `AS4134` in the listing (a number in measurement_meta). */
  probe_asn: z.union([z.string(), z.number()]).optional(),
});
export type ListedMeasurement = z.infer<typeof listedMeasurement>;
const listAnswer = z.object({ results: z.array(listedMeasurement) });

export interface OoniApiOptions {
  baseUrl: string;
  fetch: typeof fetch;
  limiter: RateLimiter;
  now: () => number;
  /** Per request. */
  timeoutMs: number;
  /** Aborts every request (the source closing). */
  signal: AbortSignal;
}

/** How long to pause after a 429 that names no Retry-After. */
const DEFAULT_PAUSE_MS = 60_000;

export interface OoniApi {
  aggregation(
    params: Record<string, string>,
  ): Promise<{ total: AggregationCounts; topDomain: string | null }>;
  /** `signal` ends this request early (a cycle's deadline) besides the API's own. */
  measurements(params: Record<string, string>, signal?: AbortSignal): Promise<ListedMeasurement[]>;
  /** The measurement's metadata with its raw measurement (`full=true`), as OONI sent it. */
  measurementMeta(uid: string, signal?: AbortSignal): Promise<unknown>;
}

export function createOoniApi(options: OoniApiOptions): OoniApi {
  const base = options.baseUrl.replace(/\/+$/, "");

  async function getJson(
    path: string,
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = `${base}${path}?${new URLSearchParams(params)}`;
    const waiting = deadline(null, options.signal, signal);
    const allowed = await options.limiter
      .acquire(waiting.signal)
      .finally(() => waiting.dispose())
      .catch((error: unknown) => {
        throw new OoniApiError("unreachable", "closed while waiting for the rate limit", { cause: error });
      });
    if (!allowed) {
      throw new OoniApiError("rate-limited", "paused after OONI answered 429", {
        pausedUntil: options.limiter.pausedUntil(),
      });
    }
    let response: Response;
    let text: string;
    const limit = deadline(options.timeoutMs, options.signal, signal);
    try {
      response = await options.fetch(url, { signal: limit.signal, headers: { accept: "application/json" } });
      text = await response.text();
    } catch (error) {
      throw new OoniApiError("unreachable", `GET ${path} failed`, { cause: error });
    } finally {
      limit.dispose();
    }
    if (response.status === 429) {
      const until = retryAfterMs(response.headers.get("retry-after"), options.now(), DEFAULT_PAUSE_MS);
      options.limiter.pauseUntil(until);
      throw new OoniApiError("rate-limited", `GET ${path}: HTTP 429`, { pausedUntil: until });
    }
    if (response.status >= 500) throw new OoniApiError("unreachable", `GET ${path}: HTTP ${response.status}`);
    if (response.status !== 200)
      throw new OoniApiError("bad-response", `GET ${path}: HTTP ${response.status}`);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new OoniApiError("bad-response", `GET ${path}: not JSON`, { cause: error });
    }
  }

  function shaped<T>(schema: z.ZodType<T>, path: string, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new OoniApiError("bad-response", `GET ${path}: unexpected shape`, { cause: parsed.error });
    }
    return parsed.data;
  }

  return {
    async aggregation(params) {
      const path = "/api/v1/aggregation";
      const { result } = shaped(aggregationAnswer, path, await getJson(path, params));
      if (!Array.isArray(result)) return { total: result, topDomain: null };
      const total = { measurement_count: 0, anomaly_count: 0, confirmed_count: 0 };
      let top: { domain: string; n: number } | null = null;
      for (const row of result) {
        total.measurement_count += row.measurement_count;
        total.anomaly_count += row.anomaly_count;
        total.confirmed_count += row.confirmed_count;
        if (row.domain && row.measurement_count > (top?.n ?? 0))
          top = { domain: row.domain, n: row.measurement_count };
      }
      return { total, topDomain: top?.domain ?? null };
    },
    async measurements(params, signal) {
      const path = "/api/v1/measurements";
      return shaped(listAnswer, path, await getJson(path, params, signal)).results;
    },
    async measurementMeta(uid, signal) {
      return getJson("/api/v1/measurement_meta", { measurement_uid: uid, full: "true" }, signal);
    },
  };
}

/** OONI writes times as `2022-11-05T22:39:29Z` or `2022-11-05 22:39:29` (UTC); ISO either way. */
export function isoTime(value: string): string | null {
  const normalized = /Z|[+-]\d{2}:?\d{2}$/.test(value)
    ? value.replace(" ", "T")
    : `${value.replace(" ", "T")}Z`;
  const ms = Date.parse(normalized);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

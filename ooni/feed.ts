import { analyzeContextFor } from "../analysis/judge.js";
import { analyzeDocument } from "../analysis/ooni/read.js";
import { ooniVantage, readingOfAnalysis } from "../analysis/ooni/vantage.js";
import type { Logger } from "../core/log.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { fromTheFuture } from "../model/measurement.js";
import type { Target } from "../model/status.js";
import type { FeedCollection, KnownReadings, ReadingFeed, TargetReadings } from "../pipeline/readings.js";
import { isoTime, type ListedMeasurement, type OoniApi, OoniApiError } from "./api.js";
import { OONI_TESTS } from "./plan.js";

// OONI's public measurements as a feed, like the agents (ooni/README.md, "The feed"): each cycle lists the
// newest measurements of every watched country and test, keeps for each (service, country, network) the
// newest one not read yet, reads as many of those as the cycle's request budget allows (round robin over
// the pairs, so every pair gets its newest network before any gets a second), judges each raw measurement
// with our own analyzer (never OONI's flags) and hands back one reading per network: `ooni:AS4134`.
// Never throws for OONI's failures: a 429 waits for its Retry-After and resumes, a 5xx is retried with a
// back-off, and whatever was read before a failure that would not go away is kept.

export interface OoniFeedOptions {
  api: OoniApi;
  kb: KnowledgeBase;
  log: Logger;
  /** ISO 3166-1 alpha-2 codes (OONI_COUNTRIES). */
  countries: readonly string[];
  /** Knowledge-base ids; every service when absent. */
  services?: readonly string[];
  /** Requests one cycle may make, listings included. */
  budget: number;
  /** Measurements asked for per listing (one listing per country and test). */
  perListing?: number;
  /** How far back a listing looks, in hours: older measurements would not count anyway. */
  windowHours?: number;
  /** Networks read per (service, country) and cycle at most; the newest first. */
  perPair?: number;
  now?: () => number;
  /** Waits before retrying; tests pass their own. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const RAW_CONCURRENCY = 3;
/** Enough networks to show a country's split (China's three big carriers and a couple more). */
const DEFAULT_PER_PAIR = 6;
const RETRIES = 3;
const FIRST_BACKOFF_MS = 1_000;
const HOUR = 3_600_000;

const pairKey = (t: Target) => `${t.service}\u0000${t.country}`;

interface Candidate {
  target: Target;
  asn: number;
  listed: ListedMeasurement;
  startedAt: string;
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

function asnOf(listed: ListedMeasurement): number | null {
  const raw = listed.probe_asn;
  const n = typeof raw === "number" ? raw : Number(String(raw ?? "").replace(/^AS/i, ""));
  return Number.isInteger(n) && n > 0 ? n : null;
}

export function createOoniFeed(options: OoniFeedOptions): ReadingFeed {
  const { api, kb, log } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? wait;
  const perListing = options.perListing ?? 1000;
  const windowMs = (options.windowHours ?? 48) * HOUR;
  const perPair = options.perPair ?? DEFAULT_PER_PAIR;
  const watched = new Set(options.services ?? kb.services.map((s) => s.id));

  /**
   * One request with what OONI's answers ask for: a 429 pauses until its Retry-After and tries again, a
   * 5xx or a network error backs off and tries again, at most RETRIES times; the signal ends the wait.
   */
  async function patiently<T>(
    spend: () => boolean,
    request: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (signal?.aborted || !spend()) return undefined;
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof OoniApiError) || error.reason === "bad-response") throw error;
        if (attempt === RETRIES) break;
        const pausedUntil = error.pausedUntil ?? 0;
        const backoff =
          error.reason === "rate-limited" && pausedUntil > now()
            ? pausedUntil - now()
            : FIRST_BACKOFF_MS * 2 ** attempt;
        log.info("OONI did not answer: the feed waits and tries again", {
          reason: error.reason,
          waitMs: backoff,
          attempt: attempt + 1,
        });
        await sleep(backoff, signal);
      }
    }
    return undefined;
  }

  return {
    /** One cycle: list, choose within the budget, read, judge. */
    async collect(known: KnownReadings, signal?: AbortSignal): Promise<FeedCollection> {
      let requests = 0;
      let incomplete = false;
      const spend = () => {
        if (requests >= options.budget) {
          incomplete = true;
          return false;
        }
        requests++;
        return true;
      };
      const since = new Date(now() - windowMs).toISOString().slice(0, 19);

      // The newest unread measurement per (service, country, network).
      const newest = new Map<string, Candidate>();
      countries: for (const country of options.countries) {
        for (const test of OONI_TESTS) {
          const services = test.services(kb).filter((id) => watched.has(id));
          if (services.length === 0) continue;
          let listed: ListedMeasurement[] | undefined;
          try {
            listed = await patiently(
              spend,
              () =>
                api.measurements(
                  {
                    probe_cc: country,
                    test_name: test.name,
                    since,
                    order_by: "measurement_start_time",
                    order: "desc",
                    limit: String(perListing),
                  },
                  signal,
                ),
              signal,
            );
          } catch (error) {
            log.warn("OONI listing unreadable: skipped", { country, test: test.name, error });
            continue;
          }
          if (listed === undefined) {
            // The budget is spent, or OONI did not answer after its retries: asking about the next
            // country now would only wait the same way.
            incomplete = true;
            break countries;
          }
          for (const m of listed) {
            const service = test.serviceOf(kb, m);
            const asn = asnOf(m);
            const startedAt = isoTime(m.measurement_start_time);
            if (!service || !watched.has(service) || asn === null || startedAt === null) continue;
            if (fromTheFuture(Date.parse(startedAt), now())) continue;
            const target = { service, country };
            const seen = known(target).get(ooniVantage(asn));
            if (seen !== undefined && seen >= startedAt) continue;
            const key = `${pairKey(target)}\u0000${asn}`;
            const kept = newest.get(key);
            if (!kept || startedAt > kept.startedAt) newest.set(key, { target, asn, listed: m, startedAt });
          }
        }
      }

      // Round robin over pairs: each pair's newest network first, then the next network of each, up to
      // perPair networks; pairs with nothing kept yet first, so a budget too small for everything fills
      // the board before it refreshes it.
      const byPair = new Map<string, Candidate[]>();
      for (const c of newest.values()) {
        const k = pairKey(c.target);
        const list = byPair.get(k);
        if (list) list.push(c);
        else byPair.set(k, [c]);
      }
      const pairs = [...byPair.values()].map((list) =>
        list.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, perPair),
      );
      const unknownFirst = (list: Candidate[]) => (known((list[0] as Candidate).target).size === 0 ? 0 : 1);
      pairs.sort((a, b) => unknownFirst(a) - unknownFirst(b));
      const order: Candidate[] = [];
      for (let round = 0; round < perPair; round++) {
        for (const list of pairs) {
          const c = list[round];
          if (c) order.push(c);
        }
      }

      const readings = new Map<string, TargetReadings>();
      const read = new Set<string>();
      let next = 0;
      let stop = false;
      const worker = async () => {
        while (!stop && next < order.length) {
          const c = order[next++] as Candidate;
          let document: unknown;
          try {
            document = await patiently(
              spend,
              () => api.measurementMeta(c.listed.measurement_uid, signal),
              signal,
            );
          } catch (error) {
            log.debug("OONI measurement unreadable: skipped", { uid: c.listed.measurement_uid, error });
            continue;
          }
          if (document === undefined) {
            stop = true;
            incomplete = true;
            return;
          }
          const analysis = analyzeDocument(
            document,
            analyzeContextFor(kb, `ooni:${c.listed.measurement_uid}`),
          );
          if (analysis.error || analysis.service !== c.target.service) continue;
          const reading = readingOfAnalysis(analysis, {
            asn: c.asn,
            name: kb.asn().nameOf(c.asn) ?? `AS${c.asn}`,
            measuredAt: c.startedAt,
            testName: c.listed.test_name ?? "",
          });
          const k = pairKey(c.target);
          const entry = readings.get(k) ?? { target: c.target, readings: [] };
          entry.readings.push(reading);
          readings.set(k, entry);
          read.add(k);
        }
      };
      await Promise.all(Array.from({ length: RAW_CONCURRENCY }, worker));
      if (incomplete) log.warn("OONI cycle incomplete", { requests, budget: options.budget });
      return { readings, requests, pairsListed: byPair.size, pairsRead: read.size, incomplete };
    },
  };
}

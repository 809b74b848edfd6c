import type { OoniQuery, OoniSource, OoniSummary, OoniUnavailable } from "../model/ooni.js";

/** How long an answer waits for OONI before it goes out without it (the fetch goes on and fills the cache). */
export const ANSWER_DEADLINE_MS = 2_000;

/** Asks with a deadline: an answer never waits on OONI longer than `ms`. */
export function ooniSummaryWithin(
  source: OoniSource,
  query: OoniQuery,
  ms: number = ANSWER_DEADLINE_MS,
): Promise<OoniSummary | OoniUnavailable> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  return source.summary(query, deadline.signal).finally(() => clearTimeout(timer));
}

import { performance } from "node:perf_hooks";
import { loadKnowledgeBase } from "../kb/load.js";
import type { ServiceStatus, ServiceStatusValue, Target } from "../model/status.js";
import type { AtomicKv, Store } from "../model/store.js";
import { KvStore } from "../store/domain.js";
import { openKv } from "../store/open.js";

// A child process of the store-scale bench, so that its memory is the only thing its RSS counts.
// `fill PATH`: writes the data set into the SQLite file at PATH. `serve PATH`: opens it as `isblocked start`
// would (knowledge base loaded, store opened), serves look-ups, and reports its RSS and their timings.
// Prints one JSON line on stdout.

export const SERVICES = 50;
export const COUNTRIES = 20;
export const SUBSCRIPTIONS = 100_000;
/** Distinct chats: each subscribes to two or three targets on average. */
const CHATS = 40_000;
const DAYS = 30;
/** Status changes a target goes through a day: a flapping month, more than most targets ever see. */
const CHANGES_PER_DAY = 2;
const LOOKUPS = 5_000;
const START = Date.parse("2026-10-22T00:00:00.000Z");
const VALUES: ServiceStatusValue[] = ["accessible", "partial", "blocked", "outage", "unknown"];

export interface FillReport {
  targets: number;
  subscriptions: number;
  timelineEntries: number;
  seconds: number;
}

export interface ServeReport {
  rssMb: number;
  heapUsedMb: number;
  /** Milliseconds of each subscriber look-up, over random targets, and of the largest list. */
  lookupMs: number[];
  largestMs: number[];
  largest: number;
}

/** The 1,000 targets, most popular first: real knowledge-base ids, padded with made-up ones. */
export function targetsOf(): Target[] {
  // As `isblocked start` loads it: from the build's snapshot where it matches the YAML.
  const kb = loadKnowledgeBase(undefined, { snapshot: true });
  const pad = (ids: string[], n: number, make: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => ids[i] ?? make(i));
  const services = pad(
    kb.services.map((s) => s.id),
    SERVICES,
    (i) => `bench-service-${i}`,
  );
  const countries = pad(
    kb.countries.map((c) => c.code),
    COUNTRIES,
    (i) => `X${String.fromCharCode(65 + (i % 26))}`,
  );
  return countries.flatMap((country) => services.map((service) => ({ service, country })));
}

/** Subscribers per target, Zipf-like (the first has about 13,000) and adding up to SUBSCRIPTIONS. */
export function subscriberCounts(targets: number): number[] {
  const weights = Array.from({ length: targets }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / total) * SUBSCRIPTIONS));
  let missing = SUBSCRIPTIONS - counts.reduce((a, b) => a + b, 0);
  for (let i = counts.length - 1; missing > 0; i--, missing--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

function statusAt(target: Target, index: number, at: string): ServiceStatus {
  const status = VALUES[index % VALUES.length] ?? "unknown";
  return {
    service: target.service,
    country: target.country,
    status,
    mechanism: status === "blocked" || status === "partial" ? "tls" : null,
    since: at,
    checkedAt: new Date(START + DAYS * 86_400_000).toISOString(),
    features: ["text", "media", "calls", "web"].map((feature) => ({
      feature,
      status: "ok",
      mechanism: null,
    })),
    regions: [],
    confidence: 1,
    evidence: [1, 2, 3].map(
      (n) =>
        `vantage-${n} tls://e${n}.${target.service}.example:443: probe: connection_reset at TLS; control: ok`,
    ),
  };
}

/**
 * The subscriptions, written in bulk in the layout `subscribe` keeps (store/README.md, "Key layout"): the
 * sorted `subs:` list of each target and each chat's `chat-subs:` index. One by one, `subscribe` rewrites
 * and re-sorts a target's whole list each time, which for the 13,000 subscribers of the largest target is
 * minutes of CPU: a cost of filling the bench, not of the figures measured after.
 */
async function writeSubscriptions(kv: AtomicKv, targets: Target[], counts: number[]): Promise<void> {
  const byChat = new Map<string, Target[]>();
  for (const [t, target] of targets.entries()) {
    const chats = Array.from(
      { length: counts[t] ?? 0 },
      (_, k) => `${1_000_000_000 + ((t * 7919 + k) % CHATS)}`,
    ).sort();
    await kv.set(`subs:${target.service}:${target.country}`, chats);
    for (const chat of chats) byChat.set(chat, [...(byChat.get(chat) ?? []), target]);
  }
  const entries = [...byChat];
  for (let i = 0; i < entries.length; i += 500) {
    await Promise.all(entries.slice(i, i + 500).map(([chat, list]) => kv.set(`chat-subs:${chat}`, list)));
  }
}

async function fill(kv: AtomicKv, store: Store): Promise<FillReport> {
  const started = performance.now();
  const targets = targetsOf();
  const counts = subscriberCounts(targets.length);
  const changes = DAYS * CHANGES_PER_DAY;
  let timelineEntries = 0;
  await writeSubscriptions(kv, targets, counts);
  for (const target of targets) {
    let last: ServiceStatus | null = null;
    for (let n = 0; n < changes; n++) {
      const at = new Date(START + (n * 86_400_000) / CHANGES_PER_DAY).toISOString();
      last = statusAt(target, n, at);
      await store.appendTimeline(target, {
        at,
        from: n === 0 ? null : (VALUES[(n - 1) % VALUES.length] ?? null),
        to: last.status,
        mechanism: last.mechanism,
      });
      timelineEntries++;
    }
    if (last) {
      const confirmed = last;
      await store.updateEngineState(target, () => ({
        state: { confirmed, candidate: null, observedAt: confirmed.checkedAt },
        change: null,
      }));
      await store.putStatus(confirmed);
    }
  }
  return {
    targets: targets.length,
    subscriptions: counts.reduce((a, b) => a + b, 0),
    timelineEntries,
    seconds: (performance.now() - started) / 1000,
  };
}

async function serve(store: Store): Promise<ServeReport> {
  const targets = targetsOf();
  const counts = subscriberCounts(targets.length);
  // Serving: every status and timeline read once (answers, /list, /history) ...
  for (const target of targets) {
    await store.getStatus(target);
    await store.getTimeline(target);
  }
  for (const country of new Set(targets.map((t) => t.country))) await store.listStatuses(country);
  // ... and the subscribers of targets in turn, as alerts look them up.
  const time = async (target: Target) => {
    const started = performance.now();
    const subscribers = await store.subscribers(target);
    return { ms: performance.now() - started, n: subscribers.length };
  };
  const lookupMs: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const target = targets[(i * 7919) % targets.length] as Target;
    lookupMs.push((await time(target)).ms);
  }
  const largestMs: number[] = [];
  let largest = 0;
  for (let i = 0; i < 200; i++) {
    const { ms, n } = await time(targets[0] as Target);
    largestMs.push(ms);
    largest = n;
  }
  // The bulk-written layout reads back as `subscribe` would have left it.
  if (largest !== counts[0]) throw new Error(`the largest list has ${largest} subscribers, not ${counts[0]}`);
  const chat = `${1_000_000_000}`;
  if (!(await store.subscriptionsOf(chat)).some((t) => t.service === targets[0]?.service)) {
    throw new Error(`chat ${chat} lost its subscription`);
  }
  const memory = process.memoryUsage();
  return {
    rssMb: memory.rss / 2 ** 20,
    heapUsedMb: memory.heapUsed / 2 ** 20,
    lookupMs,
    largestMs,
    largest,
  };
}

const [mode, path] = process.argv.slice(2);
if ((mode === "fill" || mode === "serve") && path) {
  const kv = await openKv(`sqlite://${path}`);
  const store = new KvStore(kv);
  try {
    const report = mode === "fill" ? await fill(kv, store) : await serve(store);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await store.close();
  }
}

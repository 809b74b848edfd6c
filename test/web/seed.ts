import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { ServiceStatus, ServiceStatusValue, TimelineEntry } from "../../model/status.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { createWebServer, type WebServer, type WebServerOptions } from "../../web/server.js";

// Seeded statuses and timelines for the web tests: a fixed "now" so that availability, dates and the chart
// are the same on every run.

export const NOW = new Date("2026-06-30T12:00:00.000Z");
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
/** The latest probe cycle: ten minutes before now. */
export const CHECKED_AT = new Date(NOW.getTime() - 10 * 60_000).toISOString();

export interface SeedTarget {
  status: ServiceStatus;
  timeline: TimelineEntry[];
}

/** A status with its timeline: `changes` are [days ago, status], oldest first; the last one holds now. */
export function seedTarget(
  service: string,
  country: string,
  changes: [number, ServiceStatusValue][],
  details: Partial<ServiceStatus> = {},
): SeedTarget {
  const timeline = changes.map(([days, to], i) => ({
    at: daysAgo(days),
    from: i === 0 ? null : (changes[i - 1]?.[1] ?? null),
    to,
    mechanism: null,
  }));
  const last = changes[changes.length - 1];
  if (!last) throw new Error("a seeded target needs at least one change");
  return {
    status: {
      service,
      country,
      status: last[1],
      mechanism: null,
      since: daysAgo(last[0]),
      checkedAt: CHECKED_AT,
      features: [],
      regions: [],
      confidence: 1,
      ...details,
    },
    timeline,
  };
}

export async function seedStore(targets: readonly SeedTarget[]): Promise<Store> {
  const store = await openStore("memory:");
  for (const t of targets) {
    await store.putStatus(t.status);
    for (const entry of t.timeline) await store.appendTimeline(t.status, entry);
  }
  return store;
}

/** What the real knowledge base's board shows in the browser test: China and Iran measured. */
export function realKbTargets(): SeedTarget[] {
  return [
    seedTarget(
      "whatsapp",
      "CN",
      [
        [45, "accessible"],
        [15, "partial"],
      ],
      {
        mechanism: "tls",
        features: [
          { feature: "text", status: "ok", mechanism: null },
          { feature: "media", status: "blocked", mechanism: "tls" },
          { feature: "registration", status: "ok", mechanism: null },
          { feature: "web", status: "blocked", mechanism: "tls" },
        ],
        regions: [
          { region: "beijing", status: "partial" },
          { region: "shanghai", status: "partial" },
        ],
      },
    ),
    seedTarget("telegram", "CN", [[40, "blocked"]], {
      mechanism: "tcp",
      features: [
        { feature: "text", status: "blocked", mechanism: "tcp" },
        { feature: "web", status: "blocked", mechanism: "tcp" },
        { feature: "download", status: "blocked", mechanism: "dns" },
      ],
    }),
    seedTarget("google-search", "CN", [[20, "blocked"]], { mechanism: "dns" }),
    seedTarget("wechat", "CN", [
      [60, "accessible"],
      [3, "outage"],
      [2, "accessible"],
    ]),
    seedTarget("signal", "CN", [[1, "unknown"]]),
    seedTarget("instagram", "IR", [[30, "blocked"]], { mechanism: "tls" }),
  ];
}

export interface RunningServer {
  server: WebServer;
  store: Store;
  base: string;
  close(): Promise<void>;
}

/** A web server on 127.0.0.1 and a free port, over a memory store seeded with `targets`. */
export async function startSeededServer(
  kb: KnowledgeBase,
  targets: readonly SeedTarget[],
  options: Partial<WebServerOptions> = {},
): Promise<RunningServer> {
  const store = options.store ?? (await seedStore(targets));
  const server = createWebServer({
    store,
    kb,
    metrics: createMetrics(),
    log: createLogger({ level: "silent" }),
    now: () => NOW,
    defaultCountry: "CN",
    ...options,
  });
  const port = await server.listen(0, "127.0.0.1");
  return {
    server,
    store,
    base: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import { loadKnowledgeBase } from "../../kb/load.js";
import {
  haveExplorerApi,
  loadRecordedMeasurements,
  type OoniApiServer,
  redated,
  startOoniApiServer,
} from "../../lab/ooni-api-server.js";
import type { OoniSummary } from "../../model/ooni.js";
import type { Store } from "../../model/store.js";
import { createOoniSource, type OoniSourceOptions } from "../../ooni/source.js";
import { ooniSummaryWithin } from "../../pipeline/ooni-deadline.js";
import { openStore } from "../../store/open.js";

// OONI as a source against a local replay of OONI's API (lab/ooni-api-server.ts): real recorded
// measurement_meta answers from ../shared/data, judged by our analyzer; listing and aggregation in the
// documented shapes. Nothing here leaves 127.0.0.1.

const kb = loadKnowledgeBase();
const HOUR = 3_600_000;

if (!haveExplorerApi) {
  console.warn("skipping the OONI replay tests: ../shared/data/ooni-raw/explorer-api is absent");
}

describe.skipIf(!haveExplorerApi)("OONI source against a replay of OONI's API", () => {
  let server: OoniApiServer;
  let store: Store;
  let clock: number;
  let logs: string[];

  beforeAll(async () => {
    // The 2020 rutor.org block in Russia, moved into the 7-day window that ends at this test's clock.
    server = await startOoniApiServer(
      loadRecordedMeasurements().map((r) =>
        r.uid === "01202003039e13e3e38be1918d3a64c2ec27ea22" ? redated(r, "2022-11-09T08:15:05Z") : r,
      ),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  const source = (options: Partial<OoniSourceOptions> = {}) => {
    logs = [];
    return createOoniSource({
      baseUrl: server.url,
      store,
      kb,
      log: createLogger({ level: "debug", write: (line) => logs.push(line) }),
      now: () => clock,
      ...options,
    });
  };

  const reset = async () => {
    store = await openStore("memory:");
    clock = Date.parse("2022-11-10T12:00:00Z");
    server.requests.length = 0;
    server.respond = undefined;
  };
  afterEach(async () => {
    await store?.close();
  });

  it("summarises an IM test from its aggregation, listing and raw measurement, judged by our analyzer", async () => {
    await reset();
    const summary = (await source().summary({ country: "JP", service: "whatsapp" })) as OoniSummary;
    expect(summary).toEqual({
      source: "ooni",
      query: { country: "JP", service: "whatsapp" },
      measurements: 1,
      anomalies: 1,
      windowDays: 7,
      lastAt: "2022-11-05T22:39:29.000Z",
      status: "blocked",
      mechanism: "dns",
      features: expect.arrayContaining([{ feature: "text", status: "blocked", mechanism: "dns" }]),
      analysed: 1,
      fetchedAt: "2022-11-10T12:00:00.000Z",
    });
    expect(server.requests.map((r) => r.split("?")[0])).toEqual([
      "/api/v1/aggregation",
      "/api/v1/measurements",
      "/api/v1/measurement_meta",
    ]);
    const aggregation = new URLSearchParams(server.requests[0]?.split("?")[1]);
    expect(Object.fromEntries(aggregation)).toEqual({
      probe_cc: "JP",
      test_name: "whatsapp",
      since: "2022-11-03T12:00:00",
      until: "2022-11-10T12:00:00",
    });
  });

  it("asks web_connectivity by domain (www. included) for any domain, and reads the measurement of its host", async () => {
    await reset();
    const summary = (await source().summary({ country: "RU", domain: "rutor.org" })) as OoniSummary;
    expect(summary).toMatchObject({ measurements: 1, anomalies: 1, status: "blocked", mechanism: "http" });
    const aggregation = Object.fromEntries(new URLSearchParams(server.requests[0]?.split("?")[1]));
    expect(aggregation).toMatchObject({
      test_name: "web_connectivity",
      domain: "rutor.org,www.rutor.org",
      axis_x: "domain",
    });
    const listing = Object.fromEntries(new URLSearchParams(server.requests[1]?.split("?")[1]));
    expect(listing).toMatchObject({ domain: "rutor.org", order_by: "measurement_start_time", order: "desc" });
  });

  it("takes counts from a documented aggregation answer and the reading from the newest raw measurements", async () => {
    await reset();
    server.respond = (path) =>
      path === "/api/v1/aggregation"
        ? {
            body: {
              v: 0,
              dimension_count: 0,
              result: {
                anomaly_count: 5,
                confirmed_count: 2,
                failure_count: 1,
                ok_count: 29,
                measurement_count: 37,
              },
            },
          }
        : undefined;
    const summary = (await source().summary({ country: "US", service: "whatsapp" })) as OoniSummary;
    expect(summary).toMatchObject({ measurements: 37, anomalies: 7, status: "accessible", analysed: 1 });
  });

  it("serves a fresh summary from the cache without a request, and asks again once the TTL has passed", async () => {
    await reset();
    const ooni = source({ ttlMs: HOUR });
    const first = await ooni.summary({ country: "JP", service: "whatsapp" });
    const asked = server.requests.length;
    expect(asked).toBe(3);
    clock += HOUR - 1;
    expect(await ooni.summary({ country: "JP", service: "whatsapp" })).toEqual(first);
    expect(server.requests.length).toBe(asked);
    clock += 2;
    const again = (await ooni.summary({ country: "JP", service: "whatsapp" })) as OoniSummary;
    expect(server.requests.length).toBe(asked * 2);
    expect(again.fetchedAt).toBe(new Date(clock).toISOString());
  });

  it("shares one fetch between concurrent asks of the same query", async () => {
    await reset();
    const ooni = source();
    await Promise.all([1, 2, 3].map(() => ooni.summary({ country: "JP", service: "whatsapp" })));
    expect(server.requests.filter((r) => r.startsWith("/api/v1/aggregation"))).toHaveLength(1);
  });

  it("stops asking after a 429 until its Retry-After has passed, and logs it once", async () => {
    await reset();
    let limited = true;
    server.respond = () =>
      limited ? { status: 429, headers: { "retry-after": "120" }, body: { error: "slow down" } } : undefined;
    const ooni = source();
    expect(await ooni.summary({ country: "JP", service: "whatsapp" })).toEqual({
      source: "ooni",
      unavailable: true,
      reason: "rate-limited",
    });
    expect(server.requests).toHaveLength(1);
    limited = false;
    clock += 119_000;
    expect(await ooni.summary({ country: "JP", service: "whatsapp" })).toMatchObject({
      reason: "rate-limited",
    });
    expect(server.requests).toHaveLength(1);
    expect(logs.filter((l) => l.includes('"kind":"rate-limited"'))).toHaveLength(1);
    clock += 2_000;
    expect(await ooni.summary({ country: "JP", service: "whatsapp" })).toMatchObject({ status: "blocked" });
    expect(logs.some((l) => l.includes("OONI answering again"))).toBe(true);
  });

  it("is unreachable when nothing listens, and says so without throwing", async () => {
    await reset();
    const closed = await startOoniApiServer([]);
    const url = closed.url;
    await closed.close();
    const ooni = source({ baseUrl: url });
    expect(await ooni.summary({ country: "CN", service: "whatsapp" })).toEqual({
      source: "ooni",
      unavailable: true,
      reason: "unreachable",
    });
    await ooni.summary({ country: "CN", service: "telegram" });
    expect(logs.filter((l) => l.includes('"kind":"unreachable"'))).toHaveLength(1);
  });

  it.each([
    ["not JSON", { body: "<html>502 Bad Gateway</html>" }],
    ["an unexpected shape", { body: { error: "Invalid since and until values", v: 0 } }],
    ["an HTTP 400", { status: 400, body: { error: "bad request" } }],
  ])("is a bad response on %s", async (_name, reply) => {
    await reset();
    server.respond = () => reply;
    expect(await source().summary({ country: "CN", service: "whatsapp" })).toMatchObject({
      unavailable: true,
      reason: "bad-response",
    });
  });

  it("answers within the deadline when OONI does not answer at all, and the fetch is aborted on close", async () => {
    await reset();
    const silent: Server = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const ooni = source({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    expect(await ooniSummaryWithin(ooni, { country: "CN", service: "whatsapp" }, 50)).toMatchObject({
      reason: "unreachable",
    });
    ooni.close();
    silent.close();
  });

  it("is disabled without a base URL and asks nothing", async () => {
    await reset();
    const ooni = source({ baseUrl: undefined });
    expect(await ooni.summary({ country: "CN", service: "whatsapp" })).toEqual({
      source: "ooni",
      unavailable: true,
      reason: "disabled",
    });
    expect(server.requests).toEqual([]);
  });
});

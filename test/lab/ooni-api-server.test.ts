import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeContextFor } from "../../analysis/judge.js";
import { analyzeDocument, unwrapApiResponse } from "../../analysis/ooni/read.js";
import { loadKnowledgeBase } from "../../kb/load.js";
import {
  BULK_TEMPLATES,
  haveBulkTemplates,
  haveExplorerApi,
  loadRecordedMeasurements,
  OONI_RAW_DIR,
  type OoniApiServer,
  type RecordedMeasurement,
  recordedFromRaw,
  redated,
  refiled,
  startOoniApiServer,
  syntheticBulk,
  templateFor,
} from "../../lab/ooni-api-server.js";
import { OONI_IM_TESTS, ooniTargets } from "../../ooni/plan.js";

// The loopback stand-in for OONI's API (lab/ooni-api-server.ts) behaves as OONI's does where the product
// relies on it, and what it re-dates, re-files or wraps is still read by our analyzer as what it is.

const kb = loadKnowledgeBase();
const analyze = (doc: unknown) => analyzeDocument(doc, analyzeContextFor(kb, "test"));
const bodyOf = (r: RecordedMeasurement) => JSON.parse(r.recorded.body) as Record<string, unknown>;
const rawOf = (r: RecordedMeasurement) => unwrapApiResponse(bodyOf(r)).measurement as Record<string, unknown>;
const get = async (server: OoniApiServer, path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, headers: response.headers, json: (await response.json()) as unknown };
};
const listing = async (server: OoniApiServer, query: Record<string, string>) => {
  const answer = await get(server, `/api/v1/measurements?${new URLSearchParams(query)}`);
  return (answer.json as { results: { measurement_uid: string; measurement_start_time: string }[] }).results;
};

const WHATSAPP_JP = "20221105223930.168194_JP_whatsapp_e3e891f975f0d5ef";
const RU_WEB = "01202003039e13e3e38be1918d3a64c2ec27ea22";

if (!haveExplorerApi) {
  console.warn("skipping the OONI API server's replay tests: ../shared/data/ooni-raw/explorer-api is absent");
}
if (!haveBulkTemplates) {
  console.warn("skipping the OONI API server's template tests: ../shared/data/ooni-raw is absent");
}

describe("failNext", () => {
  let server: OoniApiServer;
  beforeAll(async () => {
    server = await startOoniApiServer([]);
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers 429 with a Retry-After to the next matching requests, then serves again", async () => {
    server.failNext({ path: "/api/v1/measurements", status: 429, times: 2 });
    const first = await get(server, "/api/v1/measurements?probe_cc=IR");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await get(server, "/api/v1/aggregation")).status).toBe(200);
    expect((await get(server, "/api/v1/measurements?probe_cc=IR")).status).toBe(429);
    expect(await get(server, "/api/v1/measurements?probe_cc=IR")).toMatchObject({
      status: 200,
      json: { results: [] },
    });
    expect(server.requests).toHaveLength(4);
  });

  it("injects 5xx on any path, with the headers given, before `respond` is asked", async () => {
    server.respond = () => ({ body: { answered: true } });
    server.failNext({ status: 503, headers: { "x-why": "maintenance" } });
    const failed = await get(server, "/api/v1/measurement_meta?measurement_uid=x");
    expect(failed.status).toBe(503);
    expect(failed.headers.get("x-why")).toBe("maintenance");
    expect(failed.headers.get("retry-after")).toBeNull();
    expect(await get(server, "/api/v1/measurement_meta?measurement_uid=x")).toMatchObject({
      status: 200,
      json: { answered: true },
    });
    server.respond = undefined;
  });
});

describe.skipIf(!haveExplorerApi)("re-dated and re-filed recorded measurements", () => {
  const records = haveExplorerApi ? loadRecordedMeasurements() : [];
  const recorded = (uid: string) => records.find((r) => r.uid === uid) as RecordedMeasurement;

  it("moves every time of a measurement, each in its own format, and our analyzer reads it as before", () => {
    const original = recorded(WHATSAPP_JP);
    const moved = redated(original, "2026-03-01T10:00:00Z");
    expect(moved.meta.measurement_start_time).toBe("2026-03-01T10:00:00Z");
    expect(bodyOf(moved)).toMatchObject({
      measurement_start_time: "2026-03-01T10:00:00Z",
      test_start_time: "2026-03-01T09:59:59Z", // a second before, as in the original
      measurement_uid: WHATSAPP_JP,
    });
    expect(rawOf(moved)).toMatchObject({
      measurement_start_time: "2026-03-01 10:00:00",
      test_start_time: "2026-03-01 09:59:59",
    });
    expect(JSON.parse(moved.raw as string)).toEqual(rawOf(moved));
    const before = analyze(JSON.parse(original.recorded.body));
    expect(analyze(bodyOf(moved))).toEqual(before);
    expect(before).toMatchObject({ service: "whatsapp", status: "blocked" });
  });

  it("keeps each document's own test-start lead when the raw measurement's clock differed from the API's", () => {
    // Recorded in 2020 with the raw times an hour ahead of the API's: both now start at the new time.
    const moved = redated(recorded(RU_WEB), "2026-03-01T10:00:00.000Z");
    expect(bodyOf(moved)).toMatchObject({
      measurement_start_time: "2026-03-01T10:00:00Z",
      test_start_time: "2026-03-01T09:37:39Z",
    });
    expect(rawOf(moved)).toMatchObject({
      measurement_start_time: "2026-03-01 10:00:00",
      test_start_time: "2026-03-01 09:37:39",
    });
  });

  it("files a measurement under another country and network, with a new uid when asked", () => {
    const original = recorded(WHATSAPP_JP);
    const moved = refiled(original, { probe_cc: "CN", probe_asn: "AS4134", uid: true });
    expect(moved.uid).toMatch(/^20221105223929\.\d{6}_CN_whatsapp_[0-9a-f]{16}$/);
    expect(moved.uid).not.toBe(WHATSAPP_JP);
    expect(refiled(original, { probe_cc: "CN", probe_asn: 4134, uid: true }).uid).toBe(moved.uid);
    expect(bodyOf(moved)).toMatchObject({
      measurement_uid: moved.uid,
      probe_cc: "CN",
      probe_asn: 4134,
      report_id: "20221105T223928Z_whatsapp_CN_4134_n1_aL6HH9GHYc1YbILm",
    });
    expect(rawOf(moved)).toMatchObject({
      probe_cc: "CN",
      probe_asn: "AS4134",
      report_id: "20221105T223928Z_whatsapp_CN_4134_n1_aL6HH9GHYc1YbILm",
      probe_network_name: null,
    });
    expect(analyze(bodyOf(moved))).toMatchObject({ probe_cc: "CN", service: "whatsapp", status: "blocked" });
    expect(
      refiled(original, { probe_cc: "CN", probe_asn: 4134, probe_network_name: "Chinanet" }),
    ).toMatchObject({
      uid: WHATSAPP_JP,
      raw: expect.stringContaining('"probe_network_name":"Chinanet"'),
    });
    // An older report id names only the network.
    expect(rawOf(refiled(recorded(RU_WEB), { probe_cc: "IR", probe_asn: 197207 })).report_id).toMatch(
      /^20200303T085244Z_AS197207_/,
    );
  });

  describe("listing filters", () => {
    let server: OoniApiServer;
    const at = (h: number) => `2026-03-01T${String(h).padStart(2, "0")}:00:00Z`;
    beforeAll(async () => {
      const base = recorded(WHATSAPP_JP);
      // The same real measurement at 10:00, 11:00 and 12:00 on two networks of China.
      const copies = [10, 11, 12].flatMap((h) =>
        [4134, 4837].map((asn) =>
          refiled(redated(base, at(h)), { probe_cc: "CN", probe_asn: asn, uid: true }),
        ),
      );
      server = await startOoniApiServer([...records, ...copies]);
    });
    afterAll(async () => {
      await server.close();
    });

    it("since is exclusive, until inclusive, on measurement_start_time, newest first", async () => {
      const found = await listing(server, {
        probe_cc: "CN",
        since: "2026-03-01T10:00:00",
        until: "2026-03-01T11:00:00",
        order_by: "measurement_start_time",
        order: "desc",
      });
      expect(found.map((m) => m.measurement_start_time)).toEqual([at(11), at(11)]);
      const all = await listing(server, { probe_cc: "CN", since: "2026-03-01" });
      expect(all.map((m) => m.measurement_start_time)).toEqual([
        at(12),
        at(12),
        at(11),
        at(11),
        at(10),
        at(10),
      ]);
      const oldest = await listing(server, { probe_cc: "CN", order: "asc", limit: "1" });
      expect(oldest.map((m) => m.measurement_start_time)).toEqual([at(10)]);
    });

    it("probe_asn takes AS4134, 4134 or a list", async () => {
      for (const probe_asn of ["AS4134", "4134", "AS4134,AS1"]) {
        const found = await listing(server, { probe_asn });
        expect(found).toHaveLength(3);
        expect(found.every((m) => (m as unknown as { probe_asn: string }).probe_asn === "AS4134")).toBe(true);
      }
      expect(await listing(server, { probe_asn: "AS55392", test_name: "whatsapp" })).toHaveLength(1);
    });

    it("answers 400 to a time it cannot read, as OONI does", async () => {
      expect((await get(server, "/api/v1/measurements?since=yesterday")).status).toBe(400);
    });

    it("serves what it listed: the re-filed measurement_meta, read by our analyzer with its new country", async () => {
      const [newest] = await listing(server, { probe_cc: "CN", probe_asn: "4837", limit: "1" });
      const meta = await get(
        server,
        `/api/v1/measurement_meta?measurement_uid=${newest?.measurement_uid}&full=true`,
      );
      expect(meta.json).toMatchObject({ probe_cc: "CN", probe_asn: 4837, measurement_start_time: at(12) });
      expect(analyze(meta.json)).toMatchObject({ probe_cc: "CN", service: "whatsapp", status: "blocked" });
      const raw = await get(server, `/api/v1/raw_measurement?measurement_uid=${newest?.measurement_uid}`);
      expect(raw.json).toMatchObject({ measurement_start_time: "2026-03-01 12:00:00", probe_asn: "AS4837" });
    });
  });
});

describe.skipIf(!haveBulkTemplates)("raw measurements wrapped as measurement_meta answers", () => {
  const path = (file: string) => join(OONI_RAW_DIR, file);

  it("has the recorded answers' fields, in their order and types", () => {
    const recordedAnswer = JSON.parse(
      JSON.parse(
        readFileSync(
          path("explorer-api/20221110100919.165568_US_webconnectivity_782abf479bf32868.api.json"),
          "utf8",
        ),
      ).body,
    ) as Record<string, unknown>;
    const wrapped = recordedFromRaw(path("backend-fastpath/web_connectivity_ir_fp.json"));
    const body = bodyOf(wrapped);
    expect(Object.keys(body)).toEqual(Object.keys(recordedAnswer));
    for (const [key, value] of Object.entries(recordedAnswer))
      expect([key, typeof body[key]]).toEqual([key, typeof value]);
    expect(wrapped.recorded).toMatchObject({ status: 200, contentType: "application/json" });
    expect(body).toMatchObject({
      input: "https://www.facebook.com/",
      measurement_start_time: "2022-08-15T19:01:30Z",
      test_start_time: "2022-08-15T19:00:42Z",
      probe_asn: 197207,
      probe_cc: "IR",
      anomaly: true,
    });
  });

  it("gives a measurement without a uid a stable one from its report and input, else takes its file name", () => {
    const a = recordedFromRaw(path("backend-fastpath/bug_352.json"));
    expect(a.uid).toMatch(/^20200302130854\.\d{6}_IR_webconnectivity_[0-9a-f]{16}$/);
    expect(recordedFromRaw(path("backend-fastpath/bug_352.json")).uid).toBe(a.uid);
    expect(recordedFromRaw(path("backend-fastpath/web_connectivity_ir_fp.json")).uid).not.toBe(a.uid);
    const named = "20250527233111.802678_ID_webconnectivity_5a37ec909dbf14e3";
    expect(recordedFromRaw(path(`backend-fastpath/${named}.json`)).uid).toBe(named);
    expect(recordedFromRaw(path("backend-fastpath/signal_022.json")).meta.input).toBe("");
  });

  it("is read by our analyzer as the raw file itself is", () => {
    for (const file of [
      "backend-fastpath/bug_352.json",
      "backend-fastpath/whatsapp.json",
      "backend-fastpath/signal_022.json",
    ]) {
      const direct = analyze(JSON.parse(readFileSync(path(file), "utf8")));
      expect(analyze(bodyOf(recordedFromRaw(path(file))))).toEqual(direct);
    }
  });

  it("every bulk template, pointed at every service it stands for, reads as that service and its status", () => {
    const services = [...new Set(ooniTargets(kb, ["IR"]).map((t) => t.service))];
    for (const template of BULK_TEMPLATES) {
      const serving = services.filter((s) => (OONI_IM_TESTS[s] ?? "web_connectivity") === template.test);
      expect(serving.length).toBeGreaterThan(0);
      for (const service of serving) {
        const read = analyze(bodyOf(templateFor(kb, template, service)));
        expect([template.file, read.service, read.status]).toEqual([template.file, service, template.reads]);
      }
    }
  });
});

describe.skipIf(!haveBulkTemplates)("synthetic bulk", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const bulk = haveBulkTemplates
    ? syntheticBulk({ kb, countries: ["IR", "CN"], measurements: 3000, hours: 48, now })
    : undefined;
  let server: OoniApiServer;
  beforeAll(async () => {
    if (bulk) server = await startOoniApiServer(bulk);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("covers every watched pair on several networks within the window", async () => {
    if (!bulk) return;
    expect(bulk.size).toBe(3000);
    const key = (t: { service: string; country: string }) => `${t.country}/${t.service}`;
    expect(bulk.pairs.map(key).sort()).toEqual(ooniTargets(kb, ["IR", "CN"]).map(key).sort());
    expect(bulk.networks("IR").length).toBeGreaterThanOrEqual(3);
    const since = new Date(now - 48 * 3_600_000).toISOString().slice(0, 19);
    const found = await listing(server, { since, limit: "100000" });
    expect(found).toHaveLength(3000);
    const times = found.map((m) => Date.parse(m.measurement_start_time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.max(...times)).toBeLessThanOrEqual(now);
  });

  it("reads, per pair and network, as the pair was made: blocked, accessible, or split by network", async () => {
    if (!bulk) return;
    const outcomes = new Set<string>();
    for (const cc of ["IR", "CN"]) {
      for (const [n, asn] of bulk.networks(cc).entries()) {
        const found = (await listing(server, {
          probe_cc: cc,
          probe_asn: `AS${asn}`,
          limit: "100000",
        })) as unknown as { measurement_uid: string; input: string | null; test_name: string }[];
        const newest = new Map<string, (typeof found)[number]>();
        for (const m of found) {
          const service = m.input
            ? kb.serviceForHost(new URL(m.input).hostname)
            : Object.keys(OONI_IM_TESTS).find((id) => OONI_IM_TESTS[id] === m.test_name);
          if (service && !newest.has(service)) newest.set(service, m);
        }
        expect(newest.size).toBe(bulk.pairs.filter((p) => p.country === cc).length);
        for (const [service, m] of newest) {
          const outcome = bulk.outcome({ service, country: cc });
          outcomes.add(outcome);
          const expected = outcome === "split" ? (n % 2 === 0 ? "blocked" : "accessible") : outcome;
          const meta = bulk.find(m.measurement_uid) as RecordedMeasurement;
          expect(meta.meta).toMatchObject({ probe_cc: cc, probe_asn: asn });
          const read = analyze(bodyOf(meta));
          expect([service, cc, asn, read.service, read.probe_cc, read.status]).toEqual([
            service,
            cc,
            asn,
            service,
            cc,
            expected,
          ]);
        }
      }
    }
    expect([...outcomes].sort()).toEqual(["accessible", "blocked", "split"]);
  });

  it("lists and answers the same measurement alike", async () => {
    if (!bulk) return;
    const [m] = (await listing(server, {
      probe_cc: "CN",
      test_name: "web_connectivity",
      limit: "1",
    })) as unknown as {
      measurement_uid: string;
      measurement_start_time: string;
      report_id: string;
      input: string;
    }[];
    const meta = (
      await get(server, `/api/v1/measurement_meta?measurement_uid=${m?.measurement_uid}&full=true`)
    ).json as Record<string, unknown>;
    expect(meta).toMatchObject({
      measurement_uid: m?.measurement_uid,
      measurement_start_time: m?.measurement_start_time,
      report_id: m?.report_id,
      input: m?.input,
    });
    const raw = unwrapApiResponse(meta).measurement as Record<string, unknown>;
    expect(raw).toMatchObject({ input: m?.input, probe_cc: "CN", report_id: m?.report_id });
    expect(
      (await get(server, "/api/v1/measurement_meta?measurement_uid=20260301000000.000000_CN_x_00")).status,
    ).toBe(404);
  });
});

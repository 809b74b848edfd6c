import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkStatus, SourceSummary } from "../../model/readings.js";
import { miniKb } from "../helpers.js";
import { CHECKED_AT, daysAgo, NOW, type RunningServer, seedTarget, startSeededServer } from "./seed.js";

// The JSON API's contract (README "Status page and API"): exact shapes, 400 naming the bad parameter,
// 404 naming the unknown one.

let running: RunningServer;

/** Measured by OONI's volunteers alone: what the store keeps and the API gives back unchanged. */
const OONI_SOURCES: SourceSummary[] = [
  {
    kind: "ooni",
    status: "partial",
    vantages: ["ooni:AS3320", "ooni:AS3209"],
    networks: [
      { asn: 3320, name: "Deutsche Telekom AG" },
      { asn: 3209, name: "Vodafone GmbH" },
    ],
    measurements: 2,
    latestAt: daysAgo(3),
    earliestAt: daysAgo(3.5),
  },
];
const OONI_NETWORKS: NetworkStatus[] = [
  { asn: 3320, name: "Deutsche Telekom AG", status: "blocked" },
  { asn: 3209, name: "Vodafone GmbH", status: "accessible" },
];

beforeAll(async () => {
  running = await startSeededServer(miniKb(), [
    seedTarget(
      "chatapp",
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
        ],
        regions: [{ region: "beijing", status: "partial" }],
        confidence: 0.5,
      },
    ),
    seedTarget("openchat", "CN", [[0.5, "unknown"]]),
    // Measured by OONI's volunteers alone, three days ago: a status with sources, networks and an age.
    seedTarget("safechat", "DE", [[3, "partial"]], {
      mechanism: "dns",
      sources: OONI_SOURCES,
      networks: OONI_NETWORKS,
    }),
  ]);
});

afterAll(async () => {
  await running?.close();
});

async function get(path: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const response = await fetch(`${running.base}${path}`);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

const chatapp = {
  service: "chatapp",
  country: "CN",
  status: "partial",
  basis: "measurement",
  mechanism: "tls",
  since: daysAgo(15),
  checkedAt: CHECKED_AT,
  confidence: 0.5,
  method: null,
  source: null,
  features: [
    { feature: "text", status: "ok", mechanism: null },
    { feature: "media", status: "blocked", mechanism: "tls" },
  ],
  regions: [{ region: "beijing", status: "partial" }],
  sources: [],
  networks: [],
  measuredAt: CHECKED_AT,
  stale: false,
  availability30d: 0.5,
  measuredSeconds30d: 30 * 86400,
};

const notMeasured = (service: string) => ({
  service,
  country: "CN",
  status: "unknown",
  basis: "none",
  mechanism: null,
  since: null,
  checkedAt: null,
  confidence: 0,
  method: null,
  source: null,
  features: [],
  regions: [],
  sources: [],
  networks: [],
  measuredAt: null,
  stale: false,
  availability30d: null,
  measuredSeconds30d: 0,
});

describe("GET /api/v1/status", () => {
  it("one service in one country", async () => {
    const { status, type, body } = await get("/api/v1/status?country=CN&service=chatapp");
    expect(status).toBe(200);
    expect(type).toBe("application/json; charset=utf-8");
    expect(body).toEqual({ country: "CN", generatedAt: NOW.toISOString(), statuses: [chatapp] });
  });

  it("every service of the knowledge base in a country, measured or not, by id", async () => {
    const { body } = await get("/api/v1/status?country=cn");
    expect(body).toEqual({
      country: "CN",
      generatedAt: NOW.toISOString(),
      statuses: [
        chatapp,
        {
          ...notMeasured("openchat"),
          status: "unknown",
          basis: "measurement",
          since: daysAgo(0.5),
          checkedAt: CHECKED_AT,
          measuredAt: CHECKED_AT,
        },
        notMeasured("safechat"),
        notMeasured("tunnel"),
      ],
    });
  });

  it("a known service never measured there", async () => {
    const { status, body } = await get("/api/v1/status?country=DE&service=tunnel");
    expect(status).toBe(200);
    expect(body).toEqual({
      country: "DE",
      generatedAt: NOW.toISOString(),
      statuses: [{ ...notMeasured("tunnel"), country: "DE" }],
    });
  });

  it("a status's sources, its networks and its age; past 48 h it is the last known one", async () => {
    const { body } = await get("/api/v1/status?country=DE&service=safechat");
    expect(body).toMatchObject({
      statuses: [
        {
          service: "safechat",
          status: "partial",
          basis: "measurement",
          sources: OONI_SOURCES,
          networks: OONI_NETWORKS,
          measuredAt: daysAgo(3),
          stale: true,
        },
      ],
    });
  });
});

describe("GET /api/v1/history", () => {
  it("the window's stretches, time in each status, the changes in it and the recorded events", async () => {
    const { status, body } = await get("/api/v1/history?service=chatapp&country=CN&days=30");
    expect(status).toBe(200);
    expect(body).toEqual({
      service: "chatapp",
      country: "CN",
      days: 30,
      from: daysAgo(30),
      to: NOW.toISOString(),
      availability: 0.5,
      timeInStatus: {
        accessible: 15 * 86400,
        partial: 15 * 86400,
        blocked: 0,
        outage: 0,
        unknown: 0,
        noData: 0,
      },
      segments: [
        { start: daysAgo(30), end: daysAgo(15), status: "accessible" },
        { start: daysAgo(15), end: NOW.toISOString(), status: "partial" },
      ],
      timeline: [{ at: daysAgo(15), from: "accessible", to: "partial", mechanism: null }],
      events: [
        {
          date: "2017-07",
          status: "partial",
          features: ["media"],
          regions: [],
          summary: { en: "Photos & videos stopped <loading>.", ru: "Фото и видео перестали загружаться." },
          source: "https://example.org/a?x=1&y=2",
        },
        {
          date: "2017-09-25",
          status: "blocked",
          features: [],
          regions: [],
          summary: { en: "Blocked entirely." },
          source: "https://example.org/b",
        },
      ],
    });
  });

  it("30 days by default; an empty history is all no data, availability null", async () => {
    const { body } = await get("/api/v1/history?service=safechat&country=CN");
    expect(body).toMatchObject({
      days: 30,
      availability: null,
      timeInStatus: { accessible: 0, partial: 0, blocked: 0, outage: 0, unknown: 0, noData: 30 * 86400 },
      segments: [{ start: daysAgo(30), end: NOW.toISOString(), status: null }],
      timeline: [],
      events: [],
    });
  });

  it("a shorter window keeps only its own changes", async () => {
    const { body } = await get("/api/v1/history?service=chatapp&country=CN&days=7");
    expect(body).toMatchObject({ days: 7, availability: 0, timeline: [] });
  });
});

describe("bad requests", () => {
  it.each([
    ["/api/v1/status", 400, "country", "country is required, e.g. country=CN"],
    ["/api/v1/status?country=China", 400, "country", "country must be an ISO 3166-1 alpha-2 code such as CN"],
    ["/api/v1/status?country=CN&country=IR", 400, "country", "country is given more than once"],
    ["/api/v1/status?country=ZZ", 404, "country", "country ZZ is not in the knowledge base"],
    [
      "/api/v1/status?country=CN&service=whats%20app",
      400,
      "service",
      "service must be a knowledge-base id: lower-case letters, digits and dashes, e.g. whatsapp",
    ],
    [
      "/api/v1/status?country=CN&service=nosuch",
      404,
      "service",
      "service nosuch is not in the knowledge base",
    ],
    ["/api/v1/history?country=CN", 400, "service", "service is required, e.g. service=whatsapp"],
    ["/api/v1/history?service=chatapp", 400, "country", "country is required, e.g. country=CN"],
    [
      "/api/v1/history?service=chatapp&country=CN&days=0",
      400,
      "days",
      "days must be a whole number from 1 to 365",
    ],
    [
      "/api/v1/history?service=chatapp&country=CN&days=1.5",
      400,
      "days",
      "days must be a whole number from 1 to 365",
    ],
    [
      "/api/v1/history?service=chatapp&country=CN&days=366",
      400,
      "days",
      "days must be a whole number from 1 to 365",
    ],
    [
      "/api/v1/history?service=chatapp&country=CN&days=",
      400,
      "days",
      "days must be a whole number from 1 to 365",
    ],
    [
      "/api/v1/history?service=nosuch&country=XX",
      404,
      "service",
      "service nosuch is not in the knowledge base",
    ],
  ])("%s → %i naming %s", async (path, code, parameter, message) => {
    const { status, type, body } = await get(path);
    expect(status).toBe(code);
    expect(type).toBe("application/json; charset=utf-8");
    expect(body).toEqual({ error: code === 400 ? "invalid_parameter" : "not_found", parameter, message });
  });

  it("an unknown endpoint is a JSON 404, another method a 405", async () => {
    expect(await get("/api/v1/nothing")).toEqual({
      status: 404,
      type: "application/json; charset=utf-8",
      body: { error: "not_found", message: "no endpoint /api/v1/nothing" },
    });
    const post = await fetch(`${running.base}/api/v1/status?country=CN`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(await post.json()).toEqual({
      error: "method_not_allowed",
      message: "only GET and HEAD are served here",
    });
  });
});

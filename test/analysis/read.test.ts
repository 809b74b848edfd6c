import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { httpDiff } from "../../analysis/http-diff.js";
import { testKeysOf } from "../../analysis/ooni/normalize.js";
import { analyzeDocument, unwrapApiResponse } from "../../analysis/ooni/read.js";
import { fixturePath, realKb } from "../helpers.js";
import { html, page } from "./build.js";

// The readers' tolerance of real-world variety, with inline documents so it runs without ../shared.

const ctx = (file = "x.json") => ({ file, evidence: realKb().evidence });
const golden = (name: string) => JSON.parse(readFileSync(fixturePath(`ooni/${name}`), "utf8"));

describe("OONI API responses (*.api.json)", () => {
  const raw = golden("bug_352.json");
  const meta = {
    measurement_uid: "x",
    test_name: "web_connectivity",
    scores: "{}",
    raw_measurement: JSON.stringify(raw),
  };

  it("analyse the raw measurement they embed", () => {
    const wrapped = { status: 200, contentType: "application/json", body: JSON.stringify(meta) };
    expect(analyzeDocument(wrapped, ctx()).status).toBe("blocked");
    expect(analyzeDocument(meta, ctx()).status).toBe("blocked");
  });

  it("say unknown, with the reason, when they carry no raw measurement or an error", () => {
    const noRaw = {
      status: 200,
      contentType: "application/json",
      body: JSON.stringify({ measurement_uid: "x", raw_measurement: null }),
    };
    expect(analyzeDocument(noRaw, ctx())).toMatchObject({
      status: "unknown",
      error: "OONI API measurement metadata without the raw measurement",
    });
    expect(unwrapApiResponse({ status: 404, contentType: "application/json", body: "{}" }).error).toBe(
      "OONI API answered HTTP 404",
    );
  });
});

describe("tolerance", () => {
  it.each([
    ["null", null],
    ["a number", 42],
    ["an empty object", {}],
    ["test_keys null", { test_name: "web_connectivity", test_keys: null }],
    ["web_connectivity without input", { test_name: "web_connectivity", input: null, test_keys: {} }],
    [
      "web_connectivity with null lists",
      {
        test_name: "web_connectivity",
        input: "http://x.org/",
        test_keys: { queries: null, requests: null, control: null },
      },
    ],
    [
      "whatsapp with nothing in it",
      { test_name: "whatsapp", test_keys: { queries: null, tcp_connect: null } },
    ],
    ["an unsupported test", { test_name: "vanilla_tor", test_keys: { success: true } }],
  ])("%s gives unknown without throwing", (_name, doc) => {
    const r = analyzeDocument(doc, ctx());
    expect(r.status).toBe("unknown");
  });

  it("normalises MK-era fields: failure false, missing engine, base64 bodies, header lists, requests without a URL", () => {
    const keys = testKeysOf({
      queries: [
        {
          hostname: "x.org.",
          answers: [{ answer_type: "A", ipv4: "1.2.3.4", asn: 64500 }, { answer_type: "NS" }],
          failure: null,
        },
      ],
      tcp_connect: [{ ip: "1.2.3.4", port: 443, status: { success: true, failure: false } }, { port: 80 }],
      requests: [
        { request: { url: null }, response: { headers: { Server: "nginx" } } },
        {
          request: { url: "http://x.org/" },
          response: {
            code: 200,
            body: { format: "base64", data: Buffer.from("<title>Hi</title>").toString("base64") },
            headers_list: [
              ["X-A", "1"],
              ["X-A", "2"],
            ],
          },
          failure: null,
        },
        { request: { url: "http://x.org/" }, response: { code: 0, body: "" }, failure: "connect_error" },
      ],
    });
    expect(keys.queries[0]?.engine).toBe("system");
    expect(keys.queries[0]?.answers).toHaveLength(1);
    expect(keys.tcp_connect).toEqual([
      expect.objectContaining({ ip: "1.2.3.4", status: { success: true, failure: null } }),
    ]);
    expect(keys.requests[1]?.response?.headers).toEqual({ "X-A": "1, 2" });
    expect(keys.requests[2]).toMatchObject({ response: null, failure: "connection_refused" });
  });
});

describe("httpDiff", () => {
  const control = page({
    code: 200,
    body: html("Example Domain", "x".repeat(1500)),
    headers: { "X-Cache": "HIT", Server: "ECS" },
  });

  it.each([
    ["the same page", page({ code: 200, body: html("Example Domain", "x".repeat(1400)) }), "match"],
    ["another title, a tenth of the size", page({ code: 200, body: html("Access Denied") }), "strong-diff"],
    ["another status", page({ code: 403, body: html("Example Domain", "x".repeat(1500)) }), "strong-diff"],
    ["another size only", page({ code: 200, body: "y" }), "weak-diff"],
    ["a body cut at the cap", page({ code: 200, body: "x".repeat(100), truncated: true }), "match"],
    [
      "same uncommon header, other size",
      page({ code: 200, body: "y", headers: { "x-cache": "MISS" } }),
      "match",
    ],
  ])("%s → %s", (_name, probe, outcome) => {
    expect(httpDiff(probe, control).outcome).toBe(outcome);
  });
});

import { describe, expect, it } from "vitest";
import { createJudge } from "../../analysis/judge.js";
import { analyzeDocument } from "../../analysis/ooni/read.js";
import type { Measurement, TestKeys } from "../../model/measurement.js";
import { realKb } from "../helpers.js";
import { dns, get, html, keys, tcp, tls } from "./build.js";

// Our own measurement files: probe and control vantages of the same endpoints, and canaries.

function measurement(over: Partial<Measurement> & { input: string; test_keys: TestKeys }): Measurement {
  return {
    id: `m-${Math.random().toString(36).slice(2)}`,
    test_name: "isblocked_endpoint",
    data_format_version: "0.2.0",
    measurement_start_time: "2017-09-25 10:00:00",
    test_runtime: 1,
    probe_cc: "CN",
    probe_region: null,
    vantage: "cn-1",
    vantage_role: "probe",
    service: "whatsapp",
    feature: "text",
    ...over,
  };
}

const chat = (ip: string) => keys(dns("e1.whatsapp.net", [ip]), tcp(ip, 5222));
const mediaOk = keys(
  dns("mmg.whatsapp.net", ["157.240.1.60"]),
  tcp("157.240.1.60", 443),
  tls("157.240.1.60", 443, "mmg.whatsapp.net"),
);
const mediaReset = keys(
  dns("mmg.whatsapp.net", ["157.240.1.60"]),
  tcp("157.240.1.60", 443),
  tls("157.240.1.60", 443, "mmg.whatsapp.net", "connection_reset"),
);
const canary = (ok: boolean, vantage = "cn-1") =>
  measurement({
    test_name: "isblocked_canary",
    vantage,
    service: null,
    feature: null,
    input: "https://www.baidu.com/",
    test_keys: ok
      ? keys(
          dns("www.baidu.com", ["110.242.68.66"]),
          tcp("110.242.68.66", 443),
          tls("110.242.68.66", 443, "www.baidu.com"),
          get("https://www.baidu.com/", { code: 200, body: html("百度一下") }),
        )
      : keys(dns("www.baidu.com", "generic_timeout_error")),
  });

// WhatsApp, China, September 2017: text works, media does not.
const whatsapp2017 = [
  canary(true),
  measurement({ input: "tcp://e1.whatsapp.net:5222", test_keys: chat("3.33.221.48") }),
  measurement({
    input: "tcp://e1.whatsapp.net:5222",
    vantage: "de-1",
    vantage_role: "control",
    probe_cc: "DE",
    test_keys: chat("3.33.221.48"),
  }),
  measurement({ input: "tls://mmg.whatsapp.net:443", feature: "media", test_keys: mediaReset }),
  measurement({
    input: "tls://mmg.whatsapp.net:443",
    feature: "media",
    vantage: "de-1",
    vantage_role: "control",
    probe_cc: "DE",
    test_keys: mediaOk,
  }),
];

const ctx = () => ({
  file: "cycle.json",
  evidence: realKb().evidence,
  essentialFeatures: (id: string) =>
    new Set(
      realKb()
        .service(id)
        ?.features.filter((f) => f.essential)
        .map((f) => f.id),
    ),
});

describe("our measurement files", () => {
  it("tells the WhatsApp 2017 story: partial, text ok, media blocked at TLS", () => {
    const r = analyzeDocument(whatsapp2017, ctx());
    expect(r).toMatchObject({
      test_name: "isblocked_endpoint",
      probe_cc: "CN",
      service: "whatsapp",
      status: "partial",
      mechanism: "tls",
    });
    expect(r.features).toEqual([
      { feature: "text", status: "ok", mechanism: null },
      { feature: "media", status: "blocked", mechanism: "tls" },
    ]);
    expect(r.evidence[0]).toBe("blocked: media");
  });

  it("reads a probe cycle's output shape too", () => {
    const r = analyzeDocument({ results: [{ service: "whatsapp", measurements: whatsapp2017 }] }, ctx());
    expect(r.status).toBe("partial");
  });

  it("counts a vantage whose canary fails as offline: unknown, not blocked", () => {
    const offline = [canary(false), ...whatsapp2017.slice(1)];
    const r = analyzeDocument(offline, ctx());
    expect(r.status).toBe("unknown");
    expect(r.evidence.join(" ")).toContain("offline");
  });
});

describe("createJudge (the probe cycle's analysis)", () => {
  const judge = createJudge(realKb());
  const [, probeText, controlText, probeMedia, controlMedia] = whatsapp2017 as Measurement[];

  it("judges endpoints, features and the service by the same rules", () => {
    const text = judge.endpoint(probeText as Measurement, [controlText as Measurement]);
    const media = judge.endpoint(probeMedia as Measurement, [controlMedia as Measurement]);
    expect([text.verdict, media.verdict, media.mechanism]).toEqual(["ok", "blocked", "tls"]);
    expect(media.evidence.join(" ")).toContain("connection_reset at TLS");
    const features = [
      { feature: "text", ...judge.feature([text]), essential: true },
      { feature: "media", ...judge.feature([media]), essential: false },
    ];
    expect(judge.service(features)).toMatchObject({ status: "partial", mechanism: "tls" });
  });

  it("tells online from offline vantages by their canary", () => {
    expect(judge.online(canary(true))).toBe(true);
    expect(judge.online(canary(false))).toBe(false);
  });
});

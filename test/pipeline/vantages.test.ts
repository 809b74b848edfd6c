import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUTS } from "../../model/measurement.js";
import {
  hostVantage,
  loadVantagesFile,
  parseVantages,
  VantagesFileError,
  vantagePlan,
} from "../../pipeline/vantages.js";
import { realKb } from "../helpers.js";

const file = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "isblocked-vantages-")), name);
  writeFileSync(path, text);
  return path;
};

describe("vantages file", () => {
  it("reads a YAML list with every field", () => {
    const plan = loadVantagesFile(
      file(
        "v.yaml",
        [
          "- { id: bj-1, country: cn, region: beijing, role: probe, resolver: '127.0.0.1:5353', localAddress: 127.0.0.2 }",
          "- { id: fra-1, country: DE, role: control, canary: 'tls://example.org:443', doh: 'https://doh.example.org/dns-query' }",
        ].join("\n"),
      ),
    );
    expect(plan.vantages).toEqual([
      {
        id: "bj-1",
        country: "CN",
        region: "beijing",
        role: "probe",
        resolver: "127.0.0.1:5353",
        localAddress: "127.0.0.2",
      },
      {
        id: "fra-1",
        country: "DE",
        role: "control",
        canary: "tls://example.org:443",
        doh: "https://doh.example.org/dns-query",
      },
    ]);
    expect(plan.timeouts).toEqual(DEFAULT_TIMEOUTS);
  });

  it("reads JSON with tuned stage timeouts", () => {
    const plan = loadVantagesFile(
      file(
        "v.json",
        JSON.stringify({ vantages: [{ id: "a", country: "IR", role: "probe" }], timeouts: { tcp: 1500 } }),
      ),
    );
    expect(plan.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, tcp: 1500 });
  });

  it.each([
    [[{ id: "a", country: "China", role: "probe" }], /country/],
    [[{ id: "a", country: "CN", role: "spy" }], /role/],
    [[{ id: "a", country: "CN", role: "probe", resolver: "8.8.8.8" }], /ip:port/],
    [[{ id: "a", country: "CN", role: "probe", localAddress: "not-an-ip" }], /localAddress/],
    [[{ id: "a", country: "CN", role: "probe", extra: 1 }], /extra/],
    [[{ id: "a", country: "DE", role: "control", doh: "dns.example.org" }], /DoH/],
    [
      [
        { id: "a", country: "CN", role: "probe" },
        { id: "a", country: "DE", role: "control" },
      ],
      /listed twice/,
    ],
    [[], /vantages/],
  ])("rejects %j with a named error", (doc, message) => {
    expect(() => parseVantages(doc, "v.yaml")).toThrow(VantagesFileError);
    try {
      parseVantages(doc, "v.yaml");
    } catch (error) {
      // The file is named in the headline, the problem with its path below it.
      expect((error as VantagesFileError).headline).toBe("invalid vantages file v.yaml");
      expect((error as Error).message).toMatch(message);
    }
  });

  it("names a missing or malformed file", () => {
    expect(() => loadVantagesFile("/nonexistent/v.yaml")).toThrow(/\/nonexistent\/v\.yaml/);
    expect(() => loadVantagesFile(file("v.json", "{not json"))).toThrow(/not valid JSON/);
  });

  it("without a file, this host is a control that claims no country, never a probe of DEFAULT_COUNTRY", () => {
    expect(hostVantage(realKb()).vantages).toEqual([
      { id: "local", country: "ZZ", role: "control", canary: "tls://www.wikipedia.org:443" },
    ]);
  });

  it("is a probe vantage of a country only with HOST_COUNTRY, with that country's canary", () => {
    expect(hostVantage(realKb(), "CN").vantages).toEqual([
      { id: "local", country: "CN", role: "probe", canary: "tls://www.baidu.com:443" },
    ]);
  });

  it("gives a vantage of the file without a canary its country's, from the knowledge base", () => {
    const path = file(
      "v.yaml",
      "- { id: bj-1, country: CN, role: probe }\n- { id: teh-1, country: IR, role: probe, canary: 'tcp://192.0.2.1:80' }\n",
    );
    const plan = vantagePlan(realKb(), { file: path, hostCountry: "RU" });
    expect(plan.vantages.map((v) => [v.id, v.canary])).toEqual([
      ["bj-1", "tls://www.baidu.com:443"],
      ["teh-1", "tcp://192.0.2.1:80"],
    ]);
    // `off`: the operator knows no endpoint that always answers there; silence still makes it offline.
    const off = vantagePlan(realKb(), {
      file: file("o.yaml", "- { id: lab-1, country: CN, role: probe, canary: 'off' }\n"),
    });
    expect(off.vantages[0]).toEqual({ id: "lab-1", country: "CN", role: "probe" });
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../analysis/ooni/read.js";
import { fixturePath, realKb } from "../helpers.js";

// Golden files: real OONI measurements copied into test/fixtures/ooni (their licence allows it; see the
// README there) with the verdict each must give. They run without ../shared.

interface Golden {
  test_name: string;
  probe_cc: string;
  status: string;
  mechanism: string | null;
  features: { feature: string; status: string; mechanism: string | null }[];
  why: string;
}

const expected = JSON.parse(readFileSync(fixturePath("ooni/expected.json"), "utf8")) as Record<
  string,
  Golden
>;

describe("golden OONI measurements", () => {
  it("has an expectation for every fixture", () => {
    const files = readdirSync(fixturePath("ooni")).filter(
      (f) => f.endsWith(".json") && f !== "expected.json",
    );
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected).map(([file, e]) => [file, e.why, e] as const))(
    "%s: %s",
    (file, _why, e) => {
      const doc = JSON.parse(readFileSync(fixturePath(`ooni/${file}`), "utf8"));
      const r = analyzeDocument(doc, { file, evidence: realKb().evidence });
      expect({
        test_name: r.test_name,
        probe_cc: r.probe_cc,
        status: r.status,
        mechanism: r.mechanism,
        features: r.features,
      }).toEqual({
        test_name: e.test_name,
        probe_cc: e.probe_cc,
        status: e.status,
        mechanism: e.mechanism,
        features: e.features,
      });
    },
  );
});

import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../analysis/ooni/read.js";
import { type FileAnalysis, MECHANISMS, SERVICE_STATUSES, VERDICTS } from "../../model/status.js";
import { fixturePath, realKb } from "../helpers.js";
import { FUZZ_TIMEOUT_MS, RUNS, textUnit } from "./arbitraries.js";
import { pathsOf, replaced } from "./mutate.js";

// The OONI measurement reader against arbitrary JSON and against real measurements (test/fixtures/ooni)
// with parts changed, removed or retyped, bare or wrapped the way OONI's API serves them: always a
// FileAnalysis, with `unknown` and an error saying why when it cannot tell, never a throw.

const kb = realKb();
const ctx = {
  file: "fuzzed.json",
  evidence: kb.evidence,
  serviceForHost: (host: string) => kb.serviceForHost(host),
  essentialFeatures: (id: string) => {
    const service = kb.service(id);
    return service ? new Set(service.features.filter((f) => f.essential).map((f) => f.id)) : undefined;
  },
};

const fixtures = readdirSync(fixturePath("ooni"))
  .filter((f) => f.endsWith(".json") && f !== "expected.json")
  .map((f) => JSON.parse(readFileSync(fixturePath(`ooni/${f}`), "utf8")) as unknown);

function problemsOf(result: FileAnalysis): string[] {
  const problems: string[] = [];
  const nullableString = (v: unknown) => v === null || typeof v === "string";
  if (result.file !== ctx.file) problems.push("file");
  for (const key of ["test_name", "input", "probe_cc", "service"] as const) {
    if (!nullableString(result[key])) problems.push(key);
  }
  if (!SERVICE_STATUSES.includes(result.status)) problems.push(`status ${result.status}`);
  const mechanism = (m: unknown) => m === null || MECHANISMS.includes(m as never);
  if (!mechanism(result.mechanism)) problems.push(`mechanism ${result.mechanism}`);
  for (const f of result.features) {
    if (typeof f.feature !== "string" || !VERDICTS.includes(f.status) || !mechanism(f.mechanism)) {
      problems.push(`feature ${JSON.stringify(f)}`);
    }
  }
  if (!result.evidence.every((e) => typeof e === "string")) problems.push("evidence");
  if (result.error !== undefined && (typeof result.error !== "string" || result.status !== "unknown")) {
    problems.push(`error ${result.error} with status ${result.status}`);
  }
  return problems;
}

// Values where OONI's format has something else: other types, the failure strings, odd numbers and keys.
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("__proto__", "constructor", "test_keys", "failure", "raw_measurement", "body", "status"),
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom(
    null,
    false,
    true,
    0,
    -1,
    1e308,
    "",
    [],
    {},
    "generic_timeout_error",
    "connection_reset",
    "dns_nxdomain_error",
    "ssl_invalid_hostname",
    "10.10.34.36",
    "0.0.0.0",
    "::1",
    "not an ip",
    { format: "base64", data: "!!!" },
    { format: "base64", data: "PGh0bWw+" },
  ),
  fc.string({ unit: textUnit(), maxLength: 200 }),
);
// Up to six edits at paths of the real document (an edit under a path an earlier one removed recreates it).
const fixturePaths = fixtures.map((doc) => pathsOf(doc));
const mutated = fc
  .tuple(
    fc.nat({ max: fixtures.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.option(value, { nil: undefined })), { minLength: 1, maxLength: 6 }),
  )
  .map(([n, edits]) => {
    const paths = fixturePaths[n] ?? [];
    return edits.reduce((doc, [pick, v]) => replaced(doc, paths[pick % paths.length] ?? [], v), fixtures[n]);
  });
// As OONI's API serves a measurement: its metadata with the raw measurement as a string, itself maybe the
// body of a recorded HTTP response.
const wrapped = fc
  .tuple(mutated, fc.constantFrom(200, 200, 404, 500, "200"), fc.boolean())
  .map(([doc, status, asResponse]) => {
    const meta = { measurement_uid: "x", raw_measurement: JSON.stringify(doc) };
    return asResponse ? { status, contentType: "application/json", body: JSON.stringify(meta) } : meta;
  });
// Text that is nearly JSON where the reader parses nested JSON strings.
const nested = fc
  .string({ unit: textUnit(["{", "}", "[", "]", ":", ",", '"', "null"]), maxLength: 200 })
  .map((text) => ({ status: 200, contentType: "application/json", body: text }));

describe("analyzeDocument under fuzzing", () => {
  it(
    "gives a well-formed FileAnalysis for any JSON or mutated measurement, and never throws",
    () => {
      const document = fc.oneof(
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 6 }) },
        { weight: 5, arbitrary: mutated },
        { weight: 2, arbitrary: wrapped },
        { weight: 1, arbitrary: nested },
      );
      fc.assert(
        fc.property(document, (doc) => {
          // As the CLI gets it: parsed from JSON text, so "__proto__" is an own key like any other.
          const parsed = JSON.parse(JSON.stringify(doc) ?? "null") as unknown;
          const result = analyzeDocument(parsed, ctx);
          expect(problemsOf(result)).toEqual([]);
          // `isblocked analyze --json` prints it.
          expect(() => JSON.stringify(result)).not.toThrow();
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("reads each unmutated fixture without an error, so the mutations start from real measurements", () => {
    for (const fixture of fixtures) expect(analyzeDocument(fixture, ctx).error).toBeUndefined();
  });
});

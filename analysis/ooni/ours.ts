import type { TestKeys } from "../../model/measurement.js";
import type { EndpointVerdict, FileAnalysis } from "../../model/status.js";
import { targetFromInput, walkPath } from "../path.js";
import { endpointVerdict } from "../verdict.js";
import { isObject, type Json, list, str, testKeysOf } from "./normalize.js";
import { type AnalyzeContext, groupFeatures, type Header, type JudgedEndpoint } from "./result.js";

// Our own measurement files (model/measurement.ts Measurement): one measurement, a list of them, or a probe
// cycle's output ({results: [{measurements}]}). Probe vantages are judged against the control vantages'
// measurements of the same input; a vantage whose canary failed is offline and says unknown (rule 5).

const OUR_TESTS = new Set(["isblocked_endpoint", "isblocked_canary"]);

const isOurs = (v: unknown): v is Json =>
  isObject(v) && OUR_TESTS.has(String(v.test_name)) && "test_keys" in v;

/** Our measurements in a parsed document, wherever the known shapes put them; empty when there are none. */
export function ourMeasurements(doc: unknown): Json[] {
  if (isOurs(doc)) return [doc];
  if (Array.isArray(doc)) return doc.flatMap(ourMeasurements);
  if (!isObject(doc)) return [];
  return [
    ...list(doc.measurements).filter(isOurs),
    ...list(doc.canaries).filter(isOurs),
    ...list(doc.results).flatMap((r) => (isObject(r) ? list(r.measurements).filter(isOurs) : [])),
  ];
}

/** A canary's own path succeeded: the vantage is online. */
export function canaryOnline(canary: { input: string; test_keys: TestKeys }): boolean {
  const target = targetFromInput(canary.input);
  return target !== null && walkPath(canary.test_keys, target).outcome.kind === "success";
}

const single = (values: (string | null)[]): string | null => {
  const distinct = [...new Set(values.filter((v): v is string => v !== null))];
  return distinct.length === 1 ? (distinct[0] ?? null) : null;
};

export function analyzeOurs(measurements: readonly Json[], ctx: AnalyzeContext): FileAnalysis {
  const canaries = measurements.filter((m) => m.test_name === "isblocked_canary");
  const offline = new Set<string>();
  for (const vantage of new Set(canaries.map((c) => str(c.vantage) ?? ""))) {
    const own = canaries.filter((c) => (str(c.vantage) ?? "") === vantage);
    if (!own.some((c) => canaryOnline({ input: str(c.input) ?? "", test_keys: testKeysOf(c.test_keys) }))) {
      offline.add(vantage);
    }
  }
  const endpoints = measurements.filter((m) => m.test_name === "isblocked_endpoint");
  const probes = endpoints.filter((m) => m.vantage_role !== "control");
  const controls = endpoints.filter((m) => m.vantage_role === "control");
  const judged: JudgedEndpoint[] = probes.map((m) => {
    const input = str(m.input) ?? "";
    const vantage = str(m.vantage) ?? "";
    const verdict: EndpointVerdict = offline.has(vantage)
      ? {
          verdict: "unknown",
          mechanism: null,
          evidence: [`vantage ${vantage} is offline (its canary failed)`],
        }
      : endpointVerdict(
          testKeysOf(m.test_keys),
          controls.filter((c) => str(c.input) === input).map((c) => testKeysOf(c.test_keys)),
          { evidence: ctx.evidence, input, country: str(m.probe_cc) },
        );
    return { feature: str(m.feature) ?? "endpoint", input, verdict };
  });
  const header: Header = {
    test_name: endpoints.length > 0 ? "isblocked_endpoint" : "isblocked_canary",
    input: single(probes.map((m) => str(m.input))),
    probe_cc: single(probes.map((m) => str(m.probe_cc))),
    service: single(probes.map((m) => str(m.service))),
  };
  if (judged.length === 0 && offline.size > 0) {
    return { ...groupFeatures(header, [], ctx), evidence: [`offline: ${[...offline].join(", ")}`] };
  }
  return groupFeatures(header, judged, ctx);
}

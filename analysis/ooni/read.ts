import type { FileAnalysis } from "../../model/status.js";
import { analyzeInstantMessaging, IM_TESTS } from "./im.js";
import { isObject, type Json, str } from "./normalize.js";
import { analyzeOurs, ourMeasurements } from "./ours.js";
import { type AnalyzeContext, type Header, unknownResult } from "./result.js";
import { analyzeWebConnectivity } from "./web-connectivity.js";

// One parsed measurement file in, one verdict out, whatever the file is: our measurements, an OONI raw
// measurement, or an OONI API response that wraps one (`*.api.json`: {status, contentType, body} whose
// body's raw_measurement is the measurement as a string). Never throws on odd input: what cannot be
// analysed is `unknown` with an error that says why.

export type { AnalyzeContext } from "./result.js";

/** JSON that may itself be a JSON string (OONI's API nests the raw measurement as text). */
function parseNested(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The raw measurement inside an OONI API response, or the document itself. */
export function unwrapApiResponse(doc: unknown): { measurement: unknown; error?: string } {
  if (!isObject(doc)) return { measurement: doc };
  let meta: unknown = doc;
  // A recorded HTTP response of the API: {status, contentType, body}.
  if ("body" in doc && ("contentType" in doc || "status" in doc) && !("test_keys" in doc)) {
    if (typeof doc.status === "number" && doc.status !== 200) {
      return { measurement: undefined, error: `OONI API answered HTTP ${doc.status}` };
    }
    meta = parseNested(doc.body);
  }
  if (isObject(meta) && "raw_measurement" in meta && !("test_keys" in meta)) {
    const raw = parseNested(meta.raw_measurement);
    return isObject(raw)
      ? { measurement: raw }
      : { measurement: undefined, error: "OONI API measurement metadata without the raw measurement" };
  }
  return { measurement: meta };
}

function headerOf(m: Json): Header {
  return {
    test_name: str(m.test_name),
    input: str(m.input),
    probe_cc: str(m.probe_cc),
    service: null,
  };
}

export function analyzeDocument(doc: unknown, ctx: AnalyzeContext): FileAnalysis {
  const ours = ourMeasurements(doc);
  if (ours.length > 0) return analyzeOurs(ours, ctx);
  const { measurement, error } = unwrapApiResponse(doc);
  if (error) return unknownResult(ctx.file, {}, error);
  if (!isObject(measurement) || !isObject(measurement.test_keys)) {
    return unknownResult(ctx.file, {}, "not a measurement (no test_keys)");
  }
  const header = headerOf(measurement);
  if (header.test_name === "web_connectivity") return analyzeWebConnectivity(measurement, header, ctx);
  if (IM_TESTS.includes(header.test_name ?? "")) return analyzeInstantMessaging(measurement, header, ctx);
  return unknownResult(ctx.file, header, `test ${header.test_name ?? "(unnamed)"} is not analysed`);
}

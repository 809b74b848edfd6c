import type { FileAnalysis } from "../../model/status.js";
import { targetFromInput } from "../path.js";
import { endpointVerdict } from "../verdict.js";
import { controlTestKeys } from "./control.js";
import { type Json, str, testKeysOf } from "./normalize.js";
import { type AnalyzeContext, groupFeatures, type Header, unknownResult } from "./result.js";

// web_connectivity: one URL from the probe, and the test helper's observation of the same URL as the
// control. One feature ("web"); the file's status is that feature's verdict.

export function analyzeWebConnectivity(measurement: Json, header: Header, ctx: AnalyzeContext): FileAnalysis {
  const input = str(measurement.input);
  const target = input ? targetFromInput(input) : null;
  if (!input || !target || target.stage !== "http") {
    return unknownResult(
      ctx.file,
      header,
      `web_connectivity without a URL to analyse (input: ${String(input)})`,
    );
  }
  const tk = (measurement.test_keys ?? {}) as Json;
  const probe = testKeysOf(tk);
  const control = controlTestKeys(tk.control, tk.control_failure, input, target.host);
  const verdict = endpointVerdict(probe, control ? [control] : [], {
    evidence: ctx.evidence,
    input,
    country: header.probe_cc,
  });
  const service = header.service ?? ctx.serviceForHost?.(target.host) ?? null;
  return groupFeatures({ ...header, service }, [{ feature: "web", input, verdict }], ctx);
}

import type { Network, VantageReading } from "../../model/readings.js";
import type { FileAnalysis } from "../../model/status.js";

// An OONI measurement as a vantage's reading (model/readings.ts): OONI's volunteers on one network are one
// vantage, `ooni:AS4134`, the way a remote agent is one; our own analyzer's verdict of the raw measurement,
// never OONI's anomaly flags.

/** The vantage id of OONI's measurements from one network. */
export const ooniVantage = (asn: number) => `ooni:AS${asn}`;

/** Web Connectivity compares with OONI's test helper, a control; the instant-messaging tests have none. */
const CONTROLLED = new Set(["web_connectivity"]);

export function readingOfAnalysis(
  analysis: FileAnalysis,
  from: Network & { measuredAt: string; testName: string },
): VantageReading {
  const controlled = CONTROLLED.has(from.testName);
  const blocked = analysis.features.filter((f) => f.status === "blocked").length;
  const working = analysis.features.filter((f) => f.status === "ok").length;
  return {
    vantage: ooniVantage(from.asn),
    kind: "ooni",
    region: null,
    network: { asn: from.asn, name: from.name },
    online: true,
    status: analysis.status,
    mechanism: analysis.mechanism,
    features: analysis.features,
    measuredAt: from.measuredAt,
    measurements: 1,
    controlled,
    positive: controlled ? 0 : blocked,
    direct: controlled ? 0 : working,
    evidence: analysis.evidence.slice(0, 6).map((line) => `${analysis.input ?? analysis.test_name}: ${line}`),
  };
}

import type { Evidence } from "../../kb/schema.js";
import type { TestKeys } from "../../model/measurement.js";
import type { EndpointVerdict, FileAnalysis, ServiceStatusValue } from "../../model/status.js";
import { nxdomainOnEveryName, withNxdomainEvidence } from "../nxdomain.js";
import { targetFromInput } from "../path.js";
import { featureVerdict, serviceStatus } from "../status.js";
import { endpointVerdict } from "../verdict.js";

// What every reader needs: the context the CLI passes in, the per-file result's shape, and the step from
// endpoints grouped by feature to a service status.

export interface AnalyzeContext {
  file: string;
  evidence: Evidence;
  /** The features the knowledge base marks essential for a service id. */
  essentialFeatures?: (service: string) => ReadonlySet<string> | undefined;
  /** The knowledge-base service a host belongs to. */
  serviceForHost?: (host: string) => string | undefined;
  /** The network an address is in (the bundled IP-to-ASN dataset). */
  asnOf?: (ip: string) => number | undefined;
  /** The networks a service's operator runs its own addresses in (kb `asns`). */
  operatorAsns?: (service: string) => ReadonlySet<number>;
  /** The host names of a service's endpoints (kb). */
  serviceHosts?: (service: string) => ReadonlySet<string>;
}

export interface Header {
  test_name: string | null;
  input: string | null;
  probe_cc: string | null;
  service: string | null;
}

export function unknownResult(file: string, header: Partial<Header>, error: string): FileAnalysis {
  return {
    file,
    test_name: header.test_name ?? null,
    input: header.input ?? null,
    probe_cc: header.probe_cc ?? null,
    service: header.service ?? null,
    status: "unknown" as ServiceStatusValue,
    mechanism: null,
    features: [],
    evidence: [],
    error,
  };
}

/** One endpoint of a feature, as an input the verdict understands. */
export interface FeatureEndpoint {
  feature: string;
  input: string;
}

export interface JudgedEndpoint extends FeatureEndpoint {
  verdict: EndpointVerdict;
}

/** Endpoints measured by one probe without per-endpoint controls (the IM tests), judged and grouped. */
export function judgeFeatures(
  header: Header,
  keys: TestKeys,
  endpoints: readonly FeatureEndpoint[],
  ctx: AnalyzeContext,
  controls: readonly TestKeys[] = [],
): FileAnalysis {
  const service = header.service;
  const hosts = service ? ctx.serviceHosts?.(service) : undefined;
  const lied = hosts ? nxdomainOnEveryName(keys.queries, hosts) : new Set<string>();
  const judged = endpoints.map((e) => ({
    ...e,
    verdict: withNxdomainEvidence(
      endpointVerdict(keys, controls, {
        evidence: ctx.evidence,
        input: e.input,
        country: header.probe_cc,
        ...(ctx.asnOf ? { asnOf: ctx.asnOf } : {}),
        ...(service && ctx.operatorAsns ? { operatorAsns: ctx.operatorAsns(service) } : {}),
      }),
      targetFromInput(e.input)?.host,
      lied,
    ),
  }));
  return groupFeatures(header, judged, ctx);
}

export function groupFeatures(
  header: Header,
  judged: readonly JudgedEndpoint[],
  ctx: AnalyzeContext,
): FileAnalysis {
  const names = [...new Set(judged.map((j) => j.feature))];
  const features = names.map((feature) => ({
    feature,
    ...featureVerdict(judged.filter((j) => j.feature === feature).map((j) => j.verdict)),
  }));
  const essential = header.service ? ctx.essentialFeatures?.(header.service) : undefined;
  const service = serviceStatus(
    features.map((f) => ({
      feature: f.feature,
      status: f.verdict,
      mechanism: f.mechanism,
      essential: essential?.has(f.feature) ?? false,
    })),
  );
  const evidence = features.flatMap((f) => f.evidence.slice(0, 4).map((e) => `${f.feature}: ${e}`));
  if (service.status === "partial") evidence.unshift(`blocked: ${service.blockedFeatures.join(", ")}`);
  return {
    file: ctx.file,
    ...header,
    status: service.status,
    mechanism: service.mechanism,
    features: features.map((f) => ({ feature: f.feature, status: f.verdict, mechanism: f.mechanism })),
    evidence,
  };
}

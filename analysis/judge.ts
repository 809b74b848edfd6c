import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Measurement } from "../model/measurement.js";
import type { EndpointVerdict, FeatureStatus, Mechanism, ServiceStatusValue } from "../model/status.js";
import { nxdomainOnEveryName } from "./nxdomain.js";
import { canaryOnline } from "./ooni/ours.js";
import type { AnalyzeContext } from "./ooni/result.js";
import { featureVerdict, serviceStatus } from "./status.js";
import { endpointVerdict } from "./verdict.js";

// The pure analysis as the probe cycle (pipeline/measure.ts (judging: analysis/judge-cycle.ts)) consumes it: the same rules as
// `isblocked analyze`, bound to the knowledge base's evidence.

export interface Judge {
  endpoint(probe: Measurement, controls: Measurement[]): EndpointVerdict;
  /**
   * The service's names that one vantage's resolver said do not exist, when it said so of every name
   * measured (analysis/nxdomain.ts): positive evidence of DNS blocking without a control.
   */
  liedAbout(service: string, measurements: readonly Measurement[]): ReadonlySet<string>;
  feature(judgements: EndpointVerdict[]): { status: FeatureStatus["status"]; mechanism: Mechanism | null };
  service(features: (FeatureStatus & { essential: boolean })[]): {
    status: ServiceStatusValue;
    mechanism: Mechanism | null;
  };
  online(canary: Measurement): boolean;
}

export function createJudge(kb: KnowledgeBase): Judge {
  return {
    endpoint: (probe, controls) =>
      endpointVerdict(
        probe.test_keys,
        controls.map((c) => c.test_keys),
        {
          evidence: kb.evidence,
          input: probe.input,
          country: probe.probe_cc,
          asnOf: (ip) => kb.asnOf(ip),
          ...(probe.service ? { operatorAsns: kb.operatorAsns(probe.service) } : {}),
        },
      ),
    liedAbout: (service, measurements) =>
      nxdomainOnEveryName(
        measurements.flatMap((m) => m.test_keys.queries),
        kb.serviceHosts(service),
      ),
    feature: (judgements) => {
      const v = featureVerdict(judgements);
      return { status: v.verdict, mechanism: v.mechanism, evidence: v.evidence };
    },
    service: (features) => serviceStatus(features),
    online: (canary) => canaryOnline(canary),
  };
}

/** The readers' context bound to the knowledge base, as `isblocked analyze` and the OONI source use it. */
export function analyzeContextFor(kb: KnowledgeBase, file: string): AnalyzeContext {
  return {
    file,
    evidence: kb.evidence,
    serviceForHost: (host) => kb.serviceForHost(host),
    asnOf: (ip) => kb.asnOf(ip),
    operatorAsns: (id) => kb.operatorAsns(id),
    serviceHosts: (id) => kb.serviceHosts(id),
    essentialFeatures: (id) => {
      const service = kb.service(id);
      return service ? new Set(service.features.filter((f) => f.essential).map((f) => f.id)) : undefined;
    },
  };
}

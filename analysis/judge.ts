import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Measurement } from "../probes/types.js";
import { canaryOnline } from "./ooni/ours.js";
import { featureVerdict, serviceStatus } from "./status.js";
import type { EndpointVerdict, FeatureStatus, Mechanism, ServiceStatusValue } from "./types.js";
import { endpointVerdict } from "./verdict.js";

// The pure analysis as the probe cycle (probes/cycle.ts) consumes it: the same rules as
// `isblocked analyze`, bound to the knowledge base's evidence.

export interface Judge {
  endpoint(probe: Measurement, controls: Measurement[]): EndpointVerdict;
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
        { evidence: kb.evidence, input: probe.input, country: probe.probe_cc },
      ),
    feature: (judgements) => {
      const v = featureVerdict(judgements);
      return { status: v.verdict, mechanism: v.mechanism, evidence: v.evidence };
    },
    service: (features) => serviceStatus(features),
    online: (canary) => canaryOnline(canary),
  };
}

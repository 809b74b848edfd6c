import { fileURLToPath } from "node:url";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import type { ServiceStatus } from "../model/status.js";
import { type Answer, NOTHING_KNOWN } from "../pipeline/answer.js";

export const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let mini: KnowledgeBase | undefined;
/** A four-service knowledge base whose every word the exact-string tests can pin. */
export function miniKb(): KnowledgeBase {
  mini ??= loadKnowledgeBase(fixturePath("kb-mini"));
  return mini;
}

let real: KnowledgeBase | undefined;
/** The knowledge base shipped in kb/. */
export function realKb(): KnowledgeBase {
  real ??= loadKnowledgeBase();
  return real;
}

/** An answer about `service` in `country` with nothing known yet: tests spread their own fields over it. */
export function answerWithNothingKnown(service: string, country: string): Answer {
  return {
    at: "2026-11-21T12:00:00.000Z",
    understood: true,
    service,
    domain: null,
    country,
    region: null,
    ...NOTHING_KNOWN,
    history: [],
    alternatives: [],
    circumvention: [],
    suggestions: [],
  };
}

/** A status of `service` in China as a cycle confirmed it: measured 2026-11-21 10:00, since the day before. */
export function measuredInChina(service: string, status: ServiceStatus["status"]): ServiceStatus {
  return {
    service,
    country: "CN",
    status,
    mechanism: status === "accessible" ? null : "tls",
    since: "2026-11-20T08:00:00.000Z",
    checkedAt: "2026-11-21T10:00:00.000Z",
    features: [{ feature: "text", status: status === "accessible" ? "ok" : "blocked", mechanism: null }],
    regions: [],
    confidence: 1,
  };
}

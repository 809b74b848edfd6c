import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Baseline } from "./status-engine.js";

/**
 * The knowledge base's last known status of (service, country): its latest dated event. Answers show it
 * while nothing is measured, so it is also what a first measured status is compared with before alerting.
 */
export function historyBaseline(kb: KnowledgeBase, service: string, country: string): Baseline | null {
  const latest = kb.eventsFor(service, country).at(-1);
  return latest ? { status: latest.status, date: latest.date, source: latest.source } : null;
}

import { fileURLToPath } from "node:url";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
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

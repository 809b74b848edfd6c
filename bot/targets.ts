import { aliasKey } from "../core/text.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Target } from "../model/status.js";
import { ALL_SERVICES } from "../model/store.js";
import { parseQuestion } from "./parse.js";

// Arguments of the commands that act on one (service, country): /subscribe whatsapp cn, /report telegram,
// /subscribe all ir. Pure. The service and country are read by the question parser, so a command
// understands what a question does ("ватсап иран", "واتساپ").

export type TargetArgs =
  | { kind: "target"; target: Target }
  | { kind: "missing" }
  | { kind: "unknownService"; suggestions: string[] }
  | { kind: "unknownCountry"; input: string };

/** "all" in the bot's languages: every service of a country. */
const ALL_WORDS = new Set(["all", "*", "все", "всё", "全部", "所有", "همه"].map(aliasKey));

/** A country by its two-letter code or by any name the knowledge base knows for it. */
export function parseCountry(input: string, kb: KnowledgeBase): string | undefined {
  const text = input.trim();
  if (/^[A-Za-z]{2}$/.test(text) && kb.country(text.toUpperCase())) return text.toUpperCase();
  return parseQuestion(text, kb).country ?? undefined;
}

export function parseTargetArgs(
  args: string,
  kb: KnowledgeBase,
  defaultCountry: string,
  options: { allowAll: boolean },
): TargetArgs {
  const text = args.trim();
  if (text === "") return { kind: "missing" };
  const [first = "", ...rest] = text.split(/\s+/);
  if (options.allowAll && ALL_WORDS.has(aliasKey(first))) {
    const place = rest.join(" ");
    if (place === "") return { kind: "target", target: { service: ALL_SERVICES, country: defaultCountry } };
    const country = parseCountry(place, kb);
    return country
      ? { kind: "target", target: { service: ALL_SERVICES, country } }
      : { kind: "unknownCountry", input: place };
  }
  const parsed = parseQuestion(text, kb);
  if (!parsed.service) return { kind: "unknownService", suggestions: parsed.suggestions };
  return { kind: "target", target: { service: parsed.service, country: parsed.country ?? defaultCountry } };
}

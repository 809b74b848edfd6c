import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { UsageError } from "./main.js";

/** `--country CC`, upper-cased and checked against the knowledge base; undefined when not given. */
export function countryOption(kb: KnowledgeBase, value: string | undefined): string | undefined {
  const country = value?.toUpperCase();
  if (country !== undefined && !kb.country(country)) {
    throw new UsageError(`--country ${value} is not a country in the knowledge base`);
  }
  return country;
}

import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { UsageError } from "./io.js";
import { didYouMean } from "./usage.js";

/** `--country CC`, upper-cased and checked against the knowledge base; undefined when not given. */
export function countryOption(kb: KnowledgeBase, value: string | undefined): string | undefined {
  const country = value?.toUpperCase();
  if (country !== undefined && !kb.country(country)) {
    throw new UsageError(`--country ${value} is not a country in the knowledge base`);
  }
  return country;
}

/** `--service id,...`: knowledge-base ids, each checked; undefined when not given. */
export function servicesOption(kb: KnowledgeBase, value: string | undefined): string[] | undefined {
  const services = value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of services ?? []) {
    if (!kb.service(id)) {
      const ids = kb.services.map((s) => s.id);
      throw new UsageError(`--service ${id} is not a service in the knowledge base${didYouMean(id, ids)}`);
    }
  }
  return services;
}

/** `--concurrency N`: probes in flight at once, 1-256; `fallback` when not given. */
export function concurrencyOption(value: string | undefined, fallback: number): number {
  const concurrency = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError("--concurrency must be a whole number from 1 to 256");
  }
  return concurrency;
}

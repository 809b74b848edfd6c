import { basename, resolve } from "node:path";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { defaultKbDir, loadKnowledgeBase } from "../kb/load.js";
import { type CountryCoverage, completenessProblems, coverageOf, KbError } from "../kb/validate.js";
import type { Io } from "./io.js";

/**
 * Loads the knowledge base as `start` does, then checks what only matters to its editors: a legal
 * caution missing a language fails (KbMissingTranslation); events without all five languages are
 * reported as coverage, per censoring country, and never fail.
 */
export function runKbCheck(io: Io, options: { json: boolean; dir?: string }): number {
  const dir = resolve(options.dir ?? defaultKbDir());
  let kb: KnowledgeBase;
  try {
    kb = loadKnowledgeBase(dir);
  } catch (error) {
    if (!(error instanceof KbError) || !options.json) throw error;
    io.out(`${JSON.stringify({ ok: false, problems: error.kbProblems })}\n`);
    return 1;
  }
  const counts = {
    services: kb.services.length,
    countries: kb.countries.length,
    regions: kb.countries.reduce((n, c) => n + c.regions.length, 0),
    events: kb.events.length,
    endpoints: kb.services.reduce((n, s) => n + s.features.reduce((m, f) => m + f.endpoints.length, 0), 0),
  };
  // The same file label the loader uses: the kb folder's name and the file, e.g. kb/countries.yaml.
  const problems = completenessProblems(kb, { countries: `${basename(dir)}/countries.yaml` });
  const coverage = coverageOf(kb);
  if (options.json) {
    io.out(`${JSON.stringify({ ok: problems.length === 0, ...counts, problems, coverage })}\n`);
    return problems.length === 0 ? 0 : 1;
  }
  if (problems.length > 0) throw new KbError(problems);
  io.out(
    `knowledge base ok: ${counts.services} services, ${counts.endpoints} endpoints, ${counts.countries} countries, ${counts.regions} regions, ${counts.events} events\n`,
  );
  for (const [code, c] of Object.entries(coverage)) io.out(`  ${coverageLine(code, c, counts.services)}\n`);
  return 0;
}

/** One censoring country in a line: `IR: 12 events (9 in all five languages), 7/48 services, caution`. */
function coverageLine(code: string, c: CountryCoverage, services: number): string {
  const events = c.events === 1 ? "1 event" : `${c.events} events`;
  return `${code}: ${events} (${c.eventsInAllLanguages} in all five languages), ${c.servicesWithEvents.length}/${services} services with events, ${c.caution ? "caution" : "no caution"}`;
}

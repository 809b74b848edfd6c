import { loadKnowledgeBase } from "../kb/load.js";
import { KbError } from "../kb/validate.js";
import type { Io } from "./main.js";

export function runKbCheck(io: Io, options: { json: boolean; dir?: string }): number {
  try {
    const kb = loadKnowledgeBase(options.dir);
    const counts = {
      services: kb.services.length,
      countries: kb.countries.length,
      regions: kb.countries.reduce((n, c) => n + c.regions.length, 0),
      events: kb.events.length,
      endpoints: kb.services.reduce((n, s) => n + s.features.reduce((m, f) => m + f.endpoints.length, 0), 0),
    };
    if (options.json) io.out(`${JSON.stringify({ ok: true, ...counts, problems: [] })}\n`);
    else {
      io.out(
        `knowledge base ok: ${counts.services} services, ${counts.endpoints} endpoints, ${counts.countries} countries, ${counts.regions} regions, ${counts.events} events\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof KbError) || !options.json) throw error;
    io.out(`${JSON.stringify({ ok: false, problems: error.problems })}\n`);
    return 1;
  }
}

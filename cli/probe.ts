import { parseArgs } from "node:util";
import { DEFAULT_CONCURRENCY, measuringPlan, runFullCycle } from "../pipeline/cycle.js";
import { openApp } from "./app.js";
import { type Io, UsageError } from "./io.js";
import { concurrencyOption, countryOption, servicesOption } from "./options.js";

export async function runProbe(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      service: { type: "string" },
      country: { type: "string" },
      vantages: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "boolean" },
      "dry-run": { type: "boolean" },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`probe takes no arguments, got ${positionals.join(" ")}`);
  const concurrency = concurrencyOption(values.concurrency, DEFAULT_CONCURRENCY);
  const app = await openApp();
  try {
    const { kb } = app;
    const services = servicesOption(kb, values.service);
    const country = countryOption(kb, values.country);
    const plan = measuringPlan(app, values.vantages);
    // A status for a country comes only from a vantage in it: with none, there is nothing to measure.
    if (!plan.vantages.some((v) => v.role === "probe" && (country === undefined || v.country === country))) {
      io.err(`isblocked probe: ${noVantage(country, values.vantages)}\n`);
      return 2;
    }

    let lastShown = 0;
    const { cycle, changes } = await runFullCycle(app, {
      plan,
      ...(services ? { services } : {}),
      ...(country ? { country } : {}),
      concurrency,
      dryRun: values["dry-run"] === true,
      // Progress on stderr, at most every 10%, so long cycles show they are alive without flooding.
      onProgress: (done, total) => {
        if (done === total || done - lastShown >= Math.max(1, Math.floor(total / 10))) {
          lastShown = done;
          io.err(`probing: ${done}/${total} endpoints measured\n`);
        }
      },
    });

    if (values.json) {
      const results = cycle.results.map((r) => ({
        service: r.service,
        country: r.country,
        region: r.region,
        status: r.status,
        mechanism: r.mechanism,
        features: r.features,
        regions: r.regions,
        vantages: r.vantages,
        evidence: r.evidence,
        measurements: r.measurements,
      }));
      io.out(`${JSON.stringify({ results, changes, offline: cycle.offline, canaries: cycle.canaries })}\n`);
    } else {
      for (const r of cycle.results) {
        const features = r.features.map(
          (f) => `${f.feature} ${f.status}${f.mechanism ? ` (${f.mechanism})` : ""}`,
        );
        io.out(
          `${r.service} ${r.country}: ${r.status}${r.mechanism ? ` (${r.mechanism})` : ""} — ${features.join(", ")}\n`,
        );
      }
      if (values["dry-run"]) io.out("dry run: nothing was written to the store\n");
      else io.out(`${changes.length} status change(s) confirmed\n`);
    }
    return 0;
  } finally {
    await app.store.close();
  }
}

/** One line saying why nothing can be measured, and what would change that. */
export function noVantage(country: string | undefined, file: string | undefined): string {
  const where = country ? ` in ${country}` : "";
  return file
    ? `no probe vantage${where} in ${file}: nothing measured`
    : `no probe vantage${where}: this host claims no country (it is only a control); give --vantages FILE, or set HOST_COUNTRY if this host really is in ${country ?? "that country"}`;
}

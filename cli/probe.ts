import { parseArgs } from "node:util";
import { loadVantagesFile, localVantage } from "../probes/vantages.js";
import { openApp } from "./app.js";
import { DEFAULT_CONCURRENCY, runFullCycle } from "./cycle.js";
import { type Io, UsageError } from "./main.js";
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
    const { kb, config } = app;
    const services = servicesOption(kb, values.service);
    const country = countryOption(kb, values.country);
    const plan = values.vantages
      ? loadVantagesFile(values.vantages)
      : localVantage(country ?? config.defaultCountry);
    if (!plan.vantages.some((v) => v.role === "probe" && (country === undefined || v.country === country))) {
      throw new UsageError(
        `no probe vantage${country ? ` in ${country}` : ""} in ${values.vantages ?? "the default"}`,
      );
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

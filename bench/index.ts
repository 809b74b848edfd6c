import { fileURLToPath } from "node:url";
import { netnsUnavailableReason, runInNetns } from "../lab/netns.js";
import { alertFanoutRuns, runAlertFanoutBench } from "./alert-fanout.js";
import { DEFAULT_BOT_LATENCY_BENCH, runBotLatencyBench } from "./bot-latency.js";
import { ooniCycleOptions, runOoniCycleBench } from "./ooni-cycle.js";
import { DEFAULT_PROBE_CYCLE_BENCH, type Figure, runProbeCycleBench } from "./probe-cycle.js";
import { runStartupBench } from "./startup.js";
import { runStoreScaleBench } from "./store-scale.js";

// `npm run bench`: every benchmark, one table of figures against their targets. Not a test: it prints
// and exits 1 only when a figure misses its target. When unprivileged network namespaces are available it
// re-runs itself inside one, so time-outs can use a black-holed address (no packet leaves the machine).

const INSIDE = "ISBLOCKED_BENCH_NETNS";

function table(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const value = f.unit === "" ? String(f.value) : f.value.toFixed(3);
    const target = f.target === null ? "" : `≤ ${f.target}`;
    // A target of 0 (nothing lost) has no ratio: 0 met, anything else missed by that much.
    const ratio =
      f.target === null
        ? ""
        : f.target === 0
          ? f.value === 0
            ? "0.00"
            : "∞"
          : (f.value / f.target).toFixed(2);
    const verdict = f.target === null ? "" : f.value <= f.target ? "ok" : "MISSED";
    return [f.figure, `${value}${f.unit === "×" ? "" : f.unit}`, target, ratio, verdict];
  });
  const header = ["figure", "value", "target", "value/target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `--only fanout,latency` runs those parts alone; the parts named, or why the arguments are wrong. */
function onlyParts(args: readonly string[], names: readonly string[]): string[] | string {
  if (args.length === 0) return [...names];
  const chosen = args[0] === "--only" && args.length === 2 ? (args[1] ?? "").split(",") : [];
  const unknown = chosen.filter((name) => !names.includes(name));
  if (chosen.length === 0 || unknown.length > 0) {
    return `usage: node dist/bench/index.js [--only PART[,PART...]], PART one of ${names.join(", ")}`;
  }
  return chosen;
}

async function main(): Promise<number> {
  const inside = process.env[INSIDE] === "1";
  if (!inside) {
    const reason = netnsUnavailableReason();
    if (reason === null) {
      const child = await runInNetns(
        [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
        {
          env: { ...process.env, [INSIDE]: "1" },
          timeoutMs: 600_000,
        },
      );
      process.stdout.write(child.stdout);
      process.stderr.write(child.stderr);
      return child.code ?? 1;
    }
    console.log(`note: no network namespace (${reason}); every time-out is a stalled TLS handshake instead.`);
  }
  if (inside) console.log("(inside a network namespace of its own: TCP time-outs are a black-holed address)");
  const parts: Record<string, () => Promise<Figure[]>> = {
    probe: () => runProbeCycleBench({ ...DEFAULT_PROBE_CYCLE_BENCH, blackHole: inside }),
    fanout: async () => {
      const figures: Figure[] = [];
      for (const options of alertFanoutRuns()) figures.push(...(await runAlertFanoutBench(options)));
      return figures;
    },
    latency: () => runBotLatencyBench(DEFAULT_BOT_LATENCY_BENCH),
    store: () => runStoreScaleBench(),
    ooni: () => runOoniCycleBench(ooniCycleOptions()),
    startup: () => runStartupBench(),
    parser: () => import("./parser.js").then((parser) => parser.runParserBench()),
  };
  const only = onlyParts(process.argv.slice(2), Object.keys(parts));
  if (typeof only === "string") {
    console.error(only);
    return 2;
  }
  const figures: Figure[] = [];
  for (const [name, run] of Object.entries(parts)) if (only.includes(name)) figures.push(...(await run()));
  console.log(table(figures));
  return figures.every((f) => f.target === null || f.value <= f.target) ? 0 : 1;
}

process.exitCode = await main();

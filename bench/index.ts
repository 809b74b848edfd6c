import { fileURLToPath } from "node:url";
import { netnsUnavailableReason, runInNetns } from "../lab/netns.js";
import { alertFanoutOptions, runAlertFanoutBench } from "./alert-fanout.js";
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

async function main(): Promise<number> {
  const inside = process.env[INSIDE] === "1";
  if (!inside) {
    const reason = netnsUnavailableReason();
    if (reason === null) {
      const child = await runInNetns([process.execPath, fileURLToPath(import.meta.url)], {
        env: { ...process.env, [INSIDE]: "1" },
        timeoutMs: 600_000,
      });
      process.stdout.write(child.stdout);
      process.stderr.write(child.stderr);
      return child.code ?? 1;
    }
    console.log(`note: no network namespace (${reason}); every time-out is a stalled TLS handshake instead.`);
  }
  if (inside) console.log("(inside a network namespace of its own: TCP time-outs are a black-holed address)");
  const figures = [
    ...(await runProbeCycleBench({ ...DEFAULT_PROBE_CYCLE_BENCH, blackHole: inside })),
    ...(await runAlertFanoutBench(alertFanoutOptions())),
    ...(await runBotLatencyBench(DEFAULT_BOT_LATENCY_BENCH)),
    ...(await runStoreScaleBench()),
    ...(await runOoniCycleBench(ooniCycleOptions())),
    ...(await runStartupBench()),
    ...(await import("./parser.js").then((parser) => parser.runParserBench())),
  ];
  console.log(table(figures));
  return figures.every((f) => f.target === null || f.value <= f.target) ? 0 : 1;
}

process.exitCode = await main();

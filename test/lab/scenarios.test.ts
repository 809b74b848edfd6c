import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { netnsAvailable, runInNetns } from "../../lab/netns.js";
import { SCENARIOS } from "../../lab/scenarios.js";

// Each scenario runs in a network namespace of its own where every IPv4 address is local, so the
// knowledge base's real names and addresses can be served with no packet able to leave.
const runner = fileURLToPath(new URL("../../dist/lab/run-scenario.js", import.meta.url));
// The black hole must win over "everything is local": a more specific route in the same local table.
const WORLD_SETUP =
  "ip route add local 0.0.0.0/0 dev lo table local && ip route add 198.51.100.0/24 dev lo table local";

interface ProbeOutput {
  results: {
    service: string;
    country: string;
    status: string;
    mechanism: string | null;
    features: { feature: string; status: string }[];
    evidence: string[];
  }[];
}

describe.skipIf(!netnsAvailable())("censorship lab", () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    const run = await runInNetns([process.execPath, runner, scenario.name], {
      setup: WORLD_SETUP,
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as {
      code: number;
      output: string;
      stderr: string;
    };
    expect(report.code, report.stderr).toBe(0);
    const output = JSON.parse(report.output) as ProbeOutput;
    const result = output.results.find(
      (r) => r.service === scenario.service && r.country === scenario.country,
    );
    expect(result, report.output.slice(0, 500)).toBeDefined();
    const explain = `${scenario.name}: ${JSON.stringify(result?.features)}\n${result?.evidence.slice(0, 12).join("\n")}`;
    expect(result?.status, explain).toBe(scenario.expected.status);
    if (scenario.expected.mechanism !== undefined)
      expect(result?.mechanism, explain).toBe(scenario.expected.mechanism);
    for (const [feature, verdict] of Object.entries(scenario.expected.features ?? {})) {
      expect(result?.features.find((f) => f.feature === feature)?.status, `${feature} in ${explain}`).toBe(
        verdict,
      );
    }
  });
});

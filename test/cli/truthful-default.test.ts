import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { netnsAvailable, runInNetns } from "../../lab/netns.js";

// A host with ordinary internet access is not in China. In an uncensored world of the test's own (a
// network namespace where every address answers: lab/run-uncensored.ts), the two-command default
// claims no measured status for China, `ask` still gives the 2017 history, and only HOST_COUNTRY makes
// this host a vantage there, with a warning that it is now trusted to be.

const runner = fileURLToPath(new URL("../../dist/lab/run-uncensored.js", import.meta.url));
const WORLD_SETUP = "ip route add local 0.0.0.0/0 dev lo table local";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!netnsAvailable())("truthful by default, in a world where everything works", () => {
  let runs: { firstProbe: Run; secondProbe: Run; ask: Run; vouched: Run };

  beforeAll(async () => {
    const child = await runInNetns([process.execPath, runner], { setup: WORLD_SETUP, timeoutMs: 120_000 });
    expect(child.code, child.stderr).toBe(0);
    runs = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}");
  }, 150_000);

  it("probe without a vantage in the country says so in one line and measures nothing", () => {
    for (const run of [runs.firstProbe, runs.secondProbe]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(runs.secondProbe.stderr).toContain("no probe vantage in CN: this host claims no country");
  });

  it("ask after those cycles claims no measurement for China and still carries the 2017 history", () => {
    expect(runs.ask.code).toBe(0);
    const answer = JSON.parse(runs.ask.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({
      service: "whatsapp",
      country: "CN",
      status: "blocked",
      basis: "history",
      since: "2017-09",
      checkedAt: null,
    });
    expect(String(answer.text)).toContain("No fresh measurement; last known: blocked since September 2017");
    expect(String(answer.text)).not.toMatch(/accessible|compared with/);
  });

  it("with HOST_COUNTRY=CN this host measures China, and the log says it is trusted to be there", () => {
    expect(runs.vouched.code, runs.vouched.stderr).toBe(0);
    expect(runs.vouched.stderr).toContain(
      "HOST_COUNTRY=CN: this host is trusted to be in CN; its measurements decide statuses there",
    );
    const { results } = JSON.parse(runs.vouched.stdout) as {
      results: { service: string; country: string; status: string; vantages: string[] }[];
    };
    expect(results).toEqual([
      expect.objectContaining({
        service: "whatsapp",
        country: "CN",
        status: "accessible",
        vantages: ["local"],
      }),
    ]);
  });
});

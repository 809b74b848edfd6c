import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadKnowledgeBase } from "../kb/load.js";
import { outputOf } from "./netns.js";
import { SCENARIOS } from "./scenarios.js";
import { buildWorld } from "./world.js";

// Runs one lab scenario inside the network namespace it was started in: builds the world, then runs
// `isblocked probe` exactly as a user would (the bin, a vantages file, the test CA through
// NODE_EXTRA_CA_CERTS), and prints {scenario, code, output, stderr} as one JSON line.

const name = process.argv[2];
const scenario = SCENARIOS.find((s) => s.name === name);
if (!scenario) {
  process.stderr.write(`no scenario named ${name}\n`);
  process.exit(2);
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const world = await buildWorld(scenario, loadKnowledgeBase(join(root, "kb")));
for (const command of world.setup) execFileSync("sh", ["-c", command], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "isblocked-lab-"));
const vantagesPath = join(dir, "vantages.json");
writeFileSync(vantagesPath, JSON.stringify(world.vantagesFile));

const child = spawn(
  process.execPath,
  [
    join(root, "bin", "isblocked.js"),
    "probe",
    "--vantages",
    vantagesPath,
    "--service",
    scenario.service,
    "--json",
    "--dry-run",
    "--concurrency",
    "16",
  ],
  {
    env: {
      PATH: process.env.PATH ?? "",
      STORE_URL: "memory:",
      LOG_LEVEL: "warn",
      PROBE_SCHEDULE: "off",
      NODE_EXTRA_CA_CERTS: world.caPath,
    },
  },
);
const { code, stdout, stderr } = await outputOf(child);
await world.close();
process.stdout.write(`${JSON.stringify({ scenario: scenario.name, code, output: stdout, stderr })}\n`);

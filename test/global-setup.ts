import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Tests that spawn `bin/isblocked.js` run the compiled CLI: build it once so they never see a stale dist/.
export default function setup(): void {
  // No test may reach OONI's real API: every `isblocked` a test spawns inherits this unless it names its
  // own (a local replay server). Set before the test workers start, which copy this environment.
  process.env.OONI_API_URL ??= "off";
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite's own cases are long (200 kills, a Redis restart, a 24-hour backlog): `npm run
    // test:faults` runs them, with the faults the other suites prove (vitest.faults.config.ts). The
    // fuzzers take minutes too: `npm run test:fuzz` (vitest.fuzz.config.ts).
    exclude: ["test/faults/**", "test/fuzz/**", "node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});

import { defineConfig } from "vitest/config";

// The fuzzers (issue 7, item 2): `npm run test:fuzz`, 10,000 cases per property, run by .ci/run after
// `npm test`. They take a few CPU-minutes, so `npm test` leaves them out.
export default defineConfig({
  test: {
    include: ["test/fuzz/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 900_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});

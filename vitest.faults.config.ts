import { defineConfig } from "vitest/config";

// The fault suite (issue 7, item 1): `npm run test:faults`. Its own cases live in test/faults/; the faults
// other suites already prove are listed here rather than tested twice. Each case prints its figure.
export const REFERENCED_FAULT_TESTS = [
  // Telegram delivery: 403, migration, 429 retry_after, 5xx, timeouts; a dispatcher killed mid-fan-out.
  "test/bot/alerts/dispatcher.test.ts",
  "test/bot/alerts/crash.test.ts",
  "test/bot/alerts/outcome.test.ts",
  "test/bot/alerts/send-pacer.test.ts",
  // A throwing or hanging handler, the webhook (forged, no secret, same update twice), SIGTERM in flight.
  "test/bot/running.test.ts",
  "test/bot/telegram-robustness.test.ts",
  // The store failing under a running process, a SQLite writer killed, Redis dropping its connection.
  "test/store/failures.test.ts",
  "test/store/multiprocess.test.ts",
  // Stalled DNS, TLS and HTTP servers end within 1.1 x their timeout, labelled with the stage.
  "test/probes/dns.test.ts",
  "test/probes/tls.test.ts",
  "test/probes/http.test.ts",
  "test/probes/endpoint.test.ts",
  "test/probes/netns.test.ts",
  // Flapping targets, the blocked/outage matrix, a vantage going dark: the status engine and the lab.
  "test/analysis/status-engine.test.ts",
  "test/pipeline/confirm.test.ts",
  "test/scheduler/cycle-runner.test.ts",
  "test/lab/scenarios.test.ts",
  // Forged, replayed and expired agent reports; the SSRF table.
  "test/ingest/**/*.test.ts",
  "test/probes/ssrf*.test.ts",
  // A consistent backup taken during writes, restored into SQLite and Redis.
  "test/cli/backup.test.ts",
];

/**
 * `FAULTS_OWN_ONLY=1` runs test/faults/ alone: .ci/run sets it because `npm test` has just run every
 * referenced suite, and running them twice would only cost time.
 */
const ownOnly = process.env.FAULTS_OWN_ONLY === "1";

export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts", ...(ownOnly ? [] : REFERENCED_FAULT_TESTS)],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", "./test/faults/figures-reporter.ts"],
  },
});

import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import { handleIngest, type IngestDeps, type IngestRequest } from "../../ingest/handler.js";
import { HEADERS, signedHeaders } from "../../ingest/signature.js";
import type { Store } from "../../model/store.js";
import { parseAgents } from "../../pipeline/agents.js";
import { openStore } from "../../store/open.js";
import { measurement, sqliteSnapshots } from "../ingest/support.js";
import { tempDir } from "../store/fixtures.js";
import { RUNS } from "./arbitraries.js";

// The ingest handler, called directly (no HTTP, for speed), over a real SQLite store: arbitrary requests
// and correctly signed ones mutated in one place. It never answers 5xx nor throws, and unless a request
// is correctly signed and valid (200), the store's rows are exactly what they were before it.

const KEY = "fuzz-agent-key-0123456789abcdefghij";
const NOW = new Date("2026-03-01T12:30:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

interface Case {
  label: string;
  request: IngestRequest;
}

/** A well-formed, correctly signed report of `ids` (or of `value` when given), signed at `timestamp`. */
function signedRequest(value: unknown, timestamp = NOW_S, agent = "bj-1"): IngestRequest {
  const body = Buffer.from(JSON.stringify(value));
  return { method: "POST", headers: signedHeaders(agent, KEY, timestamp, body), body };
}

const validBody = (ids: number[]) => ({
  agent: "bj-1",
  sentAt: NOW.toISOString(),
  heartbeat: true,
  canaries: [],
  measurements: ids.map((id) => measurement(id)),
});

const ids = fc.uniqueArray(fc.nat({ max: 1_000_000 }), { minLength: 0, maxLength: 3 });
const headerName = fc.constantFrom(...Object.values(HEADERS), "content-type", "x-other");
const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom("bj-1", String(NOW_S), "0".repeat(64)),
);

/** Entirely arbitrary headers and bytes. */
const arbitraryRequest: fc.Arbitrary<Case> = fc
  .record({
    method: fc.constantFrom("POST", "GET", "PUT", ""),
    headers: fc.dictionary(headerName, headerValue),
    body: fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.json().map((j) => Buffer.from(j)),
    ),
  })
  .map((request) => ({ label: "arbitrary", request }));

/** Correctly signed, then changed in exactly one place: no longer correctly signed. */
const mutatedRequest: fc.Arbitrary<Case> = fc
  .record({
    ids,
    mutation: fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({
        kind: fc.constant("timestamp" as const),
        shift: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 301, max: 10_000_000 })),
      }),
      fc.record({
        kind: fc.constant("stale" as const),
        shift: fc.integer({ min: 301, max: 10_000 }),
        sign: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant("signature" as const),
        at: fc.nat({ max: 63 }),
        char: fc.constantFrom(..."0123456789abcdef"),
      }),
      fc.record({ kind: fc.constant("agent" as const), agent: fc.string({ maxLength: 20 }) }),
      fc.record({ kind: fc.constant("drop" as const), header: fc.constantFrom(...Object.values(HEADERS)) }),
      fc.record({
        kind: fc.constant("append" as const),
        extra: fc.uint8Array({ minLength: 1, maxLength: 20 }),
      }),
    ),
  })
  .filter(({ mutation }) => mutation.kind !== "timestamp" || mutation.shift !== 0)
  .map(({ ids, mutation }): Case => {
    const request = signedRequest(validBody(ids));
    const headers = { ...request.headers } as Record<string, string>;
    let body = request.body;
    switch (mutation.kind) {
      case "flip": {
        body = Buffer.from(body);
        const i = mutation.at % body.length;
        body[i] = (body[i] ?? 0) ^ (1 << mutation.bit);
        break;
      }
      case "timestamp":
        headers[HEADERS.timestamp] = String(NOW_S + mutation.shift);
        break;
      case "stale": {
        // Correctly signed, but outside the window: expired or from the future.
        const at = NOW_S + (mutation.sign ? mutation.shift : -mutation.shift);
        Object.assign(headers, signedHeaders("bj-1", KEY, at, body));
        break;
      }
      case "signature": {
        const signature = headers[HEADERS.signature] ?? "";
        const changed =
          mutation.char === signature[mutation.at] ? (mutation.char === "0" ? "1" : "0") : mutation.char;
        headers[HEADERS.signature] =
          `${signature.slice(0, mutation.at)}${changed}${signature.slice(mutation.at + 1)}`;
        break;
      }
      case "agent":
        headers[HEADERS.agent] = mutation.agent === "bj-1" ? "bj-2" : mutation.agent;
        break;
      case "drop":
        delete headers[mutation.header];
        break;
      case "append":
        body = Buffer.concat([body, Buffer.from(mutation.extra)]);
        break;
    }
    return { label: `mutated:${mutation.kind}`, request: { ...request, headers, body } };
  });

/** Correctly signed, by the registered key, whatever the body: only a valid body is accepted. */
const signedAnything: fc.Arbitrary<Case> = fc
  .oneof(
    fc.anything(),
    ids.map(validBody),
    ids.chain((list) =>
      fc
        .record({
          key: fc.constantFrom("agent", "sentAt", "heartbeat", "canaries", "measurements"),
          value: fc.anything(),
        })
        .map(({ key, value }) => ({ ...validBody(list), [key]: value })),
    ),
  )
  .map((value) => ({ label: "signed", request: signedRequest(value === undefined ? null : value) }));

describe("ingest handler fuzz", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let snapshots: Awaited<ReturnType<typeof sqliteSnapshots>>;
  let deps: IngestDeps;

  beforeAll(async () => {
    dir = await tempDir();
    const file = join(dir.path, "store.sqlite");
    store = await openStore(`sqlite://${file}`);
    snapshots = await sqliteSnapshots(file);
    deps = {
      store,
      agents: parseAgents([{ id: "bj-1", country: "CN", role: "probe", key: KEY }], "agents.yaml"),
      metrics: createMetrics(),
      log: createLogger({ level: "silent" }),
      now: () => NOW,
    };
  });
  afterAll(async () => {
    await snapshots?.close();
    await store?.close();
    await dir?.remove();
  });

  it("sees a write as a change: the check below can fail", async () => {
    const before = await snapshots.version();
    await store.recordHeartbeat("bj-1", 1);
    expect(await snapshots.version()).not.toBe(before);
  });

  it(`never fails and never changes the store unless correctly signed (${RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: arbitraryRequest, weight: 3 },
          { arbitrary: mutatedRequest, weight: 4 },
          { arbitrary: signedAnything, weight: 3 },
        ),
        async ({ label, request }) => {
          const before = await snapshots.version();
          const response = await handleIngest(request, deps);
          expect(response.status).toBeLessThan(500);
          const key = `${label} ${response.status}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          if (label !== "signed" || response.status !== 200) expect(await snapshots.version()).toBe(before);
          if (label.startsWith("mutated") || label === "arbitrary") expect(response.status).not.toBe(200);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? RUNS) },
    );
    // The generators reach every branch: refusals of each kind, and acceptances.
    const seen = [...outcomes.keys()].join("\n");
    for (const expected of [
      "signed 200",
      "signed 400",
      "arbitrary 401",
      "mutated:flip 401",
      "mutated:stale 401",
    ]) {
      expect(seen).toContain(expected);
    }
  }, 300_000);
});

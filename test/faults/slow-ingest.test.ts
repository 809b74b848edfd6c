import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../ingest/handler.js";
import { INGEST_PATH, MAX_UNREAD_BODIES } from "../../ingest/http.js";
import { HEADERS } from "../../ingest/signature.js";
import { freePort } from "../bot/support/start-process.js";
import { startBotApiServer } from "../support/bot-api-server.js";
import { Leftovers, startWebhookBot, TOKEN } from "./webhook-bot.js";

// 400 connections to the ingest endpoint of a running `isblocked start` (issue 15), each with headers
// that pass every check made before the body (a registered agent id, a timestamp in the window, a
// signature of the right shape) and a 2 MiB body sent 64 KiB at a time, slowly; a connection refused
// comes back a second later. The process's resident memory may grow by at most 50 MB.

const CONNECTIONS = 400;
const ATTACK_MS = 8_000;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);
/** A refused sender comes back after this, sooner than the 5 s its 503 asks for. */
const RETRY_MS = 1000;
const RSS_BOUND_MB = 50;

const left = new Leftovers();
afterEach(() => left.clear());

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024;

/**
 * One slow sender: its body dribbles in until the server answers or closes, or `until`; resolves with
 * the status (0: none).
 */
function slowBody(port: number, until: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0));
    };
    socket.on("data", (d) => {
      received += d;
      if (received.includes("\r\n\r\n")) done();
    });
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", () => {
      socket.write(
        `POST ${INGEST_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${MAX_BODY_BYTES}\r\n${HEADERS.agent}: bj-1\r\n${HEADERS.timestamp}: ${Math.floor(Date.now() / 1000)}\r\n${HEADERS.signature}: ${"0".repeat(64)}\r\n\r\n`,
      );
      timer = setInterval(() => (Date.now() < until ? socket.write(CHUNK) : done()), 250);
    });
  });
}

describe(`${CONNECTIONS} slow ingest bodies`, () => {
  it(`keep the process's memory growth under ${RSS_BOUND_MB} MB`, async () => {
    left.dir = mkdtempSync(join(tmpdir(), "isblocked-slow-ingest-"));
    const agentsFile = join(left.dir, "agents.yaml");
    writeFileSync(
      agentsFile,
      "agents:\n  - id: bj-1\n    country: CN\n    role: probe\n    key: beijing-agent-key-0123456789abcdef\n",
    );
    left.api = await startBotApiServer(TOKEN);
    const port = await freePort();
    const running = left.keep(await startWebhookBot(left.api, port, "memory:", { AGENTS_FILE: agentsFile }));
    const pid = running.child.pid ?? 0;
    // Settled first: what start-up still allocates is not the attack's.
    await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 500));
    const before = rssMb(pid);

    const statuses = new Map<number, number>();
    let peak = before;
    const sampling = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 100);
    const until = Date.now() + ATTACK_MS;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const status = await slowBody(port, until);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }),
    );
    clearInterval(sampling);
    peak = Math.max(peak, rssMb(pid));
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    const { code } = await running.terminate();
    console.log(
      `fault slow-ingest: ${CONNECTIONS} slow connections for ${ATTACK_MS / 1000} s, answered ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}, RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB, growth ${(peak - before).toFixed(1)} MB (bound ${RSS_BOUND_MB} MB, ${MAX_UNREAD_BODIES} bodies read at once)`,
    );
    expect(statuses.get(503)).toBeGreaterThan(CONNECTIONS);
    expect(peak - before).toBeLessThanOrEqual(RSS_BOUND_MB);
    expect(healthz.status).toBe(200);
    expect(code).toBe(0);
  }, 60_000);
});

import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import { createMetrics, type IsblockedMetrics } from "../../core/metrics.js";
import { MAX_BODY_BYTES } from "../../ingest/handler.js";
import { INGEST_PATH, ingestRoutes } from "../../ingest/http.js";
import { signedHeaders, WINDOW_S } from "../../ingest/signature.js";
import type { Measurement } from "../../model/measurement.js";
import type { Store } from "../../model/store.js";
import { type AgentRegistry, parseAgents } from "../../pipeline/agents.js";
import { openStore } from "../../store/open.js";
import { createWebServer, type WebServer } from "../../web/server.js";
import { miniKb } from "../helpers.js";
import { tempDir } from "../store/fixtures.js";
import { measurement, sqliteRows } from "./support.js";

// POST /api/v1/ingest mounted on a real web server (port 0), as `start` mounts it, over a real SQLite
// file. Every refusal is checked against a snapshot of the file's rows taken before it: no state change,
// not even a replay mark.

const KEY = "beijing-agent-key-0123456789abcdef";
const OTHER_KEY = "shanghai-agent-key-0123456789abcdef";

describe("ingest endpoint", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let store: Store;
  let web: WebServer;
  let url: string;
  let base: string;
  let metrics: IsblockedMetrics;
  let agents: AgentRegistry;

  beforeAll(async () => {
    dir = await tempDir();
    file = join(dir.path, "store.sqlite");
    store = await openStore(`sqlite://${file}`);
    agents = parseAgents(
      [
        { id: "bj-1", country: "cn", region: "beijing", role: "probe", key: KEY },
        { id: "sh-1", country: "CN", region: "shanghai", role: "probe", key: OTHER_KEY },
      ],
      "agents.yaml",
    );
    metrics = createMetrics();
    const log = createLogger({ level: "silent" });
    web = createWebServer({
      store,
      kb: miniKb(),
      metrics,
      log,
    });
    web.mount({ path: INGEST_PATH, route: "ingest", app: ingestRoutes({ store, agents, metrics, log }) });
    base = `http://127.0.0.1:${await web.listen(0, "127.0.0.1")}`;
    url = `${base}${INGEST_PATH}`;
  });
  afterAll(async () => {
    await web.close();
    await store.close();
    await dir.remove();
  });

  let n = 0;
  let batch: Measurement[];
  beforeEach(() => {
    batch = [measurement(n++), measurement(n++)];
  });

  const nowS = () => Math.floor(Date.now() / 1000);
  const body = (agent = "bj-1", measurements = batch) =>
    JSON.stringify({ agent, sentAt: new Date().toISOString(), heartbeat: true, canaries: [], measurements });

  async function post(text: string, headers: Record<string, string>) {
    const response = await fetch(url, { method: "POST", headers, body: text });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }
  const signed = (text: string, agent = "bj-1", key = KEY, timestamp = nowS()) =>
    post(text, signedHeaders(agent, key, timestamp, text));

  /** Runs `request` and checks it was refused with `status` and left the store as it was. */
  async function refusedUnchanged(status: number, request: () => Promise<{ status: number }>) {
    const before = await sqliteRows(file);
    expect((await request()).status).toBe(status);
    expect(await sqliteRows(file)).toBe(before);
  }

  it("stores a signed report under the registered identity and records the heartbeat", async () => {
    const started = Date.now();
    const answer = await signed(body());
    // The answer tells the agent who it is registered as: its country comes from there, never from itself.
    const vantage = { id: "bj-1", country: "CN", region: "beijing", role: "probe" };
    expect(answer).toEqual({ status: 200, json: { ok: true, added: 2, duplicates: 0, vantage } });
    const stored = await store.ingestedSince("bj-1", 0);
    expect(stored.map((m) => m.id)).toEqual(batch.map((m) => m.id));
    // What the agent claimed about itself (vantage "agent-claims") is replaced by its registration.
    for (const m of stored) {
      expect(m).toMatchObject({
        vantage: "bj-1",
        probe_cc: "CN",
        probe_region: "beijing",
        vantage_role: "probe",
      });
    }
    expect(await store.lastHeartbeat("bj-1")).toBeGreaterThanOrEqual(started - 1000);
    expect(await store.ingestedSince("sh-1", 0)).toEqual([]);
  });

  it("is idempotent: the same batch sent again, signed anew, adds nothing", async () => {
    expect((await signed(body())).json).toMatchObject({ added: 2 });
    const rows = await sqliteRows(file);
    const again = await signed(body());
    expect(again).toMatchObject({ status: 200, json: { ok: true, added: 0, duplicates: 2 } });
    expect(await store.ingestedSince("bj-1", 0)).toHaveLength(n);
    expect(rows).not.toBe(await sqliteRows(file)); // only the heartbeat and the replay mark moved
  });

  it("refuses an exact replay with 409 and changes nothing", async () => {
    const text = body();
    const headers = signedHeaders("bj-1", KEY, nowS(), text);
    expect((await post(text, headers)).status).toBe(200);
    await refusedUnchanged(409, () => post(text, headers));
  });

  it("refuses forged, wrong-key, unknown-agent, expired and future reports with 401, changing nothing", async () => {
    const text = body();
    const forged = text.replace('"heartbeat":true', '"heartbeat":true ');
    const headers = signedHeaders("bj-1", KEY, nowS(), text);
    await refusedUnchanged(401, () => post(forged, headers));
    await refusedUnchanged(401, () => signed(text, "bj-1", OTHER_KEY));
    await refusedUnchanged(401, () => signed(body("xx-9"), "xx-9", KEY));
    await refusedUnchanged(401, () => signed(text, "bj-1", KEY, nowS() - WINDOW_S - 1));
    await refusedUnchanged(401, () => signed(text, "bj-1", KEY, nowS() + WINDOW_S + 2));
    await refusedUnchanged(401, () => post(text, { "x-isblocked-agent": "bj-1" }));
    await refusedUnchanged(401, () => post(text, { ...headers, "x-isblocked-signature": "00" }));
    expect(await store.ingestedSince("bj-1", 0)).not.toContainEqual(
      expect.objectContaining({ id: batch[0]?.id }),
    );
  });

  it("refuses a signed but invalid body with 400, changing nothing", async () => {
    await refusedUnchanged(400, () => signed("not json"));
    await refusedUnchanged(400, () => signed(JSON.stringify({ agent: "bj-1" })));
    const broken = { ...measurement(), test_keys: { queries: "x" } };
    await refusedUnchanged(400, () => signed(body("bj-1", [broken as unknown as Measurement])));
    // Signed by bj-1 but speaking for sh-1.
    await refusedUnchanged(400, () => signed(body("sh-1")));
  });

  it("refuses a body over the limit with 413 and other methods with 405, changing nothing", async () => {
    const huge = "x".repeat(MAX_BODY_BYTES + 1);
    await refusedUnchanged(413, () => signed(huge));
    await refusedUnchanged(405, async () => fetch(url));
  });

  it("refuses a body over the limit sent without a length (chunked) with 413, reading no further", async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    // Twice the limit, streamed: the server stops reading past MAX_BODY_BYTES and answers.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 2 * MAX_BODY_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const before = await sqliteRows(file);
    const response = await fetch(url, {
      method: "POST",
      headers: signedHeaders("bj-1", KEY, nowS(), "x"),
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.json()).toEqual({
      error: "too_large",
      message: `the body may be at most ${MAX_BODY_BYTES} bytes`,
    });
    expect(await sqliteRows(file)).toBe(before);
  });

  it("counts accepted and refused reports at /metrics, and the requests like any other route", async () => {
    const exposed = await (await fetch(`${base}/metrics`)).text();
    expect(exposed).toMatch(/isblocked_ingest_requests_total\{outcome="accepted"\} [1-9]/);
    expect(exposed).toMatch(/isblocked_ingest_requests_total\{outcome="unauthorized"\} 7/);
    expect(exposed).toMatch(/isblocked_ingest_requests_total\{outcome="replayed"\} 1/);
    expect(exposed).toMatch(/isblocked_ingest_requests_total\{outcome="too_large"\} 2/);
    // The POSTs themselves, in the web server's request metrics.
    expect(exposed).toMatch(/isblocked_http_requests_total\{route="ingest",code="200"\} [1-9]/);
    expect(exposed).toContain('isblocked_http_requests_total{route="ingest",code="401"} 7');
    expect(exposed).toContain('isblocked_http_requests_total{route="ingest",code="413"} 2');
    expect(exposed).toContain('isblocked_http_requests_total{route="ingest",code="405"} 1');
  });
});

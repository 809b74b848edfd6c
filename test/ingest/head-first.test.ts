import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import { handleIngest, MAX_BODY_BYTES } from "../../ingest/handler.js";
import { INGEST_PATH, ingestRoutes, MAX_UNREAD_BODIES } from "../../ingest/http.js";
import * as signature from "../../ingest/signature.js";
import { HEADERS, signedHeaders, WINDOW_S } from "../../ingest/signature.js";
import { MAX_AHEAD_MS, type Measurement } from "../../model/measurement.js";
import type { Store } from "../../model/store.js";
import { type AgentRegistry, parseAgents } from "../../pipeline/agents.js";
import { openStore } from "../../store/open.js";
import { createWebServer, type WebServer } from "../../web/server.js";
import { miniKb } from "../helpers.js";
import { measurement } from "./support.js";

// The ingest endpoint decides what it can before reading a body (ingest/README.md): the method, the
// declared length, the headers and the timestamp window; then it reads at most MAX_UNREAD_BODIES bodies at
// once. Raw sockets show a refusal arriving before the body was sent. Then the signature, whose HMAC runs
// for an unknown agent id too (counted through a wrapped checkSignature), and measurements from the
// future.

vi.mock("../../ingest/signature.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../ingest/signature.js")>();
  return { ...original, checkSignature: vi.fn(original.checkSignature) };
});

const KEY = "beijing-agent-key-0123456789abcdef";
const nowS = () => Math.floor(Date.now() / 1000);
const silent = createLogger({ level: "silent" });

describe("ingest, head first", () => {
  let store: Store;
  let agents: AgentRegistry;
  let web: WebServer;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    store = await openStore("memory:");
    agents = parseAgents([{ id: "bj-1", country: "CN", role: "probe", key: KEY }], "agents.yaml");
    const metrics = createMetrics();
    web = createWebServer({ store, kb: miniKb(), metrics, log: silent });
    web.mount({
      path: INGEST_PATH,
      route: "ingest",
      app: ingestRoutes({ store, agents, metrics, log: silent }),
    });
    port = await web.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await web.close();
    await store.close();
  });
  beforeEach(() => {
    vi.mocked(signature.checkSignature).mockClear();
  });

  const body = (measurements: Measurement[] = [measurement()]) =>
    JSON.stringify({
      agent: "bj-1",
      sentAt: new Date().toISOString(),
      heartbeat: true,
      canaries: [],
      measurements,
    });

  const head = (length: number, headers: Record<string, string>, method = "POST") =>
    `${method} ${INGEST_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${Object.entries(
      headers,
    )
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("")}\r\n`;

  const postSigned = (text: string) =>
    fetch(`http://127.0.0.1:${port}${INGEST_PATH}`, {
      method: "POST",
      headers: signedHeaders("bj-1", KEY, nowS(), text),
      body: text,
    });

  /** A connection that has sent `text` and nothing more; `answer` resolves with whatever comes back. */
  function opened(text: string): Promise<{ socket: Socket; answer: Promise<string> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      sockets.push(socket);
      let received = "";
      const answer = new Promise<string>((done) => {
        socket.on("data", (d) => {
          received += d;
          if (received.includes("\r\n\r\n")) done(received);
        });
        socket.on("close", () => done(received));
      });
      socket.on("error", reject);
      socket.on("connect", () => {
        socket.write(text);
        resolve({ socket, answer });
      });
    });
  }

  it("refuses from the headers alone, before a byte of the body is sent", async () => {
    const genuine = signedHeaders("bj-1", KEY, nowS(), "x");
    const { [HEADERS.signature]: _, ...unsigned } = genuine;
    const cases: [string, RegExp][] = [
      [head(5000, unsigned), /^HTTP\/1\.1 401 /],
      [head(5000, { ...genuine, [HEADERS.timestamp]: String(nowS() - WINDOW_S - 5) }), /^HTTP\/1\.1 401 /],
      [head(5000, { ...genuine, [HEADERS.timestamp]: "soon" }), /^HTTP\/1\.1 401 /],
      [head(MAX_BODY_BYTES + 1, genuine), /^HTTP\/1\.1 413 /],
      [head(5000, genuine, "PUT"), /^HTTP\/1\.1 405 /],
    ];
    for (const [request, status] of cases) {
      const { answer } = await opened(request);
      expect(await answer).toMatch(status);
    }
    expect(signature.checkSignature).not.toHaveBeenCalled();
  });

  it(`reads at most ${MAX_UNREAD_BODIES} bodies at once: the next is refused with 503, unread`, async () => {
    // Headers that pass every check without the body, then a body that never finishes.
    const slow = await Promise.all(
      Array.from({ length: MAX_UNREAD_BODIES }, () =>
        opened(`${head(100_000, signedHeaders("bj-1", KEY, nowS(), "x"))}{"agent":`),
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const refused = await postSigned(body());
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toMatchObject({ error: "busy" });

    // The slow senders give up: their places are free again.
    for (const { socket } of slow) socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await postSigned(body())).status).toBe(200);
  });

  it("runs the HMAC over the body for an unknown agent id as for a registered one", async () => {
    const metrics = createMetrics();
    const text = body();
    const deps = { store, agents, metrics, log: silent };
    const request = (agent: string) => ({
      method: "POST",
      headers: signedHeaders(agent, "not-the-key-of-anyone-0123456789", nowS(), text),
      body: Buffer.from(text),
    });
    const known = await handleIngest(request("bj-1"), deps);
    const unknown = await handleIngest(request("xx-nobody"), deps);
    // One answer for both: which ids exist is not for strangers to learn.
    expect(unknown).toEqual(known);
    expect(known.status).toBe(401);
    const calls = vi.mocked(signature.checkSignature).mock.calls;
    expect(calls).toHaveLength(2);
    // The same work: an HMAC with some key over the whole body.
    for (const [key, , signed] of calls) {
      expect(key.length).toBeGreaterThan(0);
      expect(Buffer.from(signed).equals(Buffer.from(text))).toBe(true);
    }
    expect(calls[0]?.[0]).toBe(KEY);
    expect(calls[1]?.[0]).not.toBe(KEY);
  });

  it("refuses with 400 a batch with a measurement from the future, naming it; a few minutes ahead pass", async () => {
    const metrics = createMetrics();
    const deps = { store, agents, metrics, log: silent };
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
    const signedBody = (text: string) => ({
      method: "POST",
      headers: signedHeaders("bj-1", KEY, nowS(), text),
      body: Buffer.from(text),
    });
    const future = body([
      measurement(9100),
      measurement(9101, { measurement_start_time: "2099-01-01 00:00:00" }),
    ]);
    const refused = await handleIngest(signedBody(future), deps);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: "invalid_body",
      message: `measurements.1.measurement_start_time: more than ${MAX_AHEAD_MS / 1000} s after the bot's clock`,
    });
    expect(await store.ingestedSince("bj-1", 0)).not.toContainEqual(
      expect.objectContaining({ id: "m-9100" }),
    );

    // A clock a little fast is no reason to drop a report.
    const nearly = body([
      measurement(9102, { measurement_start_time: at(Date.now() + MAX_AHEAD_MS - 30_000) }),
    ]);
    expect((await handleIngest(signedBody(nearly), deps)).status).toBe(200);
  });
});

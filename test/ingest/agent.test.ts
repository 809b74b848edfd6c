import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/log.js";
import { createMetrics } from "../../core/metrics.js";
import { createAgent } from "../../ingest/agent.js";
import { INGEST_PATH, ingestRoutes } from "../../ingest/http.js";
import { type Batch, Outbox } from "../../ingest/outbox.js";
import { type LabDnsServer, startDnsServer } from "../../lab/servers/dns.js";
import { type LabTcpServer, startTcpServer } from "../../lab/servers/tcp.js";
import { DEFAULT_TIMEOUTS } from "../../model/measurement.js";
import type { Store } from "../../model/store.js";
import { parseAgents } from "../../pipeline/agents.js";
import { RCODES } from "../../probes/dns-wire.js";
import { measurerOn } from "../../probes/endpoint.js";
import { realNetwork } from "../../probes/network.js";
import { openStore } from "../../store/open.js";
import { createWebServer, type WebServer } from "../../web/server.js";
import { miniKb } from "../helpers.js";
import { tempDir } from "../store/fixtures.js";

// The agent against a real ingest endpoint on loopback. Its probes resolve through a lab DNS server that
// answers every name with 127.0.0.1, and its canary is a lab TCP listener: no packet leaves loopback.

const KEY = "tehran-agent-key-0123456789abcdefghij";
const bin = fileURLToPath(new URL("../../bin/isblocked.js", import.meta.url));
const silent = createLogger({ level: "silent" });

describe("remote agent", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let dns: LabDnsServer;
  let canary: LabTcpServer;
  let port: number;
  let web: WebServer | undefined;

  const url = () => `http://127.0.0.1:${port}${INGEST_PATH}`;
  const agents = parseAgents(
    [{ id: "thr-1", country: "IR", region: "tehran", role: "probe", key: KEY }],
    "a.yaml",
  );

  /** The bot's web server with the ingest endpoint, on `port` (0: any, remembered). */
  async function botUp(): Promise<void> {
    web = createWebServer({
      store,
      kb: miniKb(),
      metrics: createMetrics(),
      log: silent,
    });
    web.mount({
      path: INGEST_PATH,
      route: "ingest",
      app: ingestRoutes({ store, agents, metrics: createMetrics(), log: silent }),
    });
    port = await web.listen(port, "127.0.0.1");
  }
  async function botDown(): Promise<void> {
    await web?.close();
    web = undefined;
  }

  beforeAll(async () => {
    dir = await tempDir();
    store = await openStore(`sqlite://${join(dir.path, "bot.sqlite")}`);
    dns = await startDnsServer({
      answer: (question) =>
        question.type === "A"
          ? {
              rcode: RCODES.NOERROR,
              answers: [{ name: question.name, type: "A", ttl: 60, data: "127.0.0.1" }],
            }
          : { rcode: RCODES.NOERROR, answers: [] },
    });
    canary = await startTcpServer({ behaviour: "accept" });
    port = 0;
    await botUp(); // picks the port the bot keeps across restarts
    await botDown();
  });
  afterAll(async () => {
    await botDown();
    await dns.close();
    await canary.close();
    await store.close();
    await dir.remove();
  });

  const vantage = () => ({
    id: "here",
    country: "IR",
    role: "probe" as const,
    resolver: dns.address,
    canary: `tcp://127.0.0.1:${canary.port}`,
  });

  it("buffers while the bot is unreachable, then delivers once; a resend adds nothing", async () => {
    const outbox = new Outbox(join(dir.path, "outbox-1"));
    await outbox.open();
    const agent = createAgent({
      kb: miniKb(),
      plan: { vantages: [vantage()], timeouts: { ...DEFAULT_TIMEOUTS, tcp: 2000, tls: 2000 } },
      measure: measurerOn(realNetwork),
      outbox,
      target: { url: url(), agentId: "thr-1", key: KEY },
      log: silent,
      services: ["chatapp"],
    });
    const name = await agent.measure();
    const batch = (await outbox.read(name)) as Batch;
    expect(batch.measurements.map((m) => m.input).sort()).toEqual([
      "tls://chat.chatapp.example:443",
      "tls://media.chatapp.example:443",
    ]);
    expect(batch.canaries).toHaveLength(1);

    expect(await agent.flush()).toEqual({ delivered: 0, dropped: 0, remaining: 1 });
    expect(await outbox.list()).toEqual([name]);
    expect(await store.lastHeartbeat("thr-1")).toBeUndefined();

    await botUp();
    expect(await agent.flush()).toEqual({ delivered: 1, dropped: 0, remaining: 0 });
    expect(await outbox.list()).toEqual([]);
    const stored = await store.ingestedSince("thr-1", 0);
    expect(stored.map((m) => m.id).sort()).toEqual(
      [...batch.canaries, ...batch.measurements].map((m) => m.id).sort(),
    );
    expect(stored.every((m) => m.vantage === "thr-1" && m.probe_region === "tehran")).toBe(true);
    expect(await store.lastHeartbeat("thr-1")).toBeDefined();

    // The same batch again (a crash after sending, before deleting): delivered, and nothing doubles.
    await outbox.add(batch);
    expect(await agent.flush()).toEqual({ delivered: 1, dropped: 0, remaining: 0 });
    expect(await store.ingestedSince("thr-1", 0)).toHaveLength(stored.length);
    await botDown();
  });

  it("drops a batch the bot refuses for good (4xx), and keeps order otherwise", async () => {
    await botUp();
    const outbox = new Outbox(join(dir.path, "outbox-2"));
    await outbox.open();
    const wrongKey = createAgent({
      kb: miniKb(),
      plan: { vantages: [vantage()], timeouts: DEFAULT_TIMEOUTS },
      measure: measurerOn(realNetwork),
      outbox,
      target: { url: url(), agentId: "thr-1", key: "not-the-registered-key-0123456789abc" },
      log: silent,
      services: ["chatapp"],
    });
    await outbox.add({ canaries: [], measurements: [], createdAt: new Date().toISOString() });
    expect(await wrongKey.flush()).toEqual({ delivered: 0, dropped: 1, remaining: 0 });
    await botDown();
  });

  it("a killed agent loses nothing: the restarted one sends what the first measured", async () => {
    const outboxDir = join(dir.path, "outbox-cli");
    const vantagesFile = join(dir.path, "vantages.json");
    await writeFile(vantagesFile, JSON.stringify([vantage()]));
    const env = {
      PATH: process.env.PATH ?? "",
      AGENT_ID: "thr-1",
      AGENT_KEY: KEY,
      VANTAGES_FILE: vantagesFile,
      AGENT_OUTBOX: outboxDir,
      // Daily: the cycle at start is the only one this test sees.
      PROBE_SCHEDULE: "0 0 * * *",
      LOG_LEVEL: "info",
    };
    const args = [bin, "agent", "--ingest", url(), "--service", "dw"];

    // First run: the bot is down. The cycle at start measures, the push fails, the agent is killed.
    const first = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let firstLog = "";
    first.stderr.on("data", (d: Buffer) => {
      firstLog += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      first.on("exit", (code) => reject(new Error(`agent exited early (${code}): ${firstLog}`)));
      const watch = setInterval(() => {
        if (firstLog.includes("outbox kept for a retry")) {
          clearInterval(watch);
          resolve();
        }
      }, 50);
    });
    first.removeAllListeners("exit");
    first.kill("SIGKILL");
    const kept = (await readdir(outboxDir)).filter((n) => n.endsWith(".batch.json"));
    expect(kept).toHaveLength(1);
    const firstBatch = JSON.parse(await readFile(join(outboxDir, kept[0] ?? ""), "utf8")) as Batch;
    expect(firstBatch.measurements.length, firstLog).toBeGreaterThan(0);
    // With the bot away, the agent does not know its registration, and claims no country (never CN, the
    // bot's DEFAULT_COUNTRY); the bot stamps the registered one on what it accepts.
    expect(firstLog).toContain("registration unknown");
    expect(new Set(firstBatch.measurements.map((m) => m.probe_cc))).toEqual(new Set(["ZZ"]));

    // Second run, bot up: the old batch goes first, then its own; exit 0 with an empty outbox.
    await botUp();
    const second = spawn(process.execPath, [...args, "--once"], { env, stdio: ["ignore", "ignore", "pipe"] });
    let secondLog = "";
    second.stderr.on("data", (d: Buffer) => {
      secondLog += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => second.on("exit", resolve));
    expect(code, secondLog).toBe(0);
    expect((await readdir(outboxDir)).filter((n) => n.endsWith(".batch.json"))).toEqual([]);
    const stored = new Set((await store.ingestedSince("thr-1", 0)).map((m) => m.id));
    for (const m of [...firstBatch.canaries, ...firstBatch.measurements]) expect(stored.has(m.id)).toBe(true);
    // With the bot up, it learns who it is registered as, and keeps it for a start with the bot away.
    expect(secondLog).toMatch(/"msg":"registered as".*"country":"IR"/);
    expect(JSON.parse(await readFile(join(outboxDir, "registration.json"), "utf8"))).toMatchObject({
      id: "thr-1",
      country: "IR",
      region: "tehran",
      role: "probe",
    });
    expect(
      new Set(stored.size > 0 ? (await store.ingestedSince("thr-1", 0)).map((m) => m.probe_cc) : []),
    ).toEqual(new Set(["IR"]));
    const delivered = secondLog.split("\n").filter((l) => l.includes('"batch delivered"'));
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toContain(kept[0]);
    // JSON logs, the key never in them.
    expect(`${firstLog}${secondLog}`).not.toContain(KEY);
    for (const line of secondLog.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    await botDown();
  }, 60_000);
});

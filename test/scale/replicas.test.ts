import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsZone, type LabDnsServer, startDnsServer, zoneAnswerer } from "../../lab/servers/dns.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { freePort, type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import { freshNamespace, REDIS_URL, redisBackend, tempDir } from "../store/fixtures.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { postUpdate, TOKEN, textUpdate, WEBHOOK_URL } from "./support.js";

// Scale-out (issue 5, item 5): three `isblocked start` processes in webhook mode share one Redis namespace.
// Each probes BBC every second from a China vantage and a control vantage whose resolvers are DNS servers
// of this test on loopback (the only names they answer point at 127.0.0.2, where nothing listens: no
// packet leaves loopback). Asserted: every cron slot runs on one replica, each status change reaches each
// subscriber once, an update delivered to all three webhooks is handled once, and every subscription
// acknowledged by any replica is in the store.

const WEBHOOK_SECRET = "replica_s3cret-Q4vn8Xt";
const REPLICAS = 3;
const CHATS = 12;
const BBC_CN = { service: "bbc", country: "CN" };

if (REDIS_URL === undefined) console.log("REDIS_URL unset: the three-replica test (test/scale) is skipped");

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

function linesOf(replica: StartedProcess): LogLine[] {
  return replica
    .logs()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

describe.skipIf(REDIS_URL === undefined)("three replicas on one Redis", () => {
  const backend = redisBackend();
  const replicas: StartedProcess[] = [];
  const ports: number[] = [];
  let api: BotApiServer;
  let probeDns: LabDnsServer;
  let controlDns: LabDnsServer;
  let store: Store;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  // The control's resolver: NXDOMAIN at first (both fail: an outage), then an answer (China alone fails:
  // blocked). The China vantage's resolver says NXDOMAIN throughout.
  let controlZone: DnsZone = {};

  beforeAll(async () => {
    const url = await backend.start();
    const namespace = freshNamespace();
    dir = await tempDir();
    api = await startBotApiServer(TOKEN);
    probeDns = await startDnsServer({ answer: {} });
    controlDns = await startDnsServer({
      answer: (question, from) => zoneAnswerer(controlZone)(question, from),
    });
    const vantages = join(dir.path, "vantages.json");
    writeFileSync(
      vantages,
      JSON.stringify({
        vantages: [
          { id: "cn-probe", country: "CN", role: "probe", resolver: probeDns.address, canary: "off" },
          { id: "us-control", country: "US", role: "control", resolver: controlDns.address, canary: "off" },
        ],
        timeouts: { dns: 300, tcp: 300, tls: 300, httpHeaders: 300, httpBody: 300 },
      }),
    );
    for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
    for (const port of ports) {
      replicas.push(
        startProcess({
          BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: api.apiRoot,
          WEBHOOK_URL: WEBHOOK_URL,
          WEBHOOK_SECRET,
          WEB_PORT: String(port),
          STORE_URL: url,
          STORE_NAMESPACE: namespace,
          PROBE_SCHEDULE: "* * * * * *",
          PROBE_SERVICES: "bbc",
          VANTAGES_FILE: vantages,
          OONI_API_URL: "off",
          LOG_LEVEL: "debug",
        }),
      );
    }
    store = await openStore(url, { namespace });
    await waitFor(
      "every replica to serve its webhook",
      () => replicas.every((r) => r.logs().includes('"telegram bot connected"')),
      50_000,
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(async (r) => {
        if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
        await r.exited;
      }),
    );
    await store?.close();
    await api?.close();
    await probeDns?.close();
    await controlDns?.close();
    await dir?.remove();
    await backend.stop();
  });

  const post = (replica: number, body: unknown) => postUpdate(api, ports[replica] ?? 0, WEBHOOK_SECRET, body);
  const sendsTo = (chatId: number) =>
    api.calls.filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId);
  const alertsTo = (chatId: number) =>
    sendsTo(chatId)
      .map((c) => String(c.payload.text).split("\n")[0] ?? "")
      .filter((line) => line.includes(" is now "));

  it("loses no subscription acknowledged by any replica, and handles an update sent to all three once", async () => {
    const chats = Array.from({ length: CHATS }, (_, n) => 5001 + n);
    // Spread over the replicas, all at once.
    const answers = await Promise.all(
      chats.map((chatId, n) => post(n % REPLICAS, textUpdate(10_000 + n, chatId, "/subscribe bbc cn"))),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    await waitFor("every subscription to be acknowledged", () =>
      chats.every((chatId) =>
        sendsTo(chatId).some((c) => String(c.payload.text).startsWith("🔔 Subscribed")),
      ),
    );
    expect((await store.subscribers(BBC_CN)).sort()).toEqual(chats.map(String).sort());
    for (const chatId of chats) expect((await store.subscriptionsOf(String(chatId))).length).toBe(1);

    // Telegram retrying an update to a load balancer can reach any replica: here, all three at once.
    const once = textUpdate(20_000, 6001, "/start");
    const delivered = await Promise.all([0, 1, 2].map((r) => post(r, once)));
    for (const answer of delivered) expect(answer.status).toBe(200);
    await waitFor("the /start answer", () => sendsTo(6001).length >= 1);
    await sleep(500);
    expect(sendsTo(6001)).toHaveLength(1);
    const ignored = replicas.map(
      (r) => linesOf(r).filter((l) => l.msg === "duplicate update ignored").length,
    );
    expect(ignored.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("runs each slot once across the three and alerts each status change once per subscriber", async () => {
    const chats = Array.from({ length: CHATS }, (_, n) => 5001 + n);
    await waitFor("the first status (an outage: both resolvers fail)", async () => {
      return (await store.getStatus(BBC_CN))?.status === "outage";
    });
    controlZone = { "www.bbc.com": { a: ["127.0.0.2"] } };
    await waitFor(
      "the blocked alert at every subscriber",
      () => chats.every((chatId) => alertsTo(chatId).some((line) => line.includes("is now blocked"))),
      20_000,
    );
    // A few more slots: nothing changes, nothing is sent again.
    await sleep(2_500);

    for (const chatId of chats) {
      const alerts = alertsTo(chatId);
      // One alert per change (each change's headline names its status and since): no repeats.
      expect(new Set(alerts).size, `alerts to ${chatId}: ${alerts.join(" | ")}`).toBe(alerts.length);
      expect(alerts.filter((line) => line.includes("is now blocked"))).toHaveLength(1);
    }
    const timeline = await store.getTimeline(BBC_CN);
    expect(timeline.map((e) => e.to)).toEqual(["outage", "blocked"]);

    const logs = replicas.map(linesOf);
    const elected = logs.flatMap((lines) => lines.filter((l) => l.msg === "cycle elected"));
    const slots = elected.map((l) => String(l.slot));
    expect(slots.length).toBeGreaterThanOrEqual(5);
    expect(new Set(slots).size, `slots run twice: ${slots.join(", ")}`).toBe(slots.length);
    // An elected slot starts a cycle, or is skipped when that replica's previous cycle is still running.
    const count = (msg: string) => logs.flatMap((lines) => lines.filter((l) => l.msg === msg)).length;
    expect(count("cycle started") + count("cycle overlap, skipped")).toBe(elected.length);
    // One dispatcher sent every alert: the lease was taken once and never changed hands.
    const leases = logs.map((lines) => lines.filter((l) => l.msg.startsWith("alert lease taken")).length);
    expect(leases.reduce((a, b) => a + b, 0)).toBe(1);
    console.log(
      `three replicas: ${slots.length} slots, each run once (per replica ${logs
        .map((lines) => lines.filter((l) => l.msg === "cycle elected").length)
        .join(
          "/",
        )}); ${CHATS} subscribers, ${timeline.length} changes, alerts sent ${api.calls.filter((c) => c.method === "sendMessage" && String(c.payload.text).includes(" is now ")).length}`,
    );

    const stops = await Promise.all(replicas.map((r) => r.terminate()));
    for (const stop of stops) expect(stop.code).toBe(0);
    const all = replicas.map((r) => r.logs()).join("\n");
    expect(all).not.toContain(TOKEN.split(":")[1]);
    expect(all).not.toContain(WEBHOOK_SECRET);
  });
});

import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJudge } from "../../analysis/judge.js";
import { refusalOfAddress } from "../../core/ssrf.js";
import { endpointInput } from "../../kb/endpoint.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { pageHtml } from "../../lab/servers/http.js";
import type { Store } from "../../model/store.js";
import { webOf } from "../../pipeline/check-now.js";
import { runProbeCycle } from "../../pipeline/measure.js";
import { measureEndpoint, measurerOn } from "../../probes/endpoint.js";
import { guardNetwork } from "../../probes/guarded-network.js";
import { realNetwork } from "../../probes/network.js";
import { takeFromWindow } from "../../store/claims.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { labOnDemand, type OnDemandLab, PUBLIC_STAND_IN, startOnDemandLab } from "./check-now-lab.js";

let lab: OnDemandLab;
let kb: KnowledgeBase;
let dir: string;
const stores: Store[] = [];

beforeAll(async () => {
  lab = await startOnDemandLab();
  kb = realKb();
  dir = mkdtempSync(join(tmpdir(), "isblocked-on-demand-"));
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteStore(name: string): Promise<Store> {
  const store = await openStore(`sqlite://${join(dir, name)}`);
  stores.push(store);
  return store;
}

const checks = (store: Store, overrides: Parameters<typeof labOnDemand>[3] = {}) =>
  labOnDemand(lab, kb, store, overrides);

describe("on-demand checks of any domain", () => {
  it("judges a domain the censor NXDOMAINs in CN while the control resolves it: blocked by DNS", async () => {
    const outcome = await checks(await sqliteStore("blocked.sqlite")).check({
      domain: "https://EXAMPLE.org/",
      country: "cn",
      person: "alice",
    });
    expect(outcome).toMatchObject({
      kind: "checked",
      result: { domain: "example.org", country: "CN", status: "blocked", mechanism: "dns", refused: false },
    });
  });

  it("judges a domain both vantages reach over http and https: accessible", async () => {
    const outcome = await checks(await sqliteStore("open.sqlite")).check({
      domain: "open.example",
      country: "CN",
      person: "alice",
    });
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "accessible", refused: false } });
    expect(outcome.kind === "checked" && outcome.result.vantages).toEqual(["cn-beijing"]);
  });

  it.each(["private.example", "metadata.example", "tenten.example"])(
    "refuses %s, whose DNS answer is a refused address, at connect time: 0 connections",
    async (domain) => {
      const before = lab.privateAccepted();
      const outcome = await checks(await sqliteStore(`${domain}.sqlite`)).check({
        domain,
        country: "CN",
        person: "alice",
      });
      expect(outcome).toMatchObject({ kind: "checked", result: { refused: true, status: "unknown" } });
      expect(lab.privateAccepted()).toBe(before);
    },
  );

  it("refuses a name whose answer changes between lookups (public first, then 127.0.0.1)", async () => {
    lab.resetRebind();
    const before = lab.privateAccepted();
    const refused: string[] = [];
    const outcome = await checks(await sqliteStore("rebind.sqlite"), {
      onRefusal: (r) => refused.push(r.destination.ip),
    }).check({ domain: "rebind.example", country: "CN", person: "alice" });
    expect(outcome).toMatchObject({ kind: "checked", result: { refused: true } });
    // The first lookup's public answer was connected to; every later, private answer was refused.
    expect(lab.served.get("rebind.example")).toBe(1);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(["127.0.0.1"]));
    expect(lab.privateAccepted()).toBe(before);
  });

  it.each(["127.1", "[::ffff:7f00:1]", "http://example.org@127.0.0.1/", "localhost", "0x7f.1"])(
    "refuses the target %s before any lookup",
    async (domain) => {
      const outcome = await checks(await sqliteStore("literal.sqlite")).check({
        domain,
        country: "CN",
        person: `literal-${domain}`,
      });
      expect(outcome.kind).toBe("refused");
    },
  );
});

describe("redirects through the guarded network", () => {
  const vantage = () => lab.plan.vantages[1] as (typeof lab.plan.vantages)[number];

  it.each(["v6loop.example", "mapped.example"])(
    "refuses %s, whose AAAA answer is ::1 in some spelling, at connect time: 0 connections",
    async (host) => {
      const before = lab.privateAccepted();
      // No source address: a vantage bound to an IPv4 source would not try IPv6 at all.
      const { localAddress: _ipv4Source, ...dualStack } = vantage();
      const measurement = await measureEndpoint(
        { host, port: lab.webPorts.http, protocol: "http", path: "/" },
        dualStack,
        { network: guardNetwork(realNetwork, { policy: lab.policy }), timeouts: lab.plan.timeouts },
      );
      expect(measurement.test_keys.tcp_connect.map((c) => c.status.failure)).toEqual(["ssrf_refused"]);
      expect(lab.privateAccepted()).toBe(before);
    },
  );

  it("refuses a redirect to a private address at that hop, with 0 connections", async () => {
    const before = lab.privateAccepted();
    const measurement = await measureEndpoint(
      { host: "redirect.example", port: lab.webPorts.http, protocol: "http", path: "/" },
      vantage(),
      { network: guardNetwork(realNetwork, { policy: lab.policy }), timeouts: lab.plan.timeouts },
    );
    const keys = measurement.test_keys;
    expect(keys.requests[0]?.response?.code).toBe(302);
    expect(keys.tcp_connect.map((c) => [c.ip, c.status.failure])).toEqual([
      [PUBLIC_STAND_IN, null],
      ["127.0.0.1", "ssrf_refused"],
    ]);
    expect(lab.privateAccepted()).toBe(before);
  });

  it("refuses a redirect to a port other than the allowed ones", async () => {
    const measurement = await measureEndpoint(
      { host: "portredirect.example", port: lab.webPorts.http, protocol: "http", path: "/" },
      vantage(),
      { network: guardNetwork(realNetwork, { policy: lab.policy }), timeouts: lab.plan.timeouts },
    );
    expect(measurement.test_keys.tcp_connect.map((c) => [c.port, c.status.failure])).toEqual([
      [lab.webPorts.http, null],
      [8080, "ssrf_refused"],
    ]);
    expect(endpointInput({ host: "x.example", port: 80, protocol: "http" })).toBe("http://x.example/");
  });
});

describe("an IPv6 literal", () => {
  it("is probed at its address and judged: its URL is written with brackets", async () => {
    // A web server on ::1 stands for a public IPv6 host; a test policy lets the guard reach it alone.
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(pageHtml("v6 home", "hello"));
    });
    server.listen(0, "::1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    try {
      const ports = { http: port, https: port };
      expect(endpointInput({ ip: "::1", port, protocol: "http", path: "/" })).toBe(`http://[::1]:${port}/`);
      expect(endpointInput({ ip: "2001:db8::1", port: 443, protocol: "tls" })).toBe(
        "tls://[2001:db8::1]:443",
      );
      const policy = {
        refusal: (a: string) => (a === "::1" ? null : refusalOfAddress(a)),
        ports: new Set([port]),
      };
      // Dual-stack vantages: one bound to an IPv4 source has no path to an IPv6 address.
      const vantages = lab.plan.vantages.map(({ localAddress: _ipv4Source, ...v }) => v);
      const cycle = await runProbeCycle({
        kb,
        plan: { ...lab.plan, vantages },
        judge: createJudge(kb),
        measure: measurerOn(guardNetwork(realNetwork, { policy })),
        adHocServices: [webOf({ kind: "ip", address: "::1" }, ports)],
        country: "CN",
        concurrency: 2,
      });
      const http = cycle.measured.filter((m) => m.input === `http://[::1]:${port}/`);
      expect(http.map((m) => m.test_keys.requests[0]?.response?.code)).toEqual([200, 200]);
      // Reached from the probe and the control alike: a verdict, where the unbracketed URL gave unknown.
      expect(cycle.results[0]?.status).not.toBe("unknown");
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe("one probe per target per window, shared by two store clients", () => {
  it("a second asker on another KvStore of the same SQLite file waits, then gets the same result", async () => {
    const first = checks(await sqliteStore("shared.sqlite"));
    const second = checks(await sqliteStore("shared.sqlite"));
    const running = first.check({ domain: "slow.example", country: "CN", person: "alice" });
    await expect.poll(() => lab.served.get("slow.example") ?? 0).toBeGreaterThan(0);

    const meanwhile = await second.check({ domain: "slow.example", country: "CN", person: "bob" });
    expect(meanwhile.kind).toBe("pending");
    expect(meanwhile.kind === "pending" && meanwhile.retryInSeconds).toBeGreaterThan(0);
    expect(meanwhile.kind === "pending" && meanwhile.retryInSeconds).toBeLessThanOrEqual(60);

    lab.releaseSlow();
    const done = await running;
    expect(done.kind).toBe("checked");
    const servedAfterFirst = lab.served.get("slow.example");

    const later = await second.check({ domain: "slow.example", country: "CN", person: "bob" });
    expect(later).toEqual({ kind: "recent", result: done.kind === "checked" ? done.result : null });
    // The second asker caused no probe of its own.
    expect(lab.served.get("slow.example")).toBe(servedAfterFirst);
  });

  it("probes again once the window has passed", async () => {
    const store = await sqliteStore("window.sqlite");
    const short = checks(store, { targetWindowMs: 200 });
    expect((await short.check({ domain: "open.example", country: "CN", person: "a" })).kind).toBe("checked");
    // Only waiting longer than the window: a claim never expires early, so this cannot flake.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await short.check({ domain: "open.example", country: "CN", person: "c" })).kind).toBe("checked");
  });
});

describe("at most 5 checks per person per minute", () => {
  it("refuses the sixth within a minute, says when to retry, and allows again after it", async () => {
    let clock = Date.UTC(2026, 0, 1);
    const limited = checks(await sqliteStore("person.sqlite"), { now: () => clock });
    // A country without a vantage answers at once, and still costs a check.
    const ask = (person: string) => limited.check({ domain: "open.example", country: "FR", person });
    for (let i = 0; i < 5; i++) {
      expect((await ask("mallory")).kind).toBe("noVantage");
      clock += 1000;
    }
    expect(await ask("mallory")).toEqual({ kind: "limited", retryInSeconds: 55 });
    expect((await ask("alice")).kind).toBe("noVantage");
    clock += 30_000;
    expect(await ask("mallory")).toEqual({ kind: "limited", retryInSeconds: 25 });
    clock += 25_000;
    expect((await ask("mallory")).kind).toBe("noVantage");
  });

  it("slides: a check frees up a minute after it was taken", () => {
    const limit = { uses: 2, windowMs: 60_000 };
    let times: number[] = [];
    const take = (nowMs: number) => {
      const taken = takeFromWindow(times, limit, nowMs);
      times = taken.times;
      return taken.outcome;
    };
    expect(take(0)).toEqual({ ok: true });
    expect(take(10_000)).toEqual({ ok: true });
    expect(take(59_999)).toEqual({ ok: false, retryInMs: 1 });
    expect(take(60_000)).toEqual({ ok: true });
    expect(take(60_001)).toEqual({ ok: false, retryInMs: 9_999 });
  });

  it("is shared by two store clients: a person whose updates reach two replicas still gets five", async () => {
    const path = "shared-person.sqlite";
    const [one, two] = [checks(await sqliteStore(path)), checks(await sqliteStore(path))];
    const ask = (n: number) =>
      (n % 2 ? one : two).check({ domain: "open.example", country: "FR", person: "mallory" });
    const kinds = [];
    for (let n = 0; n < 6; n++) kinds.push((await ask(n)).kind);
    expect(kinds).toEqual(["noVantage", "noVantage", "noVantage", "noVantage", "noVantage", "limited"]);
  });
});

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointInput, parseEndpointInput } from "../../kb/endpoint.js";
import type { Endpoint } from "../../kb/schema.js";
import { FAILURES, type Measurement, type StageTimeouts, type Vantage } from "../../model/measurement.js";
import { measureEndpoint } from "../../probes/endpoint.js";
import { realNetwork } from "../../probes/network.js";
import { ADDRESSES, type LabWorld, startLabWorld } from "./lab-world.js";

// Whole endpoints measured from the censored probe vantage and from the control, as named scenarios:
// what each stage recorded, summarised so that a scenario reads like the story it tells.

const TIMEOUTS: StageTimeouts = { dns: 1000, tcp: 1000, tls: 1000, httpHeaders: 1000, httpBody: 1500 };
let world: LabWorld;

beforeAll(async () => {
  world = await startLabWorld();
});
afterAll(async () => {
  await world.close();
});

const measure = (
  endpoint: Endpoint,
  vantage: Vantage,
  extra: Partial<Parameters<typeof measureEndpoint>[2]> = {},
) =>
  measureEndpoint(endpoint, vantage, {
    network: realNetwork,
    timeouts: TIMEOUTS,
    ca: [world.ca.certPem],
    ...extra,
  });

/** Each stage as a list: answered IPv4 or the DNS failure, then "ok" or the failure, HTTP codes. */
function summarize(m: Measurement) {
  const k = m.test_keys;
  return {
    dns: k.queries
      .filter((q) => q.query_type === "A")
      .map((q) => q.failure ?? (q.answers ?? []).map((a) => a.ipv4).join(",")),
    tcp: k.tcp_connect.map((c) => c.status.failure ?? "ok"),
    tls: k.tls_handshakes.map((h) => h.failure ?? "ok"),
    http: k.requests.map((r) => r.failure ?? r.response?.code),
  };
}

interface Scenario {
  name: string;
  endpoint: (port: number) => Endpoint;
  expected: { probe: ReturnType<typeof summarize>; control: ReturnType<typeof summarize> };
}

const ok = (address: string, http: (string | number | undefined)[] = [200]) => ({
  dns: [address],
  tcp: ["ok"],
  tls: ["ok"],
  http,
});

const SCENARIOS: Scenario[] = [
  {
    name: "an HTTPS page that works everywhere",
    endpoint: (port) => ({ host: "www.lab.test", port, protocol: "https", path: "/" }),
    expected: { probe: ok(ADDRESSES.www), control: ok(ADDRESSES.www) },
  },
  {
    name: "TLS reset on the SNI for the probe vantage",
    endpoint: (port) => ({ host: "sni.lab.test", port, protocol: "tls" }),
    expected: {
      probe: { dns: [ADDRESSES.sni], tcp: ["ok"], tls: ["connection_reset"], http: [] },
      control: ok(ADDRESSES.sni, []),
    },
  },
  {
    name: "TCP reset right after the handshake for the probe vantage",
    endpoint: (port) => ({ host: "chat.lab.test", port, protocol: "tcp" }),
    expected: {
      probe: { dns: [ADDRESSES.chat], tcp: ["connection_reset"], tls: [], http: [] },
      control: { dns: [ADDRESSES.chat], tcp: ["ok"], tls: [], http: [] },
    },
  },
  {
    name: "a blockpage for the probe vantage over plain HTTP",
    endpoint: (port) => ({ host: "news.lab.test", port, protocol: "http", path: "/" }),
    expected: {
      probe: { dns: [ADDRESSES.news], tcp: ["ok"], tls: [], http: [403] },
      control: { dns: [ADDRESSES.news], tcp: ["ok"], tls: [], http: [200] },
    },
  },
  {
    name: "DNS forged to the censor's box, whose certificate names another host",
    endpoint: (port) => ({ host: "forged.lab.test", port, protocol: "https", path: "/" }),
    expected: {
      probe: { dns: [ADDRESSES.censorBox], tcp: ["ok"], tls: ["ssl_invalid_hostname"], http: [] },
      control: ok(ADDRESSES.forgedTruth),
    },
  },
  {
    name: "NXDOMAIN for the probe vantage: no connect, no handshake, no request",
    endpoint: (port) => ({ host: "dnsblocked.lab.test", port, protocol: "https", path: "/" }),
    expected: {
      probe: { dns: ["dns_nxdomain_error"], tcp: [], tls: [], http: [] },
      control: ok(ADDRESSES.dnsBlocked),
    },
  },
  {
    name: "two answered addresses, one dead: every address connected, HTTP over the live one",
    endpoint: (port) => ({ host: "multi.lab.test", port, protocol: "https", path: "/" }),
    expected: {
      probe: {
        dns: [`${ADDRESSES.dead},${ADDRESSES.www}`],
        tcp: ["connection_refused", "ok"],
        tls: ["ok"],
        http: [200],
      },
      control: {
        dns: [`${ADDRESSES.dead},${ADDRESSES.www}`],
        tcp: ["connection_refused", "ok"],
        tls: ["ok"],
        http: [200],
      },
    },
  },
  {
    name: "a redirect to another host and scheme: the hop resolved, connected and handshaken anew",
    endpoint: (port) => ({ host: "r.lab.test", port, protocol: "http", path: "/start" }),
    expected: {
      probe: { dns: [ADDRESSES.redirect, ADDRESSES.www], tcp: ["ok", "ok"], tls: ["ok"], http: [200, 302] },
      control: { dns: [ADDRESSES.redirect, ADDRESSES.www], tcp: ["ok", "ok"], tls: ["ok"], http: [200, 302] },
    },
  },
  {
    name: "a server that stalls the handshake for everyone (down, not blocked)",
    endpoint: (port) => ({ host: "slow.lab.test", port, protocol: "tls" }),
    expected: {
      probe: { dns: [ADDRESSES.slow], tcp: ["ok"], tls: ["generic_timeout_error"], http: [] },
      control: { dns: [ADDRESSES.slow], tcp: ["ok"], tls: ["generic_timeout_error"], http: [] },
    },
  },
  {
    name: "an IP endpoint: no DNS at all",
    endpoint: (port) => ({ ip: ADDRESSES.chat, port, protocol: "tcp" }),
    expected: {
      probe: { dns: [], tcp: ["connection_reset"], tls: [], http: [] },
      control: { dns: [], tcp: ["ok"], tls: [], http: [] },
    },
  },
];

describe.each(SCENARIOS)("endpoint scenario: $name", (scenario) => {
  it("from the probe vantage", async () => {
    expect(summarize(await measure(scenario.endpoint(world.port), world.probe))).toEqual(
      scenario.expected.probe,
    );
  });
  it("from the control", async () => {
    expect(summarize(await measure(scenario.endpoint(world.port), world.control))).toEqual(
      scenario.expected.control,
    );
  });
});

describe("measureEndpoint", () => {
  it("fills OONI's top-level keys and ours", async () => {
    const m = await measure(
      { host: "www.lab.test", port: world.port, protocol: "https", path: "/" },
      world.probe,
      {
        now: () => new Date("2017-09-25T08:30:00.123Z"),
        service: "lab",
        feature: "web",
      },
    );
    expect(m).toMatchObject({
      test_name: "isblocked_endpoint",
      data_format_version: "0.2.0",
      measurement_start_time: "2017-09-25 08:30:00",
      probe_cc: "CN",
      probe_region: "beijing",
      vantage: "lab-probe",
      vantage_role: "probe",
      input: `https://www.lab.test:${world.port}/`,
      service: "lab",
      feature: "web",
    });
    expect(m.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.test_runtime).toBeGreaterThan(0);
    const tx = m.test_keys.requests[0];
    expect(tx?.response?.title).toBe("Lab home");
    expect(m.test_keys.tls_handshakes[0]?.address).toBe(`${ADDRESSES.www}:${world.port}`);
  });

  it("records only failures of the closed set", async () => {
    const all = await Promise.all(
      SCENARIOS.flatMap((s) => [
        measure(s.endpoint(world.port), world.probe),
        measure(s.endpoint(world.port), world.control),
      ]),
    );
    const failures = all.flatMap((m) => [
      ...m.test_keys.queries.map((q) => q.failure),
      ...m.test_keys.tcp_connect.map((c) => c.status.failure),
      ...m.test_keys.tls_handshakes.map((h) => h.failure),
      ...m.test_keys.requests.map((r) => r.failure),
    ]);
    for (const failure of failures)
      if (failure !== null) expect(FAILURES as readonly string[]).toContain(failure);
  });

  it("does not connect to IPv6 answers from a vantage bound to an IPv4 source", async () => {
    const m = await measure({ host: "dual.lab.test", port: world.port, protocol: "tcp" }, world.probe);
    expect(m.test_keys.queries.find((q) => q.query_type === "AAAA")?.answers?.[0]?.ipv6).toBe("::1");
    expect(m.test_keys.tcp_connect.map((c) => c.ip)).toEqual([ADDRESSES.www]);
  });

  it("connects to IPv6 answers from an unbound vantage, and writes IPv6 addresses in brackets", async () => {
    const unbound: Vantage = {
      id: "lab-unbound",
      country: "DE",
      role: "control",
      resolver: world.dns.address,
    };
    const m = await measure({ host: "dual.lab.test", port: world.port, protocol: "tls" }, unbound);
    expect(m.test_keys.tcp_connect.map((c) => c.ip)).toEqual([ADDRESSES.www, "::1"]);
    // Nothing listens on [::1] at the lab port: refused there, handshake only on the IPv4 address.
    expect(m.test_keys.tcp_connect[1]?.status.failure).toBe("connection_refused");
    expect(m.test_keys.tls_handshakes.map((h) => h.address)).toEqual([`${ADDRESSES.www}:${world.port}`]);
  });

  it("resolves over DoH when asked (control lookups), recording engine doh, the forgery out of reach", async () => {
    const m = await measure(
      { host: "forged.lab.test", port: world.port, protocol: "https", path: "/" },
      world.probe,
      {
        doh: { baseUrl: world.doh.baseUrl, format: "wire" },
      },
    );
    expect(m.test_keys.queries.map((q) => [q.engine, q.resolver_address])).toEqual([
      ["doh", world.doh.baseUrl],
      ["doh", world.doh.baseUrl],
    ]);
    expect(summarize(m)).toEqual(ok(ADDRESSES.forgedTruth));
  });

  it("ends every open stage with `interrupted` on the hard abort, at once", async () => {
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 150);
    const m = await measure({ host: "slow.lab.test", port: world.port, protocol: "tls" }, world.control, {
      signal: caller.signal,
      timeouts: { ...TIMEOUTS, tls: 10_000 },
    });
    expect(m.test_keys.tls_handshakes[0]?.failure).toBe("interrupted");
    expect(m.test_runtime).toBeLessThan(1);
  });

  it("ends a timed-out stage within 1.1 × its own timeout", async () => {
    const m = await measure({ host: "slow.lab.test", port: world.port, protocol: "tls" }, world.control);
    const handshake = m.test_keys.tls_handshakes[0];
    expect(handshake?.failure).toBe("generic_timeout_error");
    const seconds = (handshake?.t ?? 0) - (handshake?.t0 ?? 0);
    expect(seconds).toBeGreaterThanOrEqual((TIMEOUTS.tls / 1000) * 0.95);
    expect(seconds).toBeLessThanOrEqual((TIMEOUTS.tls / 1000) * 1.1);
  });
});

describe("endpoint inputs", () => {
  it.each([
    [{ host: "e1.whatsapp.net", port: 5222, protocol: "tcp" }, "tcp://e1.whatsapp.net:5222"],
    [{ host: "mmg.whatsapp.net", port: 443, protocol: "tls" }, "tls://mmg.whatsapp.net:443"],
    [{ host: "web.whatsapp.com", port: 443, protocol: "https" }, "https://web.whatsapp.com/"],
    [
      { host: "web.whatsapp.com", port: 443, protocol: "https", path: "/x?y=1" },
      "https://web.whatsapp.com/x?y=1",
    ],
    [{ host: "example.org", port: 8080, protocol: "http", path: "/" }, "http://example.org:8080/"],
    [{ ip: "149.154.167.51", port: 443, protocol: "tcp" }, "tcp://149.154.167.51:443"],
  ] as [Endpoint, string][])("%o ⇄ %s", (endpoint, input) => {
    expect(endpointInput(endpoint)).toBe(input);
    expect(endpointInput(parseEndpointInput(input))).toBe(input);
  });

  it("rejects what is not an endpoint", () => {
    expect(() => parseEndpointInput("ftp://x.test/")).toThrow(/unknown endpoint protocol/);
    expect(() => parseEndpointInput("tcp://x.test")).toThrow(/needs a port/);
    expect(() => parseEndpointInput("not a url")).toThrow(/not an endpoint URL/);
  });
});

describe("the CLI's path: the lab CA trusted through NODE_EXTRA_CA_CERTS", () => {
  const compiled = fileURLToPath(new URL("../../dist/probes/endpoint.js", import.meta.url));
  it.skipIf(!existsSync(compiled))(
    "verifies a lab certificate with no `ca` option in a child process",
    async () => {
      const script = `
      const { measureEndpoint } = await import(${JSON.stringify(compiled)});
      const { realNetwork } = await import(${JSON.stringify(compiled.replace(/endpoint\.js$/, "network.js"))});
      const m = await measureEndpoint(${JSON.stringify({ host: "www.lab.test", port: world.port, protocol: "https", path: "/" })},
        ${JSON.stringify(world.control)}, { network: realNetwork, timeouts: ${JSON.stringify(TIMEOUTS)} });
      console.log(JSON.stringify(m.test_keys));`;
      const run = promisify(execFile);
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: world.ca.certPath },
      });
      const keys = JSON.parse(stdout) as Measurement["test_keys"];
      expect(keys.tls_handshakes[0]?.failure).toBeNull();
      expect(keys.requests[0]?.response?.code).toBe(200);
    },
  );
});

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabDnsServer, startDnsServer } from "../../lab/servers/dns.js";
import {
  BLOCKPAGE_TITLE,
  type HttpRoute,
  type LabHttpServer,
  pageHtml,
  redirectChain,
  startHttpServer,
} from "../../lab/servers/http.js";
import { DEFAULT_TIMEOUTS, type TestKeys } from "../../model/measurement.js";
import { measureHttpRoundTrip, measureRedirectChain, redirectTarget } from "../../probes/http.js";
import type { ProbeContext } from "../../probes/stage.js";
import { measureTarget } from "../../probes/target.js";
import { CONTROL_SOURCE, labContext, labVantage, PROBE_SOURCE } from "./support.js";

// HTTP over connections the TCP measurer opened: pages, a blockpage served to the probe vantage only,
// redirect chains whose every hop is a new, measured target, too many redirects, broken Locations, a
// capped body, and a 1-byte-per-second trickle that must end on the body timeout.

const HOST = "127.0.1.30";
const OTHER = "127.0.1.31";
const HEADERS_MS = 1000;
const BODY_MS = 1500;
const BIG = "x".repeat(2 * 1024 * 1024);

let dns: LabDnsServer;
let main: LabHttpServer;
let other: LabHttpServer;

const routes = (
  otherPort: number,
): ((r: { path: string; remoteAddress: string }) => HttpRoute | undefined) => {
  const table: Record<string, HttpRoute> = {
    "/": { kind: "page", title: "Lab home", headers: { "X-Lab-Server": "main" } },
    ...redirectChain(3, "/final"),
    ...redirectChain(11, "/final", "/long/"),
    "/final": { kind: "page", title: "The end" },
    "/cross": { kind: "redirect", location: `http://other.lab.test:${otherPort}/landing` },
    "/to-nowhere": { kind: "redirect", location: `http://nowhere.lab.test:${otherPort}/` },
    "/broken": { kind: "redirect", location: "http://[broken" },
    "/mailto": { kind: "redirect", location: "mailto:someone@lab.test" },
    "/trickle": { kind: "trickle", body: pageHtml("Slow", "a".repeat(100)) },
    "/silent": { kind: "silent" },
    "/big": { kind: "page", body: BIG },
  };
  return ({ path, remoteAddress }) =>
    path === "/news"
      ? remoteAddress === PROBE_SOURCE
        ? { kind: "blockpage" }
        : { kind: "page", title: "News" }
      : table[path];
};

beforeAll(async () => {
  other = await startHttpServer({ host: OTHER, routes: { "/landing": { kind: "page", title: "Landing" } } });
  main = await startHttpServer({ host: HOST, routes: routes(other.port) });
  dns = await startDnsServer({
    answer: {
      "main.lab.test": { a: [HOST] },
      "other.lab.test": { a: [OTHER] },
      "nowhere.lab.test": "nxdomain",
    },
  });
});
afterAll(async () => {
  await main.close();
  await other.close();
  await dns.close();
});

const emptyKeys = (): TestKeys => ({ queries: [], tcp_connect: [], tls_handshakes: [], requests: [] });

/** Measures `path` on the main server from a vantage, the way measureEndpoint does, keeping every record. */
async function chain(
  path: string,
  source = CONTROL_SOURCE,
  options: { maxRedirects?: number; cap?: number } = {},
) {
  const context: ProbeContext = labContext();
  const keys = emptyKeys();
  const vantage = labVantage(source === PROBE_SOURCE ? "probe" : "control", dns.address);
  const timeouts = { ...DEFAULT_TIMEOUTS, dns: 800, tcp: 800, tls: 800 };
  const targetOptions = { vantage, timeouts, addressesPerFamily: 4, keepConnection: true };
  const connection = await measureTarget(
    context,
    { host: "main.lab.test", port: main.port, tls: false },
    targetOptions,
    keys,
  );
  if (connection === null) throw new Error("lab connect failed");
  const requests = await measureRedirectChain(context, {
    url: new URL(`http://main.lab.test:${main.port}${path}`),
    connection,
    headersMs: HEADERS_MS,
    bodyMs: BODY_MS,
    ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
    ...(options.cap !== undefined ? { bodyCapBytes: options.cap } : {}),
    dial: (url) =>
      measureTarget(
        context,
        { host: url.hostname, port: Number(url.port) || 80, tls: false },
        targetOptions,
        keys,
      ),
  });
  return { ...keys, requests };
}

describe("HTTP GET", () => {
  it("records status, headers (uncommon ones kept), title, body length and hash", async () => {
    const { requests } = await chain("/");
    expect(requests).toHaveLength(1);
    const [tx] = requests;
    expect(tx?.failure).toBeNull();
    expect(tx?.request).toMatchObject({ method: "GET", url: `http://main.lab.test:${main.port}/` });
    expect(tx?.request.headers.Host).toBe(`main.lab.test:${main.port}`);
    const body = pageHtml("Lab home", "hello");
    expect(tx?.response).toMatchObject({
      code: 200,
      title: "Lab home",
      body,
      body_is_truncated: false,
      body_length: Buffer.byteLength(body),
      body_sha256: createHash("sha256").update(body).digest("hex"),
    });
    expect(tx?.response?.headers["X-Lab-Server"]).toBe("main");
  });

  it("sees the blockpage a censor serves the probe vantage, and the page the control gets", async () => {
    const probe = await chain("/news", PROBE_SOURCE);
    const control = await chain("/news", CONTROL_SOURCE);
    expect(probe.requests[0]?.response).toMatchObject({ code: 403, title: BLOCKPAGE_TITLE });
    expect(probe.requests[0]?.failure).toBeNull();
    expect(control.requests[0]?.response).toMatchObject({ code: 200, title: "News" });
  });

  it("caps the body and says it was truncated", async () => {
    const { requests } = await chain("/big", CONTROL_SOURCE, { cap: 64 * 1024 });
    expect(requests[0]?.response).toMatchObject({
      code: 200,
      body_is_truncated: true,
      body_length: 64 * 1024,
    });
    expect(requests[0]?.failure).toBeNull();
  });

  it("times out on the body of a 1-byte-per-second trickle, within the body timeout", async () => {
    const { requests } = await chain("/trickle");
    const tx = requests[0];
    expect(tx?.failure).toBe("generic_timeout_error");
    expect(tx?.response?.code).toBe(200);
    expect(tx?.response?.body_length).toBeLessThanOrEqual(3);
    const seconds = (tx?.t ?? 0) - (tx?.t0 ?? 0);
    expect(seconds).toBeGreaterThanOrEqual((BODY_MS / 1000) * 0.95);
    expect(seconds).toBeLessThanOrEqual((BODY_MS / 1000) * 1.1);
  });

  it("times out waiting for headers that never come, within the headers timeout", async () => {
    const { requests } = await chain("/silent");
    expect(requests[0]?.failure).toBe("generic_timeout_error");
    expect(requests[0]?.response).toBeNull();
    const seconds = (requests[0]?.t ?? 0) - (requests[0]?.t0 ?? 0);
    expect(seconds).toBeGreaterThanOrEqual((HEADERS_MS / 1000) * 0.95);
    expect(seconds).toBeLessThanOrEqual((HEADERS_MS / 1000) * 1.1);
  });

  it("ends with `interrupted` when the caller aborts mid-body", async () => {
    const caller = new AbortController();
    const context: ProbeContext = labContext(caller.signal);
    const keys = emptyKeys();
    const connection = await measureTarget(
      context,
      { host: HOST, port: main.port, tls: false },
      {
        vantage: labVantage("control", dns.address),
        timeouts: DEFAULT_TIMEOUTS,
        addressesPerFamily: 1,
        keepConnection: true,
      },
      keys,
    );
    if (connection === null) throw new Error("lab connect failed");
    setTimeout(() => caller.abort(), 300);
    const { transaction } = await measureHttpRoundTrip(context, {
      connection,
      url: new URL(`http://${HOST}:${main.port}/trickle`),
      headersMs: 5000,
      bodyMs: 5000,
    });
    expect(transaction.failure).toBe("interrupted");
    expect(transaction.t - transaction.t0).toBeLessThan(1);
  });
});

describe("HTTP redirects", () => {
  it("follows a chain, every hop a new target whose connect is recorded, newest first", async () => {
    const { requests, tcp_connect, queries } = await chain("/hop/3");
    expect(requests.map((r) => new URL(r.request.url).pathname)).toEqual([
      "/final",
      "/hop/1",
      "/hop/2",
      "/hop/3",
    ]);
    expect(requests.map((r) => r.response?.code)).toEqual([200, 302, 302, 302]);
    expect(requests[0]?.response?.title).toBe("The end");
    expect(tcp_connect).toHaveLength(4);
    expect(queries.filter((q) => q.query_type === "A")).toHaveLength(4);
  });

  it("resolves and connects a hop on another host", async () => {
    const { requests, tcp_connect, queries } = await chain("/cross");
    expect(requests.map((r) => r.response?.code)).toEqual([200, 302]);
    expect(requests[0]?.response?.title).toBe("Landing");
    expect(queries.map((q) => q.hostname)).toContain("other.lab.test");
    expect(tcp_connect.map((c) => c.ip)).toEqual([HOST, OTHER]);
  });

  it("ends the chain without a transaction when a hop's DNS fails; the failure is in its query", async () => {
    const { requests, tcp_connect, queries } = await chain("/to-nowhere");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.failure).toBeNull();
    expect(queries.find((q) => q.hostname === "nowhere.lab.test")?.failure).toBe("dns_nxdomain_error");
    expect(tcp_connect).toHaveLength(1);
  });

  it("stops after 10 redirects with http_too_many_redirects", async () => {
    const { requests } = await chain("/long/11");
    expect(requests).toHaveLength(11);
    expect(requests[0]?.failure).toBe("http_too_many_redirects");
    expect(requests[0]?.response?.code).toBe(302);
    expect(requests.slice(1).every((r) => r.failure === null)).toBe(true);
  });

  it("follows exactly 10 redirects", async () => {
    const { requests } = await chain("/long/10");
    expect(requests).toHaveLength(11);
    expect(requests[0]?.failure).toBeNull();
    expect(requests[0]?.response?.title).toBe("The end");
  });

  it.each(["/broken", "/mailto"])("calls the Location of %s http_invalid_redirect_location", async (path) => {
    const { requests } = await chain(path);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ failure: "http_invalid_redirect_location", response: { code: 302 } });
  });

  it("resolves relative Locations against the current URL", () => {
    const base = new URL("https://a.lab.test/x/y");
    expect(redirectTarget("/z", base)?.toString()).toBe("https://a.lab.test/z");
    expect(redirectTarget("http://b.lab.test:81/", base)?.toString()).toBe("http://b.lab.test:81/");
    expect(redirectTarget("", base)).toBeNull();
    expect(redirectTarget("ftp://c.lab.test/", base)).toBeNull();
  });
});

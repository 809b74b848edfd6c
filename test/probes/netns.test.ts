import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BLACKHOLE_IP, netnsAvailable, runNodeInNetns, UNROUTED_IP } from "../../lab/netns.js";
import type { Measurement, TcpConnect } from "../../model/measurement.js";

// Real connect timeouts: the compiled measurers run in a child inside a network namespace of the test's
// own, where a TEST-NET range is routed to `lo` with no local address (a black hole) and nothing else
// is routed at all. The test global setup compiles dist/ first.

const dist = (file: string) => fileURLToPath(new URL(`../../dist/probes/${file}`, import.meta.url));
const compiled = existsSync(dist("endpoint.js"));
const TIMEOUT = 1000;

/** Runs `body` (which may `await` and must `return` a JSON-able value) in the namespace. */
async function inNetns<T>(body: string): Promise<T> {
  const source = `
    const { measureTcpConnect } = await import(${JSON.stringify(dist("tcp.js"))});
    const { measureEndpoint } = await import(${JSON.stringify(dist("endpoint.js"))});
    const { realNetwork } = await import(${JSON.stringify(dist("network.js"))});
    const { startClock } = await import(${JSON.stringify(dist("stage.js"))});
    const context = { network: realNetwork, clock: startClock() };
    const result = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(result));`;
  const child = await runNodeInNetns(source, { timeoutMs: 20_000 });
  if (child.code !== 0) throw new Error(`child failed (${child.code}): ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}

if (!compiled)
  console.warn("[lab] network namespace tests skipped: dist/ is not built (the test global setup builds it)");

describe.skipIf(!compiled || !netnsAvailable())("in a network namespace with a black hole", () => {
  it("times out connecting to a black-holed address, within 1.1 × the TCP timeout", async () => {
    const { record } = await inNetns<{ record: TcpConnect }>(
      `return measureTcpConnect(context, { ip: "${BLACKHOLE_IP}", port: 443, timeoutMs: ${TIMEOUT} });`,
    );
    expect(record.status).toEqual({ success: false, failure: "generic_timeout_error", blocked: null });
    const seconds = record.t - record.t0;
    expect(seconds).toBeGreaterThanOrEqual((TIMEOUT / 1000) * 0.95);
    expect(seconds).toBeLessThanOrEqual((TIMEOUT / 1000) * 1.1);
  });

  it("fails at once with network_unreachable where there is no route", async () => {
    const { record } = await inNetns<{ record: TcpConnect }>(
      `return measureTcpConnect(context, { ip: "${UNROUTED_IP}", port: 443, timeoutMs: ${TIMEOUT} });`,
    );
    expect(record.status.failure).toBe("network_unreachable");
    expect(record.t - record.t0).toBeLessThan(0.5);
  });

  it("measures a black-holed endpoint to a complete measurement with no TLS or HTTP", async () => {
    const m = await inNetns<Measurement>(`
      return measureEndpoint({ ip: "${BLACKHOLE_IP}", port: 443, protocol: "https", path: "/" },
        { id: "ns", country: "CN", role: "probe" },
        { network: realNetwork, timeouts: { dns: 500, tcp: ${TIMEOUT}, tls: 500, httpHeaders: 500, httpBody: 500 } });`);
    expect(m.input).toBe(`https://${BLACKHOLE_IP}/`);
    expect(m.test_keys.queries).toEqual([]);
    expect(m.test_keys.tcp_connect.map((c) => c.status.failure)).toEqual(["generic_timeout_error"]);
    expect(m.test_keys.tls_handshakes).toEqual([]);
    expect(m.test_keys.requests).toEqual([]);
    expect(m.test_runtime).toBeLessThanOrEqual((TIMEOUT / 1000) * 1.1);
  });
});

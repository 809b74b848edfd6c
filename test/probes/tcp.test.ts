import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabTcpServer, refusedPort, startTcpServer } from "../../lab/servers/tcp.js";
import { measureTcpConnect } from "../../probes/tcp.js";
import { CONTROL_SOURCE, labContext, PROBE_SOURCE } from "./support.js";

// TCP connects from each vantage's source address: a listener that resets the probe vantage right after
// the handshake and lets the control through, one that closes, and a refused port. Real timeouts need a
// black hole: see netns.test.ts.

const HOST = "127.0.1.10";
let censored: LabTcpServer;
let closing: LabTcpServer;

beforeAll(async () => {
  censored = await startTcpServer({
    host: HOST,
    behaviour: (remote) => (remote === PROBE_SOURCE ? "reset" : "accept"),
  });
  closing = await startTcpServer({ host: HOST, behaviour: "close" });
});
afterAll(async () => {
  await censored.close();
  await closing.close();
});

const connect = (port: number, localAddress: string, settleMs?: number) =>
  measureTcpConnect(labContext(), {
    ip: HOST,
    port,
    localAddress,
    timeoutMs: 800,
    ...(settleMs !== undefined ? { settleMs } : {}),
  });

describe("TCP connect", () => {
  it("succeeds from the control and hands back the open connection", async () => {
    const { record, connection } = await connect(censored.port, CONTROL_SOURCE, 150);
    expect(record).toMatchObject({ ip: HOST, port: censored.port, status: { success: true, failure: null } });
    expect(connection).not.toBeNull();
    connection?.destroy();
    expect(censored.accepted).toContain(CONTROL_SOURCE);
  });

  it("binds the vantage's source address", async () => {
    const { connection } = await connect(censored.port, CONTROL_SOURCE);
    expect(connection?.localAddress).toBe(CONTROL_SOURCE);
    connection?.destroy();
  });

  it("records a reset right after the handshake as connection_reset when watching the connection", async () => {
    const { record, connection } = await connect(censored.port, PROBE_SOURCE, 300);
    expect(record.status).toEqual({ success: false, failure: "connection_reset", blocked: null });
    expect(connection).toBeNull();
  });

  it("records a close right after the handshake as eof_error when watching the connection", async () => {
    const { record } = await connect(closing.port, CONTROL_SOURCE, 300);
    expect(record.status.failure).toBe("eof_error");
  });

  it("records a refused port as connection_refused", async () => {
    const port = await refusedPort(HOST);
    const { record, connection } = await connect(port, CONTROL_SOURCE);
    expect(record.status).toEqual({ success: false, failure: "connection_refused", blocked: null });
    expect(connection).toBeNull();
    expect(record.t - record.t0).toBeLessThan(0.5);
  });

  it("fails at once when the source address is not ours", async () => {
    const { record } = await measureTcpConnect(labContext(), {
      ip: HOST,
      port: censored.port,
      localAddress: "192.0.2.55",
      timeoutMs: 800,
    });
    expect(record.status.failure).toMatch(/^unknown_failure: .*EADDRNOTAVAIL/);
    expect(record.status.failure).not.toContain("192.0.2.55");
  });

  it("ends with `interrupted` when the caller aborts", async () => {
    const caller = new AbortController();
    caller.abort();
    const { record } = await measureTcpConnect(labContext(caller.signal), {
      ip: HOST,
      port: censored.port,
      timeoutMs: 800,
    });
    expect(record.status.failure).toBe("interrupted");
  });
});

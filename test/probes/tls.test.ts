import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabTcpServer, startTcpServer } from "../../lab/servers/tcp.js";
import {
  createTestCa,
  type LabTlsServer,
  readServerName,
  startTlsServer,
  type TestCa,
} from "../../lab/servers/tls.js";
import { realNetwork } from "../../probes/network.js";
import type { ProbeContext } from "../../probes/stage.js";
import { measureTcpConnect } from "../../probes/tcp.js";
import { measureTlsHandshake } from "../../probes/tls.js";
import { CONTROL_SOURCE, expectEndedByTimeout, labContext, PROBE_SOURCE } from "./support.js";

// TLS handshakes against a lab CA: a valid certificate, one for another name, a self-signed one, an
// expired one; a server that resets the probe vantage's ClientHello for one SNI (and serves the control),
// one that closes, one that stalls. Handshake failures and certificate failures must stay apart.

const HOST = "127.0.1.20";
const TIMEOUT = 1000;
let ca: TestCa;
let server: LabTlsServer;
let resetting: LabTcpServer;

beforeAll(async () => {
  ca = createTestCa();
  const valid = ca.issue(["tls.lab.test", "blocked.lab.test", "stall.lab.test", "close.lab.test", HOST]);
  const wrongName = ca.issue(["elsewhere.lab.test"]);
  const selfSigned = ca.selfSigned(["self.lab.test"]);
  const expired = ca.issue(["expired.lab.test"], { expired: true });
  server = await startTlsServer({
    host: HOST,
    certificate: (sni) =>
      sni === "wrong.lab.test"
        ? wrongName
        : sni === "self.lab.test"
          ? selfSigned
          : sni === "expired.lab.test"
            ? expired
            : valid,
    behaviour: ({ serverName, remoteAddress }) => {
      if (serverName === "blocked.lab.test" && remoteAddress === PROBE_SOURCE) return "reset";
      if (serverName === "stall.lab.test") return "stall";
      if (serverName === "close.lab.test") return "close";
      return "serve";
    },
  });
  resetting = await startTcpServer({ host: HOST, behaviour: "reset", delayMs: 30 });
});
afterAll(async () => {
  await server.close();
  await resetting.close();
  ca.dispose();
});

async function handshake(serverName: string, options: { source?: string; port?: number; ca?: boolean } = {}) {
  const context: ProbeContext = labContext();
  const port = options.port ?? server.port;
  const { connection } = await measureTcpConnect(context, {
    ip: HOST,
    port,
    localAddress: options.source ?? CONTROL_SOURCE,
    timeoutMs: TIMEOUT,
  });
  if (connection === null) throw new Error("lab TCP connect failed");
  return measureTlsHandshake(context, {
    connection,
    ip: HOST,
    port,
    serverName,
    ...(options.ca === false ? {} : { ca: [ca.certPem] }),
    timeoutMs: TIMEOUT,
  });
}

describe("TLS handshake", () => {
  it("completes with a valid certificate and records the chain, version and cipher", async () => {
    const { record, session } = await handshake("tls.lab.test");
    expect(record).toMatchObject({
      address: `${HOST}:${server.port}`,
      server_name: "tls.lab.test",
      failure: null,
    });
    expect(record.tls_version).toMatch(/^TLSv1\.[23]$/);
    expect(record.cipher_suite).toMatch(/^TLS_/);
    expect(record.no_tls_verify).toBe(false);
    const leaf = new X509Certificate(Buffer.from(record.peer_certificates[0]?.data ?? "", "base64"));
    expect(leaf.subjectAltName).toContain("DNS:tls.lab.test");
    expect(session).not.toBeNull();
    session?.connection.destroy();
    expect(server.serverNames).toContain("tls.lab.test");
  });

  it("verifies an IP endpoint against the certificate's IP name, without SNI", async () => {
    const { record, session } = await handshake(HOST);
    expect(record.failure).toBeNull();
    session?.connection.destroy();
    expect(server.serverNames.at(-1)).toBeNull();
  });

  it.each([
    ["wrong.lab.test", "ssl_invalid_hostname"],
    ["self.lab.test", "ssl_unknown_authority"],
    ["expired.lab.test", "ssl_invalid_certificate"],
  ])("%s: completes the handshake, records the chain presented, fails with %s", async (sni, failure) => {
    const { record, session } = await handshake(sni);
    expect(record.failure).toBe(failure);
    expect(record.peer_certificates.length).toBeGreaterThan(0);
    expect(record.tls_version).not.toBe("");
    expect(session).toBeNull();
  });

  it("calls a certificate from an unknown CA ssl_unknown_authority when the lab CA is not trusted", async () => {
    const { record } = await handshake("tls.lab.test", { ca: false });
    expect(record.failure).toBe("ssl_unknown_authority");
  });

  it("records a reset after the ClientHello for a blocked SNI, for the probe vantage only", async () => {
    const probe = await handshake("blocked.lab.test", { source: PROBE_SOURCE });
    expect(probe.record.failure).toBe("connection_reset");
    expect(probe.record.peer_certificates).toEqual([]);
    const control = await handshake("blocked.lab.test", { source: CONTROL_SOURCE });
    expect(control.record.failure).toBeNull();
    control.session?.connection.destroy();
  });

  it("records a close after the ClientHello as eof_error", async () => {
    expect((await handshake("close.lab.test")).record.failure).toBe("eof_error");
  });

  it("times out on a server that stalls after the ClientHello, within the TLS timeout", async () => {
    const { record } = await handshake("stall.lab.test");
    expect(record.failure).toBe("generic_timeout_error");
    expectEndedByTimeout(record, TIMEOUT);
  });

  it("fails at once with connection_reset on a connection reset before the handshake began", async () => {
    const context = labContext();
    const { connection } = await measureTcpConnect(context, {
      ip: HOST,
      port: resetting.port,
      timeoutMs: TIMEOUT,
    });
    if (connection === null) throw new Error("lab TCP connect failed");
    await new Promise((resolve) => setTimeout(resolve, 200)); // the lab resets it after 30 ms
    const { record } = await measureTlsHandshake(context, {
      connection,
      ip: HOST,
      port: resetting.port,
      serverName: "tls.lab.test",
      timeoutMs: TIMEOUT,
    });
    expect(record.failure).toBe("connection_reset");
    expect(record.t - record.t0).toBeLessThan(TIMEOUT / 2000);
  });

  it("ends with `interrupted` when the caller aborts mid-handshake", async () => {
    const caller = new AbortController();
    const context: ProbeContext = { ...labContext(caller.signal), network: realNetwork };
    const { connection } = await measureTcpConnect(context, {
      ip: HOST,
      port: server.port,
      timeoutMs: TIMEOUT,
    });
    if (connection === null) throw new Error("lab TCP connect failed");
    setTimeout(() => caller.abort(), 100);
    const { record } = await measureTlsHandshake(context, {
      connection,
      ip: HOST,
      port: server.port,
      serverName: "stall.lab.test",
      timeoutMs: 5000,
    });
    expect(record.failure).toBe("interrupted");
  });
});

describe("readServerName", () => {
  it("needs more bytes for a partial record and finds nothing in non-TLS bytes", () => {
    expect(readServerName(Buffer.from([0x16, 0x03, 0x01]))).toBeUndefined();
    expect(readServerName(Buffer.from("GET / HTTP/1.1\r\n"))).toBeNull();
  });
});

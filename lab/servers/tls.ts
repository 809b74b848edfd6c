import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { RequestListener } from "node:http";
import { createServer as createHttpServer } from "node:http";
import { createServer, isIP, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";

// A test CA made with openssl at test time, and TLS servers on loopback that serve a valid, wrong-name,
// expired or self-signed certificate, reset or close after a ClientHello naming a given SNI, or stall —
// decided per SNI and per connecting address, the way an SNI-filtering censor in front of one vantage
// behaves. Servers may carry an HTTP handler, which makes them HTTPS servers.

export const OPENSSL = "/usr/bin/openssl";

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCa {
  dir: string;
  /** The CA certificate, PEM: what NODE_EXTRA_CA_CERTS or the measurers' `ca` option trusts. */
  certPem: string;
  certPath: string;
  /** A leaf certificate signed by this CA for the names (DNS names or IPs); `expired` ends yesterday. */
  issue(names: string[], options?: { expired?: boolean }): KeyPair;
  /** A certificate for the names that signs itself: nobody vouches for it. */
  selfSigned(names: string[]): KeyPair;
  dispose(): void;
}

const EC_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

const subjectAltName = (names: string[]) =>
  `subjectAltName=${names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(",")}`;

/** `words` are space-separated arguments; `rest` are arguments that may contain spaces. */
function openssl(dir: string, words: string, ...rest: string[]): void {
  execFileSync(OPENSSL, [...words.split(" "), ...rest], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "isblocked-ca-"));
  openssl(
    dir,
    `req -x509 ${EC_KEY} -keyout ca.key -out ca.pem -days 3`,
    ...["-subj", "/CN=isblocked lab CA"],
    ...["-addext", "basicConstraints=critical,CA:TRUE"],
    ...["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  );
  let serial = 0;
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return {
    dir,
    certPem: read("ca.pem"),
    certPath: join(dir, "ca.pem"),
    issue(names, options = {}) {
      const base = `leaf${++serial}`;
      writeFileSync(
        join(dir, `${base}.ext`),
        `${subjectAltName(names)}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      openssl(dir, `req -new ${EC_KEY} -keyout ${base}.key -out ${base}.csr`, "-subj", `/CN=${names[0]}`);
      // `-days -1` makes notAfter a day before notBefore: a certificate that has already expired.
      const days = options.expired ? "-1" : "2";
      openssl(
        dir,
        `x509 -req -in ${base}.csr -CA ca.pem -CAkey ca.key -set_serial ${1000 + serial} -days ${days}`,
        ...["-extfile", `${base}.ext`, "-out", `${base}.pem`],
      );
      return { key: read(`${base}.key`), cert: read(`${base}.pem`) };
    },
    selfSigned(names) {
      const base = `self${++serial}`;
      openssl(
        dir,
        `req -x509 ${EC_KEY} -keyout ${base}.key -out ${base}.pem -days 2`,
        ...["-subj", `/CN=${names[0]}`, "-addext", subjectAltName(names)],
      );
      return { key: read(`${base}.key`), cert: read(`${base}.pem`) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The server name of a TLS ClientHello at the start of `data`: the name, null when the hello has no SNI
 * (or is not TLS), undefined while more bytes are needed. Reads the first record only, which holds the
 * whole hello for every client we test with.
 */
export function readServerName(data: Buffer): string | null | undefined {
  if (data.length < 5) return undefined;
  if (data[0] !== 0x16) return null; // not a handshake record
  const recordEnd = 5 + data.readUInt16BE(3);
  if (data.length < recordEnd) return undefined;
  try {
    let at = 5;
    if (data[at] !== 0x01) return null; // not a ClientHello
    at += 4 + 2 + 32; // handshake header, client_version, random
    at += 1 + data.readUInt8(at); // session id
    at += 2 + data.readUInt16BE(at); // cipher suites
    at += 1 + data.readUInt8(at); // compression methods
    const extensionsEnd = at + 2 + data.readUInt16BE(at);
    at += 2;
    while (at + 4 <= extensionsEnd && at + 4 <= recordEnd) {
      const type = data.readUInt16BE(at);
      const length = data.readUInt16BE(at + 2);
      if (type === 0x0000) {
        // server_name: list length (2), then entries of type (1), length (2), name
        const nameLength = data.readUInt16BE(at + 4 + 3);
        return data.toString("ascii", at + 4 + 5, at + 4 + 5 + nameLength);
      }
      at += 4 + length;
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * - `serve`: complete the handshake with the chosen certificate (and serve HTTP if a handler is given);
 * - `reset`: RST as soon as the ClientHello is read;
 * - `close`: FIN as soon as the ClientHello is read;
 * - `stall`: read the ClientHello and never answer.
 */
export type TlsBehaviour = "serve" | "reset" | "close" | "stall";

export interface TlsServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The certificate to present, per SNI (null without one) and per client (an interceptor picks by who asks). */
  certificate: KeyPair | ((serverName: string | null, remoteAddress: string) => KeyPair);
  /** Default `serve` for everyone. */
  behaviour?: (hello: { serverName: string | null; remoteAddress: string }) => TlsBehaviour;
  /** Makes it an HTTPS server. */
  http?: RequestListener;
}

export interface LabTlsServer {
  host: string;
  port: number;
  /** The SNI of every ClientHello received, in order. */
  serverNames: (string | null)[];
  close(): Promise<void>;
}

export async function startTlsServer(options: TlsServerOptions): Promise<LabTlsServer> {
  const host = options.host ?? "127.0.0.1";
  const contexts = new Map<string, SecureContext>();
  const contextFor = (serverName: string | null, remoteAddress: string): SecureContext => {
    const pair =
      typeof options.certificate === "function"
        ? options.certificate(serverName, remoteAddress)
        : options.certificate;
    const key = pair.cert;
    let context = contexts.get(key);
    if (context === undefined) {
      context = createSecureContext({ key: pair.key, cert: pair.cert });
      contexts.set(key, context);
    }
    return context;
  };
  const httpServer = options.http === undefined ? null : createHttpServer(options.http);
  const serverNames: (string | null)[] = [];
  const open = new Set<Socket>();

  const onHello = (socket: Socket, buffered: Buffer, serverName: string | null) => {
    serverNames.push(serverName);
    const remoteAddress = socket.remoteAddress ?? "";
    const behaviour = options.behaviour?.({ serverName, remoteAddress }) ?? "serve";
    if (behaviour === "reset") return void socket.resetAndDestroy();
    if (behaviour === "close") return void socket.end();
    if (behaviour === "stall") return;
    // Give the hello back to the stream: TLSSocket feeds a socket's buffered bytes to the handshake.
    socket.pause();
    socket.unshift(buffered);
    const secure = new TLSSocket(socket, {
      isServer: true,
      secureContext: contextFor(serverName, remoteAddress),
      ALPNProtocols: ["http/1.1"],
    });
    secure.on("error", () => {});
    open.add(secure);
    secure.on("close", () => open.delete(secure));
    if (httpServer !== null) secure.once("secure", () => httpServer.emit("connection", secure));
  };

  const server = createServer((socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => {});
    let buffered = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      const serverName = readServerName(buffered);
      if (serverName === undefined) return;
      socket.off("data", onData);
      onHello(socket, buffered, serverName);
    };
    socket.on("data", onData);
  });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("TLS server has no port");
  return {
    host,
    port: address.port,
    serverNames,
    close: async () => {
      for (const socket of open) socket.destroy();
      httpServer?.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

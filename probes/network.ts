import type { X509Certificate } from "node:crypto";
import { Resolver } from "node:dns";
import { request as httpRequest } from "node:http";
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { createSecureContext, rootCertificates, type SecureContext, connect as tlsConnect } from "node:tls";
import { ipFamily } from "./address.js";
import { ProbeFailure } from "./failures.js";

// The only file of the probe engine that touches node:dns, node:net, node:tls and node:http. Measurers
// receive a `Network` as an argument, so tests hand them the real one pointed at loopback lab servers
// (or a fake), and the composition root hands them the real one pointed at the world.
//
// Every function takes an AbortSignal and, when it fires, destroys what it opened and rejects with the
// signal's reason; the measurers turn that reason into a failure string.

/** An open byte stream: a TCP socket, or a TLS socket over one. */
export type Connection = Socket;

export interface ResolveRequest {
  hostname: string;
  type: "A" | "AAAA";
  /** `ip:port` (IPv6 in brackets) of a UDP resolver; the system's configured servers when absent. */
  server?: string;
  /** Source address the queries leave from (the vantage's). */
  localAddress?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ResolvedAddress {
  address: string;
  ttl: number | null;
}

export interface DialRequest {
  ip: string;
  port: number;
  localAddress?: string;
  signal: AbortSignal;
}

export interface TlsRequest {
  connection: Connection;
  /** The SNI; absent for an IP literal (RFC 6066 forbids one). */
  serverName?: string;
  /** The name (or IP) the certificate must be valid for. */
  verifyName: string;
  alpn?: string[];
  /** Extra trusted CAs (PEM) on top of the built-in ones; NODE_EXTRA_CA_CERTS applies when absent. */
  ca?: readonly string[];
  signal: AbortSignal;
}

export interface TlsSession {
  connection: Connection;
  version: string;
  cipher: string;
  alpn: string;
  /** DER, leaf first. */
  peerCertificates: Buffer[];
  /** Why the certificate is not acceptable (chain or name), with a `code`; null when it is. */
  verifyError: (Error & { code?: string }) | null;
}

export interface HttpGetRequest {
  connection: Connection;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

export interface HttpResponseHead {
  status: number;
  /** Alternating names and values, as received. */
  rawHeaders: string[];
  body: AsyncIterable<Buffer>;
}

export interface Network {
  resolve(request: ResolveRequest): Promise<ResolvedAddress[]>;
  dial(request: DialRequest): Promise<Connection>;
  handshake(request: TlsRequest): Promise<TlsSession>;
  /** One GET over an open connection; resolves with the head, the body streams. */
  httpGet(request: HttpGetRequest): Promise<HttpResponseHead>;
  /** For DNS-over-HTTPS control lookups. */
  fetch(url: string, init: RequestInit): Promise<Response>;
}

// Between stages a connection sits idle, and a peer may reset or close it then. Its error is kept here
// (an unheard 'error' event would crash the process) and the next stage fails with it at once instead
// of waiting out its timeout on a dead socket.
const idleErrors = new WeakMap<Connection, Error>();

function keepIdleError(connection: Connection): void {
  connection.on("error", (error: Error) => {
    if (!idleErrors.has(connection)) idleErrors.set(connection, error);
  });
}

/** Rejects when the connection died while idle: reset (its error), or closed by the peer (eof). */
function ensureAlive(connection: Connection): void {
  if (!connection.destroyed && connection.readyState !== "closed" && connection.readable) return;
  throw idleErrors.get(connection) ?? new ProbeFailure("eof_error", "the peer closed the connection");
}

/** Rejects with the signal's reason as soon as it aborts, after running `cleanup`. */
function onAbort<T>(signal: AbortSignal, cleanup: () => void, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    cleanup();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      cleanup();
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

function resolve(request: ResolveRequest): Promise<ResolvedAddress[]> {
  // c-ares gets the same timeout as our deadline and one try: a silent resolver is a timeout, not a retry.
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(request.timeoutMs)), tries: 1 });
  if (request.server !== undefined) resolver.setServers([request.server]);
  if (request.localAddress !== undefined) {
    if (isIP(request.localAddress) === 6) resolver.setLocalAddress("0.0.0.0", request.localAddress);
    else resolver.setLocalAddress(request.localAddress);
  }
  const work = new Promise<ResolvedAddress[]>((done, fail) => {
    const callback = (error: Error | null, records: { address: string; ttl: number }[]) => {
      if (error) fail(error);
      else done(records.map((r) => ({ address: r.address, ttl: r.ttl })));
    };
    if (request.type === "A") resolver.resolve4(request.hostname, { ttl: true }, callback);
    else resolver.resolve6(request.hostname, { ttl: true }, callback);
  });
  return onAbort(request.signal, () => resolver.cancel(), work);
}

function dial(request: DialRequest): Promise<Connection> {
  const socket = tcpConnect({
    host: request.ip,
    port: request.port,
    ...(request.localAddress !== undefined ? { localAddress: request.localAddress } : {}),
  });
  const work = new Promise<Connection>((done, fail) => {
    socket.once("connect", () => {
      socket.off("error", fail);
      keepIdleError(socket);
      done(socket);
    });
    socket.once("error", fail);
  });
  return onAbort(request.signal, () => socket.destroy(), work);
}

/** DER certificates of the chain the peer presented, leaf first. */
function chainOf(leaf: X509Certificate | undefined): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  for (let cert = leaf; cert !== undefined && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    out.push(cert.raw);
  }
  return out;
}

/** Whether the certificate is valid for `name` (a host name or an IP), as RFC 6125 says. */
function nameError(leaf: X509Certificate | undefined, name: string): TlsSession["verifyError"] {
  const matches =
    leaf === undefined
      ? false
      : ipFamily(name) === 0
        ? leaf.checkHost(name) !== undefined
        : leaf.checkIP(name) !== undefined;
  if (matches) return null;
  return Object.assign(new Error(`the certificate is not valid for ${name}`), {
    code: "ERR_TLS_CERT_ALTNAME_INVALID",
  });
}

// A secure context parses every trusted CA; building one per handshake costs milliseconds of CPU each,
// which starves the event loop (and every timer) in a cycle of hundreds of probes. One per CA list.
const contexts = new Map<string, SecureContext>();

function contextTrusting(extra: readonly string[]): SecureContext {
  const key = extra.join("\n");
  let context = contexts.get(key);
  if (context === undefined) {
    context = createSecureContext({ ca: [...rootCertificates, ...extra] });
    contexts.set(key, context);
  }
  return context;
}

async function handshake(request: TlsRequest): Promise<TlsSession> {
  ensureAlive(request.connection);
  // Verification is ours, after the handshake, so that a wrong certificate is recorded with the chain
  // that was presented instead of being a bare handshake error.
  const socket = tlsConnect({
    socket: request.connection,
    rejectUnauthorized: false,
    // Node would check the name against `servername || host || "localhost"`; an IP endpoint has no
    // servername, so the name is checked below against `verifyName` instead.
    checkServerIdentity: () => undefined,
    ...(request.serverName !== undefined ? { servername: request.serverName } : {}),
    ...(request.alpn !== undefined ? { ALPNProtocols: request.alpn } : {}),
    ...(request.ca !== undefined ? { secureContext: contextTrusting(request.ca) } : {}),
  });
  const work = new Promise<TlsSession>((done, fail) => {
    socket.once("secureConnect", () => {
      socket.off("error", fail);
      keepIdleError(socket);
      // The X509Certificate form: the detailed object of getPeerCertificate() costs far more CPU.
      const leaf = socket.getPeerX509Certificate();
      const authorizationError = socket.authorizationError as unknown;
      let verifyError: TlsSession["verifyError"] = null;
      if (authorizationError) {
        const code = typeof authorizationError === "string" ? authorizationError : String(authorizationError);
        verifyError = Object.assign(new Error(`certificate verification failed: ${code}`), { code });
      } else {
        verifyError = nameError(leaf, request.verifyName);
      }
      done({
        connection: socket,
        version: socket.getProtocol() ?? "",
        cipher: socket.getCipher()?.standardName ?? "",
        alpn: typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : "",
        peerCertificates: chainOf(leaf),
        verifyError,
      });
    });
    socket.once("error", fail);
  });
  return onAbort(
    request.signal,
    () => {
      socket.destroy();
      request.connection.destroy();
    },
    work,
  );
}

async function httpGet(request: HttpGetRequest): Promise<HttpResponseHead> {
  ensureAlive(request.connection);
  const req = httpRequest({
    method: "GET",
    path: request.path,
    headers: request.headers,
    setHost: false,
    createConnection: () => request.connection,
  });
  // After the head, an abort must still end the body: destroy the request and its socket.
  const destroy = () => {
    req.destroy(request.signal.reason);
    request.connection.destroy();
  };
  request.signal.addEventListener("abort", destroy, { once: true });
  const work = new Promise<HttpResponseHead>((done, fail) => {
    req.once("response", (res) => {
      res.once("close", () => request.signal.removeEventListener("abort", destroy));
      done({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: res });
    });
    req.once("error", fail);
  });
  req.end();
  return onAbort(request.signal, destroy, work);
}

/** The real network. */
export const realNetwork: Network = {
  resolve,
  dial,
  handshake,
  httpGet,
  fetch: (url, init) => fetch(url, init),
};

import { deadline } from "../core/deadline.js";
import type { TlsHandshake } from "../model/measurement.js";
import { ipFamily, joinHostPort } from "./address.js";
import { classifyFailure } from "./failures.js";
import type { Connection, TlsSession } from "./network.js";
import type { ProbeContext } from "./stage.js";

// A TLS handshake with SNI over a connection the TCP measurer opened. Two kinds of failure must stay
// apart: the handshake itself broke (reset, timeout, close: `connection_reset`, `generic_timeout_error`,
// `eof_error`, `ssl_failed_handshake`) — typical of SNI filtering — or it completed with a certificate
// we cannot accept (`ssl_invalid_hostname`, `ssl_unknown_authority`, `ssl_invalid_certificate`) —
// typical of interception, and then the presented chain is recorded as evidence.

export interface TlsOptions {
  connection: Connection;
  ip: string;
  port: number;
  /** The name the client asks for and the certificate must match. */
  serverName: string;
  alpn?: string[];
  /** Extra trusted CAs (PEM) on top of the built-in ones; tests pass their lab CA here. */
  ca?: readonly string[];
  timeoutMs: number;
}

export interface TlsResult {
  record: TlsHandshake;
  /** The secure connection when the handshake succeeded and the certificate is valid; the caller owns it. */
  session: TlsSession | null;
}

/** One handshake; never throws for network failures. The connection is consumed either way. */
export async function measureTlsHandshake(context: ProbeContext, options: TlsOptions): Promise<TlsResult> {
  const t0 = context.clock.elapsed();
  const base = {
    address: joinHostPort(options.ip, options.port),
    server_name: options.serverName,
    no_tls_verify: false,
  };
  const stage = deadline(options.timeoutMs, context.signal);
  try {
    const session = await context.network.handshake({
      connection: options.connection,
      ...(ipFamily(options.serverName) === 0 ? { serverName: options.serverName } : {}),
      verifyName: options.serverName,
      ...(options.alpn !== undefined ? { alpn: options.alpn } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      signal: stage.signal,
    });
    const record: TlsHandshake = {
      ...base,
      failure: session.verifyError === null ? null : classifyFailure(session.verifyError),
      tls_version: session.version,
      cipher_suite: session.cipher,
      negotiated_protocol: session.alpn,
      peer_certificates: session.peerCertificates.map((der) => ({
        data: der.toString("base64"),
        format: "base64",
      })),
      t0,
      t: context.clock.elapsed(),
    };
    if (record.failure !== null) {
      session.connection.destroy();
      return { record, session: null };
    }
    return { record, session };
  } catch (error) {
    options.connection.destroy();
    return {
      record: {
        ...base,
        failure: classifyFailure(error),
        tls_version: "",
        cipher_suite: "",
        negotiated_protocol: "",
        peer_certificates: [],
        t0,
        t: context.clock.elapsed(),
      },
      session: null,
    };
  } finally {
    stage.dispose();
  }
}

import type { StageTimeouts, TestKeys, Vantage } from "../model/measurement.js";
import { ipFamily } from "./address.js";
import { answeredAddresses, measureDns } from "./dns.js";
import { type DohOptions, measureDoh } from "./doh.js";
import type { Connection } from "./network.js";
import type { ProbeContext } from "./stage.js";
import { measureTcpConnect } from "./tcp.js";
import { measureTlsHandshake } from "./tls.js";

// One target (host or IP, port, TLS or not) measured the way OONI's Web Connectivity does: resolve the
// name through the vantage's resolver, connect to every answered address, handshake on every connected
// one, and append every step to the test keys. The caller gets the first usable connection (in answer
// order) for HTTP; the rest are closed. Used for an endpoint and again for every redirect hop.

export interface Target {
  /** A host name or an IP literal. */
  host: string;
  port: number;
  tls: boolean;
  alpn?: string[];
}

export interface TargetOptions {
  vantage: Vantage;
  timeouts: StageTimeouts;
  /** Addresses tried per family, to keep a probe bounded. */
  addressesPerFamily: number;
  ca?: readonly string[];
  /** Watch idle connections this long for a reset (see TcpOptions.settleMs). */
  tcpSettleMs?: number;
  /** Whether the caller wants a connection back (HTTP) or only the records (tcp://, tls://). */
  keepConnection: boolean;
  /** Resolve over DoH instead of the vantage's resolver (control lookups); the DNS timeout applies. */
  doh?: Omit<DohOptions, "timeoutMs">;
}

/** Addresses this vantage can reach: a vantage bound to an IPv4 source has no IPv6 path, and vice versa. */
function reachable(vantage: Vantage, ipv4: string[], ipv6: string[], perFamily: number): string[] {
  const source = vantage.localAddress === undefined ? 0 : ipFamily(vantage.localAddress);
  return [
    ...(source === 6 ? [] : ipv4.slice(0, perFamily)),
    ...(source === 4 ? [] : ipv6.slice(0, perFamily)),
  ];
}

export async function measureTarget(
  context: ProbeContext,
  target: Target,
  options: TargetOptions,
  keys: TestKeys,
): Promise<Connection | null> {
  const { vantage, timeouts } = options;
  let addresses: string[];
  const literal = ipFamily(target.host);
  if (literal !== 0) {
    addresses = [target.host];
  } else {
    const queries =
      options.doh !== undefined
        ? await measureDoh(context, target.host, { ...options.doh, timeoutMs: timeouts.dns })
        : await measureDns(context, target.host, {
            ...(vantage.resolver !== undefined ? { resolver: vantage.resolver } : {}),
            ...(vantage.localAddress !== undefined ? { localAddress: vantage.localAddress } : {}),
            timeoutMs: timeouts.dns,
          });
    keys.queries.push(...queries);
    const answered = answeredAddresses(queries);
    addresses = reachable(vantage, answered.ipv4, answered.ipv6, options.addressesPerFamily);
  }
  if (addresses.length === 0) return null;

  const connects = await Promise.all(
    addresses.map((ip) =>
      measureTcpConnect(context, {
        ip,
        port: target.port,
        ...(vantage.localAddress !== undefined ? { localAddress: vantage.localAddress } : {}),
        timeoutMs: timeouts.tcp,
        ...(options.tcpSettleMs !== undefined ? { settleMs: options.tcpSettleMs } : {}),
      }),
    ),
  );
  keys.tcp_connect.push(...connects.map((c) => c.record));

  let connections: (Connection | null)[] = connects.map((c) => c.connection);
  if (target.tls) {
    const handshakes = await Promise.all(
      connects.flatMap(({ connection, record }) =>
        connection === null
          ? []
          : [
              measureTlsHandshake(context, {
                connection,
                ip: record.ip,
                port: record.port,
                serverName: target.host,
                ...(target.alpn !== undefined ? { alpn: target.alpn } : {}),
                ...(options.ca !== undefined ? { ca: options.ca } : {}),
                timeoutMs: timeouts.tls,
              }),
            ],
      ),
    );
    keys.tls_handshakes.push(...handshakes.map((h) => h.record));
    connections = handshakes.map((h) => h.session?.connection ?? null);
  }
  const chosen = options.keepConnection ? (connections.find((c) => c !== null) ?? null) : null;
  for (const connection of connections) if (connection !== chosen) connection?.destroy();
  return chosen;
}

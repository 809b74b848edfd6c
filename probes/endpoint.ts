import { randomUUID } from "node:crypto";
import type { Endpoint } from "../kb/schema.js";
import type { DohOptions } from "./doh.js";
import { DEFAULT_BODY_CAP_BYTES, DEFAULT_MAX_REDIRECTS, measureRedirectChain } from "./http.js";
import type { Network } from "./network.js";
import { type ProbeContext, startClock } from "./stage.js";
import { measureTarget, type TargetOptions } from "./target.js";
import type { Measurement, StageTimeouts, TestKeys, Vantage } from "./types.js";

// One endpoint from one vantage: DNS (for a host) → TCP to every answered address → TLS (tls, https) →
// HTTP GET with redirects (http, https), each stage with its own timeout. Network failures are data in
// the returned Measurement; the function only throws on a programming error.

export interface MeasureEndpointOptions {
  network: Network;
  timeouts: StageTimeouts;
  /** Wall clock for `measurement_start_time`. */
  now?: () => Date;
  /** The hard abort: every stage still open ends with `interrupted`. */
  signal?: AbortSignal;
  /** Extra trusted CAs (PEM); the CLI relies on NODE_EXTRA_CA_CERTS instead. */
  ca?: readonly string[];
  service?: string | null;
  feature?: string | null;
  testName?: Measurement["test_name"];
  /** Default 4. */
  addressesPerFamily?: number;
  /** Default 10. */
  maxRedirects?: number;
  /** Default 1 MiB. */
  bodyCapBytes?: number;
  /** For tcp:// endpoints: how long a fresh connection is watched for a reset. Default 200 ms. */
  tcpSettleMs?: number;
  /**
   * Resolve names over DNS-over-HTTPS instead of the vantage's resolver: for control lookups, which a
   * censor on the path must not be able to forge. Queries are recorded with engine `doh`.
   */
  doh?: Omit<DohOptions, "timeoutMs">;
}

export const DEFAULT_ADDRESSES_PER_FAMILY = 4;
export const DEFAULT_TCP_SETTLE_MS = 200;

const DEFAULT_PORTS: Record<Endpoint["protocol"], number> = { tcp: 0, tls: 443, http: 80, https: 443 };

/** The endpoint as OONI's `input`: `tcp://host:port`, `tls://host:port`, `https://host/path`. */
export function endpointInput(endpoint: Endpoint): string {
  const host = endpoint.host ?? endpoint.ip ?? "";
  if (endpoint.protocol === "tcp" || endpoint.protocol === "tls") {
    return `${endpoint.protocol}://${host}:${endpoint.port}`;
  }
  const port = endpoint.port === DEFAULT_PORTS[endpoint.protocol] ? "" : `:${endpoint.port}`;
  return `${endpoint.protocol}://${host}${port}${endpoint.path ?? "/"}`;
}

export class EndpointInputError extends Error {
  override name = "EndpointInputError";
}

/** The inverse of endpointInput, for canaries written as URLs. */
export function parseEndpointInput(input: string): Endpoint {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new EndpointInputError(`not an endpoint URL: ${input}`, { cause: error });
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== "tcp" && protocol !== "tls" && protocol !== "http" && protocol !== "https") {
    throw new EndpointInputError(`unknown endpoint protocol: ${input}`);
  }
  const port = url.port === "" ? DEFAULT_PORTS[protocol] : Number(url.port);
  if (port === 0) throw new EndpointInputError(`a tcp endpoint needs a port: ${input}`);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
  const path = protocol === "http" || protocol === "https" ? `${url.pathname}${url.search}` : undefined;
  return {
    ...(isIp ? { ip: hostname } : { host: hostname }),
    port,
    protocol,
    ...(path !== undefined ? { path } : {}),
  };
}

/** OONI's `measurement_start_time`: UTC, `YYYY-MM-DD HH:MM:SS`. */
const ooniTime = (date: Date) => date.toISOString().slice(0, 19).replace("T", " ");

export async function measureEndpoint(
  endpoint: Endpoint,
  vantage: Vantage,
  options: MeasureEndpointOptions,
): Promise<Measurement> {
  const startedAt = (options.now ?? (() => new Date()))();
  const context: ProbeContext = {
    network: options.network,
    clock: startClock(),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const keys: TestKeys = { queries: [], tcp_connect: [], tls_handshakes: [], requests: [] };
  const isHttp = endpoint.protocol === "http" || endpoint.protocol === "https";
  const targetOptions: TargetOptions = {
    vantage,
    timeouts: options.timeouts,
    addressesPerFamily: options.addressesPerFamily ?? DEFAULT_ADDRESSES_PER_FAMILY,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.doh !== undefined ? { doh: options.doh } : {}),
    keepConnection: false,
  };
  const host = endpoint.host ?? endpoint.ip ?? "";
  const connection = await measureTarget(
    context,
    {
      host,
      port: endpoint.port,
      tls: endpoint.protocol === "tls" || endpoint.protocol === "https",
      ...(endpoint.protocol === "https" ? { alpn: ["http/1.1"] } : {}),
    },
    {
      ...targetOptions,
      keepConnection: isHttp,
      ...(endpoint.protocol === "tcp" ? { tcpSettleMs: options.tcpSettleMs ?? DEFAULT_TCP_SETTLE_MS } : {}),
    },
    keys,
  );
  if (isHttp && connection !== null) {
    const transactions = await measureRedirectChain(context, {
      url: new URL(endpointInput(endpoint)),
      connection,
      headersMs: options.timeouts.httpHeaders,
      bodyMs: options.timeouts.httpBody,
      bodyCapBytes: options.bodyCapBytes ?? DEFAULT_BODY_CAP_BYTES,
      maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
      dial: (url) =>
        measureTarget(
          context,
          {
            host: url.hostname.replace(/^\[|\]$/g, ""),
            port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
            tls: url.protocol === "https:",
            ...(url.protocol === "https:" ? { alpn: ["http/1.1"] } : {}),
          },
          { ...targetOptions, keepConnection: true },
          keys,
        ),
    });
    keys.requests.push(...transactions);
  }
  return {
    id: randomUUID(),
    test_name: options.testName ?? "isblocked_endpoint",
    data_format_version: "0.2.0",
    measurement_start_time: ooniTime(startedAt),
    test_runtime: context.clock.elapsed(),
    probe_cc: vantage.country,
    probe_region: vantage.region ?? null,
    vantage: vantage.id,
    vantage_role: vantage.role,
    input: endpointInput(endpoint),
    service: options.service ?? null,
    feature: options.feature ?? null,
    test_keys: keys,
  };
}

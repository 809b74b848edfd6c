import { randomUUID } from "node:crypto";
import { endpointInput } from "../kb/endpoint.js";
import type { Endpoint } from "../kb/schema.js";
import type { Measurement, TestKeys, Vantage } from "../model/measurement.js";
import type { MeasureEndpoint, MeasureOptions } from "../pipeline/measure.js";
import type { DohOptions } from "./doh.js";
import { DEFAULT_BODY_CAP_BYTES, DEFAULT_MAX_REDIRECTS, measureRedirectChain } from "./http.js";
import type { Network } from "./network.js";
import { type ProbeContext, startClock } from "./stage.js";
import { measureTarget, type TargetOptions } from "./target.js";

// One endpoint from one vantage: DNS (for a host) → TCP to every answered address → TLS (tls, https) →
// HTTP GET with redirects (http, https), each stage with its own timeout. Network failures are data in
// the returned Measurement; the function only throws on a programming error.

/** The pipeline's options for one endpoint (pipeline/measure.ts), the network, and the probes' own knobs. */
export interface MeasureEndpointOptions extends MeasureOptions {
  network: Network;
  /** Default 4. */
  addressesPerFamily?: number;
  /** Default 10. */
  maxRedirects?: number;
  /** Default 1 MiB. */
  bodyCapBytes?: number;
  /** For tcp:// endpoints: how long a fresh connection is watched for a reset. Default 200 ms. */
  tcpSettleMs?: number;
  doh?: MeasureOptions["doh"] & Omit<DohOptions, "timeoutMs" | "baseUrl" | "format">;
}

/** The port the pipeline measures through (pipeline/measure.ts `MeasureEndpoint`), on `network`. */
export function measurerOn(network: Network): MeasureEndpoint {
  return (endpoint, vantage, options) => measureEndpoint(endpoint, vantage, { ...options, network });
}

export const DEFAULT_ADDRESSES_PER_FAMILY = 4;
export const DEFAULT_TCP_SETTLE_MS = 200;

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

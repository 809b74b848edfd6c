import { IsblockedError } from "../core/errors.js";
import type { Endpoint } from "./schema.js";

// An endpoint as OONI writes its `input` (`tcp://host:port`, `tls://host:port`, `https://host/path`), and
// back: how measurements, verdicts and vantages' canaries name what was measured.

export const DEFAULT_PORTS: Record<Endpoint["protocol"], number> = { tcp: 0, tls: 443, http: 80, https: 443 };

/** The endpoint as OONI's `input`: `tcp://host:port`, `tls://host:port`, `https://host/path`. */
export function endpointInput(endpoint: Endpoint): string {
  const name = endpoint.host ?? endpoint.ip ?? "";
  // An IPv6 address is bracketed in a URL: its colons would otherwise read as a port.
  const host = name.includes(":") ? `[${name}]` : name;
  if (endpoint.protocol === "tcp" || endpoint.protocol === "tls") {
    return `${endpoint.protocol}://${host}:${endpoint.port}`;
  }
  const port = endpoint.port === DEFAULT_PORTS[endpoint.protocol] ? "" : `:${endpoint.port}`;
  return `${endpoint.protocol}://${host}${port}${endpoint.path ?? "/"}`;
}

export class EndpointInputError extends IsblockedError {
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
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(":");
  const path = protocol === "http" || protocol === "https" ? `${url.pathname}${url.search}` : undefined;
  return {
    ...(isIp ? { ip: hostname } : { host: hostname }),
    port,
    protocol,
    ...(path !== undefined ? { path } : {}),
  };
}

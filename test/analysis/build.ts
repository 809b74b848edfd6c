import type {
  DnsQuery,
  HttpResponseRecord,
  HttpTransaction,
  TcpConnect,
  TestKeys,
  TlsHandshake,
} from "../../model/measurement.js";

// Small builders for the observations a scenario needs, in our (= OONI's) vocabulary.

type Part = {
  queries?: DnsQuery[];
  tcp_connect?: TcpConnect[];
  tls_handshakes?: TlsHandshake[];
  requests?: HttpTransaction[];
};

export function keys(...parts: Part[]): TestKeys {
  return {
    queries: parts.flatMap((p) => p.queries ?? []),
    tcp_connect: parts.flatMap((p) => p.tcp_connect ?? []),
    tls_handshakes: parts.flatMap((p) => p.tls_handshakes ?? []),
    requests: parts.flatMap((p) => p.requests ?? []),
  };
}

/** A system-resolver lookup: addresses (optionally `ip@asn`), or a failure string. */
export function dns(host: string, answer: string[] | string): Part {
  const failure = typeof answer === "string" ? answer : null;
  const answers =
    typeof answer === "string"
      ? null
      : answer.map((a) => {
          const [ip = "", asn] = a.split("@");
          const extra = asn ? { asn: Number(asn) } : {};
          return ip.includes(":")
            ? { answer_type: "AAAA" as const, ipv6: ip, ttl: null, ...extra }
            : { answer_type: "A" as const, ipv4: ip, ttl: null, ...extra };
        });
  return {
    queries: [
      {
        engine: "system",
        resolver_address: "",
        query_type: "A",
        hostname: host,
        answers,
        failure,
        t0: 0,
        t: 0,
      },
    ],
  };
}

export function tcp(ip: string, port: number, failure: string | null = null): Part {
  return { tcp_connect: [{ ip, port, status: { success: failure === null, failure }, t0: 0, t: 0 }] };
}

export function tls(
  ip: string,
  port: number,
  sni: string,
  failure: string | null = null,
  noVerify = false,
): Part {
  return {
    tls_handshakes: [
      {
        address: ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`,
        server_name: sni,
        failure,
        tls_version: "TLSv1.3",
        cipher_suite: "",
        negotiated_protocol: "",
        peer_certificates: [],
        no_tls_verify: noVerify,
        t0: 0,
        t: 0,
      },
    ],
  };
}

export interface Page {
  code: number;
  body?: string;
  headers?: Record<string, string>;
  truncated?: boolean;
  title?: string;
  length?: number;
}

export function page(p: Page): HttpResponseRecord {
  return {
    code: p.code,
    headers: p.headers ?? { "Content-Type": "text/html" },
    body: p.body ?? null,
    body_is_truncated: p.truncated ?? false,
    ...(p.length !== undefined ? { body_length: p.length } : {}),
    ...(p.title !== undefined ? { title: p.title } : {}),
  };
}

export function get(url: string, response: Page | null, failure: string | null = null): Part {
  return {
    requests: [
      {
        request: { url, method: "GET", headers: {} },
        response: response ? page(response) : null,
        failure,
        t0: 0,
        t: 0,
      },
    ],
  };
}

export const html = (title: string, text = "") =>
  `<!doctype html><html><head><title>${title}</title></head><body>${text}</body></html>`;

/** A whole successful visit to an https URL at one address. */
export function httpsVisit(host: string, ip: string, response: Page, path = "/"): Part[] {
  return [dns(host, [ip]), tcp(ip, 443), tls(ip, 443, host), get(`https://${host}${path}`, response)];
}

/** A whole successful visit to an http URL at one address. */
export function httpVisit(host: string, ip: string, response: Page, path = "/"): Part[] {
  return [dns(host, [ip]), tcp(ip, 80), get(`http://${host}${path}`, response)];
}

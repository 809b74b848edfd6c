import type { Measurement, Vantage } from "../../model/measurement.js";
import { dns, keys, tcp, tls } from "../analysis/build.js";

// What vantages observed of kb-mini's ChatApp (two essential features, text and media, one TLS endpoint
// each), in our measurement format: for judging a cycle without a network.

export type Seen = "ok" | "reset" | "down" | "nxdomain" | "silent";
const HOSTS = { text: "chat.chatapp.example", media: "media.chatapp.example" } as const;
const IP = "203.0.113.7";

let serial = 0;
/**
 * One vantage's measurement of one ChatApp feature: it works, the TLS handshake is reset, nothing listens,
 * the resolver says the name does not exist, or nothing answers at all (the resolver times out).
 */
export function seen(
  vantage: Vantage,
  feature: keyof typeof HOSTS,
  what: Seen,
  // Now, in OONI's format: readings count while fresh (analysis/readings.ts), as in a running cycle.
  at = new Date().toISOString().slice(0, 19).replace("T", " "),
): Measurement {
  const host = HOSTS[feature];
  const failure = what === "ok" ? null : what === "reset" ? "connection_reset" : "connection_refused";
  return {
    id: `m-${++serial}`,
    test_name: "isblocked_endpoint",
    data_format_version: "0.2.0",
    measurement_start_time: at,
    test_runtime: 1,
    probe_cc: vantage.country,
    probe_region: vantage.region ?? null,
    vantage: vantage.id,
    vantage_role: vantage.role,
    input: `tls://${host}:443`,
    service: "chatapp",
    feature,
    test_keys:
      what === "nxdomain"
        ? keys(dns(host, "dns_nxdomain_error"))
        : what === "silent"
          ? keys(dns(host, "generic_timeout_error"))
          : what === "down"
            ? keys(dns(host, [IP]), tcp(IP, 443, failure))
            : keys(dns(host, [IP]), tcp(IP, 443), tls(IP, 443, host, failure)),
  };
}

/** The same observation of both features. */
export const both = (vantage: Vantage, what: Seen) => [
  seen(vantage, "text", what),
  seen(vantage, "media", what),
];

export const probe = (id: string, region?: string, country = "CN"): Vantage => ({
  id,
  country,
  role: "probe",
  ...(region ? { region } : {}),
});
export const control = (id: string): Vantage => ({ id, country: "DE", role: "control" });

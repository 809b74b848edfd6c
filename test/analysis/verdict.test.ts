import { describe, expect, it } from "vitest";
import { endpointVerdict } from "../../analysis/verdict.js";
import type { TestKeys } from "../../model/measurement.js";
import type { Mechanism, Verdict } from "../../model/status.js";
import { realKb } from "../helpers.js";
import { dns, get, html, httpsVisit, httpVisit, keys, tcp, tls } from "./build.js";

// DESIGN "How a verdict is decided", one named scenario per rule and per failure string, as data.

interface Scenario {
  name: string;
  input: string;
  country?: string;
  probe: TestKeys;
  /** Control vantages' observations of the same endpoint; empty when there is no control. */
  control: TestKeys[];
  expected: { verdict: Verdict; mechanism: Mechanism | null; evidence?: string };
}

const SITE = "www.example.org";
const IP = "93.184.216.34";
const PAGE = { code: 200, body: html("Example Domain", "x".repeat(1200)) };
const okHttps = keys(...httpsVisit(SITE, IP, PAGE));
const okHttp = keys(...httpVisit(SITE, IP, PAGE));
const https = `https://${SITE}/`;
const http = `http://${SITE}/`;

const scenarios: Scenario[] = [
  // Rule 4 and plain success.
  {
    name: "https page over a valid TLS session",
    input: https,
    probe: okHttps,
    control: [okHttps],
    expected: { verdict: "ok", mechanism: null },
  },
  {
    name: "plain-http page equal to the control's",
    input: http,
    probe: okHttp,
    control: [okHttp],
    expected: { verdict: "ok", mechanism: null },
  },
  {
    name: "403 from web.whatsapp.com over valid TLS, no control: the service answering",
    input: "https://web.whatsapp.com/",
    probe: keys(...httpsVisit("web.whatsapp.com", "31.13.73.52", { code: 403, body: "" })),
    control: [],
    expected: { verdict: "ok", mechanism: null, evidence: "the service answering" },
  },
  {
    name: "400 over valid TLS while the control got 200: still the service, not a censor",
    input: "https://web.whatsapp.com/",
    probe: keys(...httpsVisit("web.whatsapp.com", "31.13.73.52", { code: 400, body: "bad" })),
    control: [
      keys(...httpsVisit("web.whatsapp.com", "31.13.73.52", { code: 200, body: html("WhatsApp Web") })),
    ],
    expected: { verdict: "ok", mechanism: null },
  },
  // Rule 1: probe fails, control succeeds → blocked at the failing stage; each failure string.
  {
    name: "dns_nxdomain_error while the control resolves",
    input: https,
    probe: keys(dns(SITE, "dns_nxdomain_error")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "dns", evidence: `control resolved ${IP}` },
  },
  {
    name: "dns_server_failure while the control resolves",
    input: https,
    probe: keys(dns(SITE, "dns_server_failure")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "dns_refused_error while the control resolves",
    input: https,
    probe: keys(dns(SITE, "dns_refused_error")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "dns_no_answer while the control resolves",
    input: https,
    probe: keys(dns(SITE, "dns_no_answer")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "generic_timeout_error at TCP connect",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443, "generic_timeout_error")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "tcp", evidence: "generic_timeout_error at TCP connect" },
  },
  {
    name: "connection_refused at TCP connect",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443, "connection_refused")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "tcp" },
  },
  {
    name: "host_unreachable at TCP connect",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443, "host_unreachable")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "tcp" },
  },
  {
    name: "connection_reset during the TLS handshake (SNI filtering)",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443), tls(IP, 443, SITE, "connection_reset")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "tls", evidence: "probe: connection_reset at TLS" },
  },
  {
    name: "eof_error during the TLS handshake",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443), tls(IP, 443, SITE, "eof_error")),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "tls" },
  },
  {
    name: "connection_reset on the plain-HTTP request (keyword filtering)",
    input: http,
    probe: keys(dns(SITE, [IP]), tcp(IP, 80), get(http, null, "connection_reset")),
    control: [okHttp],
    expected: { verdict: "blocked", mechanism: "http" },
  },
  {
    name: "throttling: body stalls after HTTP 200 while the control got it all",
    input: https,
    probe: keys(
      dns(SITE, [IP]),
      tcp(IP, 443),
      tls(IP, 443, SITE),
      get(https, { code: 200, body: "", truncated: true }, "generic_timeout_error"),
    ),
    control: [okHttps],
    expected: { verdict: "blocked", mechanism: "http", evidence: "reading the body after HTTP 200" },
  },
  {
    name: "redirect to a host whose TCP connect is refused",
    input: "https://bit.ly/x",
    probe: keys(
      ...httpsVisit("bit.ly", "67.199.248.11", { code: 301, headers: { Location: https } }, "/x"),
      dns(SITE, [IP]),
      tcp(IP, 443, "connection_refused"),
    ),
    control: [keys(...httpsVisit("bit.ly", "67.199.248.11", PAGE, "/x"))],
    expected: { verdict: "blocked", mechanism: "tcp", evidence: "after a redirect to www.example.org" },
  },
  // Rule 2: both fail → down, never blocked.
  {
    name: "both get NXDOMAIN",
    input: https,
    probe: keys(dns(SITE, "dns_nxdomain_error")),
    control: [keys(dns(SITE, "dns_nxdomain_error"))],
    expected: { verdict: "down", mechanism: "dns" },
  },
  {
    name: "both refused at TCP",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443, "connection_refused")),
    control: [keys(dns(SITE, [IP]), tcp(IP, 443, "connection_refused"))],
    expected: { verdict: "down", mechanism: "tcp" },
  },
  {
    name: "both see an expired certificate (ssl_invalid_certificate)",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443), tls(IP, 443, SITE, "ssl_invalid_certificate")),
    control: [keys(dns(SITE, [IP]), tcp(IP, 443), tls(IP, 443, SITE, "ssl_invalid_certificate"))],
    expected: { verdict: "down", mechanism: "tls" },
  },
  {
    name: "too many redirects for both: the site's fault",
    input: http,
    probe: keys(dns(SITE, [IP]), tcp(IP, 80), get(http, { code: 302, headers: { Location: http } })),
    control: [keys(dns(SITE, [IP]), tcp(IP, 80), get(http, null, "unknown_error"))],
    expected: { verdict: "down", mechanism: "http", evidence: "not a sign of interference" },
  },
  // Rule 5: no control and no positive evidence → unknown.
  {
    name: "TCP timeout without a control",
    input: https,
    probe: keys(dns(SITE, [IP]), tcp(IP, 443, "generic_timeout_error")),
    control: [],
    expected: { verdict: "unknown", mechanism: null },
  },
  {
    name: "NXDOMAIN without a control",
    input: https,
    probe: keys(dns(SITE, "dns_nxdomain_error")),
    control: [],
    expected: { verdict: "unknown", mechanism: null },
  },
  {
    name: "plain-HTTP page without a control cannot vouch for itself",
    input: http,
    probe: okHttp,
    control: [],
    expected: { verdict: "unknown", mechanism: null },
  },
  {
    name: "ssl_unknown_authority without a hijacked answer or a control",
    input: "https://storage.signal.org/",
    probe: keys(
      dns("storage.signal.org", ["142.251.209.19"]),
      tcp("142.251.209.19", 443),
      tls("142.251.209.19", 443, "storage.signal.org", "ssl_unknown_authority"),
    ),
    control: [],
    expected: { verdict: "unknown", mechanism: null },
  },
  // Rule 1: positive evidence without a control.
  {
    name: "bogon answer 127.0.0.1",
    input: "tcp://e1.whatsapp.net:5222",
    probe: keys(dns("e1.whatsapp.net", ["127.0.0.1"]), tcp("127.0.0.1", 5222, "connection_refused")),
    control: [],
    expected: { verdict: "blocked", mechanism: "dns", evidence: "loopback" },
  },
  {
    name: "bogon answer 0.0.0.0",
    input: "https://web.whatsapp.com/",
    probe: keys(dns("web.whatsapp.com", ["0.0.0.0"])),
    control: [],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "bogon IPv6 answer ::1",
    input: "https://web.whatsapp.com/",
    probe: keys(dns("web.whatsapp.com", ["::1"])),
    control: [],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "Iran's forged answer 10.10.34.35",
    input: "https://www.facebook.com/",
    country: "IR",
    probe: keys(dns("www.facebook.com", ["10.10.34.35"]), tcp("10.10.34.35", 443, "generic_timeout_error")),
    control: [],
    expected: { verdict: "blocked", mechanism: "dns", evidence: "Iran" },
  },
  {
    name: "a Great Firewall injected address in China",
    input: "https://www.facebook.com/",
    country: "CN",
    probe: keys(dns("www.facebook.com", ["8.7.198.45"]), tcp("8.7.198.45", 443, "generic_timeout_error")),
    control: [],
    expected: { verdict: "blocked", mechanism: "dns", evidence: "Great Firewall" },
  },
  {
    name: "the same address measured outside China is only an address",
    input: "tcp://www.facebook.com:443",
    country: "US",
    probe: keys(dns("www.facebook.com", ["8.7.198.45"]), tcp("8.7.198.45", 443)),
    control: [],
    expected: { verdict: "ok", mechanism: null },
  },
  {
    name: "Iran's blockpage iframe in a plain-HTTP body",
    input: "http://www.bbc.com/persian",
    country: "IR",
    probe: keys(
      ...httpVisit(
        "www.bbc.com",
        "151.101.0.81",
        {
          code: 200,
          body: '<html><body><iframe src="http://10.10.34.34?type=Invalid Site"></iframe></body></html>',
        },
        "/persian",
      ),
    ),
    control: [],
    expected: { verdict: "blocked", mechanism: "http", evidence: "Iran's national blockpage" },
  },
  {
    name: "redirect to Indonesia's Kominfo landing page",
    input: "http://archive.org/",
    probe: keys(
      ...httpVisit("archive.org", "207.241.224.2", {
        code: 302,
        headers: { Location: "http://lamanlabuh.aduankonten.id/" },
      }),
    ),
    control: [keys(...httpVisit("archive.org", "207.241.224.2", PAGE))],
    expected: { verdict: "blocked", mechanism: "http", evidence: "Kominfo" },
  },
  {
    name: "redirect into a private network (a filter's portal)",
    input: http,
    probe: keys(
      ...httpVisit(SITE, IP, {
        code: 307,
        headers: { Location: "http://192.168.22.1/UserCheck/PortalMain" },
      }),
    ),
    control: [okHttp],
    expected: { verdict: "blocked", mechanism: "http", evidence: "192.168.22.1" },
  },
  {
    name: "a certificate for the wrong name on a hijacked answer",
    input: https,
    probe: keys(
      dns(SITE, ["104.154.89.105@396982"]),
      tcp("104.154.89.105", 443),
      tls("104.154.89.105", 443, SITE, "ssl_invalid_hostname"),
    ),
    control: [
      keys(dns(SITE, [`${IP}@15133`]), tcp(IP, 443), tls(IP, 443, SITE), get(https, null, "unknown_error")),
    ],
    expected: { verdict: "blocked", mechanism: "dns", evidence: "hijacked answer" },
  },
  // Rule 3: differing answers are consistent when they share an address, an ASN, or a valid certificate.
  {
    name: "CDN: another address in the same ASN, page equal",
    input: http,
    probe: keys(dns(SITE, ["151.101.1.111@54113"]), tcp("151.101.1.111", 80), get(http, PAGE)),
    control: [keys(dns(SITE, ["151.101.65.111@54113"]), tcp("151.101.65.111", 80), get(http, PAGE))],
    expected: { verdict: "ok", mechanism: null, evidence: "AS54113" },
  },
  {
    name: "GeoDNS: another ASN, but a valid certificate for the name",
    input: http,
    probe: keys(
      dns(SITE, ["130.192.182.17@137"]),
      tcp("130.192.182.17", 80),
      tls("130.192.182.17", 443, SITE),
      get(http, PAGE),
    ),
    control: [keys(dns(SITE, [`${IP}@15133`]), tcp(IP, 80), get(http, PAGE))],
    expected: { verdict: "ok", mechanism: null, evidence: "valid certificate" },
  },
  {
    name: "same-ASN answer, then a TCP timeout: blocked at TCP, not DNS",
    input: https,
    probe: keys(dns(SITE, ["151.101.1.111@54113"]), tcp("151.101.1.111", 443, "generic_timeout_error")),
    control: [
      keys(
        dns(SITE, ["151.101.65.111@54113"]),
        tcp("151.101.65.111", 443),
        tls("151.101.65.111", 443, SITE),
        get(https, PAGE),
      ),
    ],
    expected: { verdict: "blocked", mechanism: "tcp" },
  },
  {
    name: "inconsistent answer (other address, other ASN, no certificate) that is refused",
    input: http,
    probe: keys(dns(SITE, ["83.224.65.41@30722"]), tcp("83.224.65.41", 80, "connection_refused")),
    control: [keys(dns(SITE, [`${IP}@15133`]), tcp(IP, 80), get(http, PAGE))],
    expected: { verdict: "blocked", mechanism: "dns" },
  },
  {
    name: "ghost answer: the control says NXDOMAIN, the probe's resolver invents an address",
    input: "http://itsat.info/",
    probe: keys(...httpVisit("itsat.info", "83.224.65.41", { code: 200, body: html("Access Denied") })),
    control: [keys(dns("itsat.info", "dns_nxdomain_error"))],
    expected: { verdict: "blocked", mechanism: "dns", evidence: "dns_nxdomain_error" },
  },
  {
    name: "a site whose own record is 127.0.0.1 (the control gets it too) is down, not blocked",
    input: http,
    probe: keys(dns(SITE, ["127.0.0.1"])),
    control: [keys(dns(SITE, ["127.0.0.1"]), get(http, null, "unknown_error"))],
    expected: { verdict: "down", mechanism: "dns" },
  },
  // HTTP diff for plain-HTTP pages.
  {
    name: "blockpage-like page: different title, a fraction of the size",
    input: http,
    probe: keys(
      ...httpVisit(SITE, IP, {
        code: 200,
        body: html("Access Denied", "This request cannot be served in your jurisdiction."),
      }),
    ),
    control: [okHttp],
    expected: { verdict: "blocked", mechanism: "http", evidence: "title" },
  },
  {
    name: "status 451 instead of 200",
    input: http,
    probe: keys(...httpVisit(SITE, IP, { code: 451, body: html("Unavailable") })),
    control: [okHttp],
    expected: { verdict: "blocked", mechanism: "http", evidence: "status 451 vs 200" },
  },
  {
    name: "only the size differs, no titles to compare: unknown, not blocked",
    input: http,
    probe: keys(...httpVisit(SITE, IP, { code: 200, body: "short" })),
    control: [keys(...httpVisit(SITE, IP, { code: 200, body: "y".repeat(5000) }))],
    expected: { verdict: "unknown", mechanism: null },
  },
  {
    name: "Cloudflare's browser check instead of the page is the site's CDN",
    input: http,
    probe: keys(
      ...httpVisit(SITE, IP, {
        code: 503,
        headers: { Server: "cloudflare", "cf-mitigated": "challenge" },
        body: html("Just a moment..."),
      }),
    ),
    control: [okHttp],
    expected: { verdict: "ok", mechanism: null, evidence: "Cloudflare" },
  },
  {
    name: "one of two addresses times out, the other serves the page",
    input: https,
    probe: keys(
      dns(SITE, [IP, "2606:2800:220:1::1"]),
      tcp("2606:2800:220:1::1", 443, "generic_timeout_error"),
      tcp(IP, 443),
      tls(IP, 443, SITE),
      get(https, PAGE),
    ),
    control: [okHttps],
    expected: { verdict: "ok", mechanism: null },
  },
  {
    name: "a TCP endpoint by address (Telegram data centre) that connects",
    input: "tcp://149.154.175.50:443",
    probe: keys(tcp("149.154.175.50", 443)),
    control: [],
    expected: { verdict: "ok", mechanism: null },
  },
];

describe("endpointVerdict", () => {
  it("has a scenario for every rule and failure string", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", (_name, s) => {
    const v = endpointVerdict(s.probe, s.control, {
      evidence: realKb().evidence,
      input: s.input,
      country: s.country ?? null,
    });
    expect({ verdict: v.verdict, mechanism: v.mechanism }).toEqual({
      verdict: s.expected.verdict,
      mechanism: s.expected.mechanism,
    });
    if (s.expected.evidence) expect(v.evidence.join(" | ")).toContain(s.expected.evidence);
    expect(v.evidence.length).toBeGreaterThan(0);
  });

  it("says unknown when nothing was measured", () => {
    expect(endpointVerdict(keys(), [], { evidence: realKb().evidence }).verdict).toBe("unknown");
  });

  it("infers the endpoint from the measurement when no input is given", () => {
    const v = endpointVerdict(okHttps, [okHttps], { evidence: realKb().evidence });
    expect(v.verdict).toBe("ok");
  });
});

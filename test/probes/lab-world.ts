import { byQuerier, type DnsZone, type LabDnsServer, startDnsServer } from "../../lab/servers/dns.js";
import { type LabDohServer, startDohServer } from "../../lab/servers/doh.js";
import { type LabHttpServer, labHttpHandler, startHttpServer } from "../../lab/servers/http.js";
import { type LabTcpServer, startTcpServer } from "../../lab/servers/tcp.js";
import { createTestCa, type LabTlsServer, startTlsServer, type TestCa } from "../../lab/servers/tls.js";
import type { Vantage } from "../../model/measurement.js";
import { labVantage, PROBE_SOURCE } from "./support.js";

// A small censored internet on loopback. Every name has its own 127.0.2.x address and every service
// listens on the same port there, as real services share 443. The censor sits in front of the probe
// vantage (source 127.0.0.2): its resolver forges or NXDOMAINs, its connections are reset by SNI or
// after the handshake, and it gets a blockpage; the control (127.0.0.3) sees the truth.

export const ADDRESSES = {
  www: "127.0.2.1",
  news: "127.0.2.2",
  sni: "127.0.2.3",
  chat: "127.0.2.4",
  forgedTruth: "127.0.2.5",
  dnsBlocked: "127.0.2.6",
  redirect: "127.0.2.7",
  slow: "127.0.2.8",
  dead: "127.0.2.20",
  /** Where the forged answer points: the censor's own box, with its own certificate. */
  censorBox: "127.0.9.9",
} as const;

const NAMES = [
  "www.lab.test",
  "news.lab.test",
  "sni.lab.test",
  "chat.lab.test",
  "forged.lab.test",
  "dnsblocked.lab.test",
  "multi.lab.test",
  "dual.lab.test",
  "r.lab.test",
  "slow.lab.test",
];

const TRUTH: DnsZone = {
  "www.lab.test": { a: [ADDRESSES.www] },
  "news.lab.test": { a: [ADDRESSES.news] },
  "sni.lab.test": { a: [ADDRESSES.sni] },
  "chat.lab.test": { a: [ADDRESSES.chat] },
  "forged.lab.test": { a: [ADDRESSES.forgedTruth] },
  "dnsblocked.lab.test": { a: [ADDRESSES.dnsBlocked] },
  "multi.lab.test": { a: [ADDRESSES.dead, ADDRESSES.www] },
  "dual.lab.test": { a: [ADDRESSES.www], aaaa: ["::1"] },
  "r.lab.test": { a: [ADDRESSES.redirect] },
  "slow.lab.test": { a: [ADDRESSES.slow] },
};

const CENSORED: DnsZone = {
  ...TRUTH,
  "forged.lab.test": { a: [ADDRESSES.censorBox] },
  "dnsblocked.lab.test": "nxdomain",
};

export interface LabWorld {
  ca: TestCa;
  dns: LabDnsServer;
  /** DNS-over-HTTPS with the truth, for control lookups. */
  doh: LabDohServer;
  /** The one port every lab service listens on. */
  port: number;
  probe: Vantage;
  control: Vantage;
  close(): Promise<void>;
}

export async function startLabWorld(): Promise<LabWorld> {
  const ca = createTestCa();
  const certificate = ca.issue(NAMES);
  const censorCertificate = ca.issue(["censor.lab.test"]);
  const pages = labHttpHandler({ "/": { kind: "page", title: "Lab home" } });
  // The first server picks the port; the rest take the same one on their own addresses.
  const www = await startTlsServer({ host: ADDRESSES.www, certificate, http: pages });
  const port = www.port;
  const servers: (LabTlsServer | LabHttpServer | LabTcpServer | LabDnsServer | LabDohServer)[] = [www];
  servers.push(
    await startTlsServer({ host: ADDRESSES.forgedTruth, port, certificate, http: pages }),
    await startTlsServer({ host: ADDRESSES.dnsBlocked, port, certificate, http: pages }),
    await startTlsServer({ host: ADDRESSES.censorBox, port, certificate: censorCertificate, http: pages }),
    await startTlsServer({
      host: ADDRESSES.sni,
      port,
      certificate,
      behaviour: ({ serverName, remoteAddress }) =>
        serverName === "sni.lab.test" && remoteAddress === PROBE_SOURCE ? "reset" : "serve",
    }),
    await startTlsServer({ host: ADDRESSES.slow, port, certificate, behaviour: () => "stall" }),
    await startHttpServer({
      host: ADDRESSES.news,
      port,
      routes: ({ remoteAddress }) =>
        remoteAddress === PROBE_SOURCE ? { kind: "blockpage" } : { kind: "page", title: "News" },
    }),
    await startHttpServer({
      host: ADDRESSES.redirect,
      port,
      routes: { "/start": { kind: "redirect", location: `https://www.lab.test:${port}/` } },
    }),
    await startTcpServer({
      host: ADDRESSES.chat,
      port,
      behaviour: (remote) => (remote === PROBE_SOURCE ? "reset" : "accept"),
    }),
  );
  const dns = await startDnsServer({ answer: byQuerier({ [PROBE_SOURCE]: CENSORED }, TRUTH) });
  const doh = await startDohServer({ answer: TRUTH });
  servers.push(dns, doh);
  return {
    ca,
    dns,
    doh,
    port,
    probe: labVantage("probe", dns.address),
    control: labVantage("control", dns.address),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      ca.dispose();
    },
  };
}

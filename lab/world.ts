import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Endpoint, Service } from "../kb/schema.js";
import type { Action, LabScenario, Rule } from "./scenarios.js";
import { type DnsZone, startDnsServer } from "./servers/dns.js";
import { startDohServer } from "./servers/doh.js";
import { BLOCKPAGE_HTML, pageHtml } from "./servers/http.js";
import { startTcpServer } from "./servers/tcp.js";
import { createTestCa, startTlsServer, type TestCa } from "./servers/tls.js";

// Builds the world a scenario needs, from the knowledge base's real endpoints: every host name gets an
// address of its own, literal IPs (Telegram's data centres) keep theirs, and the right kind of server
// listens on each. It needs a network namespace where every IPv4 address is local
// (`ip route add local 0.0.0.0/0 dev lo table local`), so nothing it serves or asks can leave.

export const PROBE_SOURCE = "10.200.0.2";
export const CONTROL_SOURCE = "10.200.0.3";
const PROBE_RESOLVER = "10.200.1.1";
const CONTROL_RESOLVER = "10.200.1.2";
/** Iran's blockpage address: what a forged answer points at. */
const FORGED_ADDRESS = "10.10.34.34";
const CANARY_HOST = "canary.lab.test";
const CANARY_ADDRESS = "45.90.255.1";
/** Where host names live in the lab: a public-looking block (a private one would read as a forged answer). */
const LAB_BLOCK = "45.90";

export interface LabWorld {
  vantagesFile: object;
  /** Shell commands to run in the namespace before probing (routes that drop the probe's packets). */
  setup: string[];
  caPath: string;
  close(): Promise<void>;
}

interface Placed {
  endpoint: Endpoint;
  feature: string;
  address: string;
}

const isDnsAction = (action: Action) => action === "nxdomain" || action === "forge";

/**
 * Routes that make the probe's SYNs to `addresses` vanish while the control's get through: the probe's
 * source is policy-routed into a veth whose peer is down. The local table must be consulted after that
 * rule, so it moves from priority 0 to 100.
 */
function blackholeFromProbe(addresses: readonly string[] | "everything"): string[] {
  if (addresses.length === 0) return [];
  const routes =
    addresses === "everything"
      ? [`ip rule add pref 10 from ${PROBE_SOURCE} lookup 100`, "ip route add default dev hole0 table 100"]
      : addresses.flatMap((a) => [
          `ip rule add pref 10 from ${PROBE_SOURCE} to ${a} lookup 100`,
          `ip route add ${a}/32 dev hole0 table 100`,
        ]);
  return [
    "ip link add hole0 type veth peer name hole1",
    "ip link set hole0 up",
    "ip rule del pref 0 lookup local",
    "ip rule add pref 100 lookup local",
    ...routes,
  ];
}

function rulesFor(scenario: LabScenario, feature: string): Rule[] {
  return scenario.configure.rules.filter((r) => r.feature === undefined || r.feature === feature);
}

/** Whether `action` applies to a connection from `remote` under these rules. */
function applies(rules: readonly Rule[], action: Action, remote: string): boolean {
  return rules.some((r) => r.action === action && (r.who === "everyone" || remote.endsWith(PROBE_SOURCE)));
}

function place(service: Service): Placed[] {
  const addresses = new Map<string, string>();
  return service.features.flatMap((feature) =>
    feature.endpoints.map((endpoint) => {
      let address = endpoint.ip;
      if (address === undefined) {
        const host = endpoint.host ?? "";
        address =
          addresses.get(host) ??
          `${LAB_BLOCK}.${Math.floor(addresses.size / 250)}.${(addresses.size % 250) + 1}`;
        addresses.set(host, address);
      }
      return { endpoint, feature: feature.id, address };
    }),
  );
}

const pageFor =
  (title: string): RequestListener =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(pageHtml(title, `${title} works from here.`));
  };

/** A plain HTTP server that resets connections its rules say to reset. */
async function startResettingHttpServer(
  host: string,
  port: number,
  reset: (remote: string) => boolean,
  handler: RequestListener,
) {
  const server: Server = createHttpServer(handler);
  server.on("connection", (socket) => {
    if (reset(socket.remoteAddress ?? "")) socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function buildWorld(scenario: LabScenario, kb: KnowledgeBase): Promise<LabWorld> {
  const service = kb.service(scenario.service);
  if (!service) throw new Error(`scenario ${scenario.name}: no service ${scenario.service}`);
  const ca: TestCa = createTestCa();
  const closers: (() => Promise<void>)[] = [];
  const placed = place(service);

  // Servers, one per (address, port), of the kind the endpoints there need.
  const byListener = new Map<string, Placed[]>();
  for (const p of placed) {
    const key = `${p.address}:${p.endpoint.port}`;
    byListener.set(key, [...(byListener.get(key) ?? []), p]);
  }
  for (const group of byListener.values()) {
    const first = group[0] as Placed;
    const rules = group.flatMap((p) => rulesFor(scenario, p.feature));
    if (rules.some((r) => r.action === "down")) continue;
    const reset = (remote: string) => applies(rules, "reset", remote);
    const names = [...new Set(group.flatMap((p) => (p.endpoint.host ? [p.endpoint.host] : [])))];
    const protocols = new Set(group.map((p) => p.endpoint.protocol));
    const { address } = first;
    const port = first.endpoint.port;
    if (protocols.has("tls") || protocols.has("https")) {
      const genuine = ca.issue(names.length > 0 ? names : [address]);
      // An interceptor's certificate names the site but comes from a CA the devices do not trust.
      const intercepted = applies(rules, "intercept", PROBE_SOURCE)
        ? ca.selfSigned(names.length > 0 ? names : [address])
        : genuine;
      const server = await startTlsServer({
        host: address,
        port,
        certificate: (_name, remote) => (applies(rules, "intercept", remote) ? intercepted : genuine),
        behaviour: ({ remoteAddress }) => (reset(remoteAddress) ? "reset" : "serve"),
        http: pageFor(service.name.en),
      });
      closers.push(() => server.close());
    } else if (protocols.has("http")) {
      const server = await startResettingHttpServer(address, port, reset, pageFor(service.name.en));
      closers.push(() => server.close());
    } else {
      const server = await startTcpServer({
        host: address,
        port,
        behaviour: (remote) => (reset(remote) ? "reset" : "accept"),
      });
      closers.push(() => server.close());
    }
  }

  // The censor's blockpage box: a certificate for no name anyone asks for, and a blockpage over HTTP.
  const censorCertificate = ca.selfSigned(["blocked.invalid"]);
  const censorTls = await startTlsServer({ host: FORGED_ADDRESS, port: 443, certificate: censorCertificate });
  const censorHttp = await startResettingHttpServer(
    FORGED_ADDRESS,
    80,
    () => false,
    (_req, res) => {
      res.writeHead(403, { "content-type": "text/html" });
      res.end(BLOCKPAGE_HTML);
    },
  );
  closers.push(
    () => censorTls.close(),
    () => censorHttp.close(),
  );

  const canaryFails = new Set(scenario.configure.canaryFails ?? []);
  const canary = await startTlsServer({
    host: CANARY_ADDRESS,
    port: 443,
    certificate: ca.issue([CANARY_HOST]),
    behaviour: ({ remoteAddress }) =>
      (canaryFails.has("probe") && remoteAddress.endsWith(PROBE_SOURCE)) ||
      (canaryFails.has("control") && remoteAddress.endsWith(CONTROL_SOURCE))
        ? "reset"
        : "serve",
  });
  closers.push(() => canary.close());

  // Two resolvers: the control's tells the truth, the probe's obeys the DNS rules.
  const truth: DnsZone = { [CANARY_HOST]: { a: [CANARY_ADDRESS] } };
  const censored: DnsZone = { [CANARY_HOST]: { a: [CANARY_ADDRESS] } };
  for (const p of placed) {
    const host = p.endpoint.host;
    if (!host) continue;
    truth[host] = { a: [p.address] };
    const dnsRule = rulesFor(scenario, p.feature).find((r) => isDnsAction(r.action));
    if (censored[host] !== undefined && !dnsRule) continue;
    censored[host] =
      dnsRule?.action === "nxdomain"
        ? "nxdomain"
        : dnsRule?.action === "forge"
          ? { a: [FORGED_ADDRESS] }
          : { a: [p.address] };
  }
  const probeDns = await startDnsServer({ host: PROBE_RESOLVER, port: 53, answer: censored });
  const controlDns = await startDnsServer({ host: CONTROL_RESOLVER, port: 53, answer: truth });
  closers.push(
    () => probeDns.close(),
    () => controlDns.close(),
  );
  const controlDoh = scenario.configure.controlOverDoh
    ? await startDohServer({ host: CONTROL_RESOLVER, port: 8053, answer: truth })
    : undefined;
  if (controlDoh) closers.push(() => controlDoh.close());

  const canaryUrl = `tls://${CANARY_HOST}:443`;
  const vantages = [
    {
      id: "probe-1",
      country: scenario.country,
      role: "probe",
      resolver: probeDns.address,
      localAddress: PROBE_SOURCE,
      ...(scenario.configure.probeDark ? {} : { canary: canaryUrl }),
    },
    ...(scenario.configure.noControl
      ? []
      : [
          {
            id: "control-1",
            country: "DE",
            role: "control",
            ...(controlDoh ? { doh: controlDoh.baseUrl } : { resolver: controlDns.address }),
            localAddress: CONTROL_SOURCE,
            canary: canaryUrl,
          },
        ]),
  ];
  const blackholed = [
    ...new Set(
      placed
        .filter((p) => rulesFor(scenario, p.feature).some((r) => r.action === "blackhole"))
        .map((p) => p.address),
    ),
  ];
  return {
    setup: blackholeFromProbe(scenario.configure.probeDark ? "everything" : blackholed),
    vantagesFile: {
      vantages,
      timeouts: { dns: 1500, tcp: 1500, tls: 1500, httpHeaders: 2000, httpBody: 2000 },
    },
    caPath: ca.certPath,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
      ca.dispose();
    },
  };
}

import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server } from "node:net";
import { createJudge } from "../../analysis/judge.js";
import type { AddressPolicy } from "../../core/ssrf.js";
import { refusalOfAddress } from "../../core/ssrf.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { type DnsAnswerer, startDnsServer, zoneAnswerer } from "../../lab/servers/dns.js";
import { pageHtml } from "../../lab/servers/http.js";
import { createTestCa, startTlsServer } from "../../lab/servers/tls.js";
import type { Store } from "../../model/store.js";
import { createOnDemandChecks, type OnDemandChecks, type OnDemandOptions } from "../../pipeline/check-now.js";
import type { VantagePlan } from "../../pipeline/vantages.js";
import { RCODES } from "../../probes/dns-wire.js";
import { measurerOn } from "../../probes/endpoint.js";
import { guardNetwork, type SsrfRefusal } from "../../probes/guarded-network.js";
import { realNetwork } from "../../probes/network.js";
import { CONTROL_SOURCE, PROBE_SOURCE } from "../probes/support.js";

// A loopback world for on-demand checks. 127.0.0.9 stands for a public web server (a test-only address
// policy allows it and nothing else that the real policy refuses); 127.0.0.1 is the private network an
// attacker would aim at, where listeners on the same ports count every connection that gets through.
// The lab DNS answers per name, per querying vantage (CN probe 127.0.0.2, control 127.0.0.3).

export const PUBLIC_STAND_IN = "127.0.0.9";

export interface OnDemandLab {
  plan: VantagePlan;
  policy: AddressPolicy;
  webPorts: { http: number; https: number };
  ca: string[];
  /** Connections accepted on 127.0.0.1 at the probed ports: must stay 0. */
  privateAccepted(): number;
  /** HTTP(S) requests the public stand-in served, by Host. */
  served: Map<string, number>;
  /** Holds responses for slow.example until called. */
  releaseSlow(): void;
  /** Makes rebind.example answer the public stand-in once more (its next first lookup). */
  resetRebind(): void;
  close(): Promise<void>;
}

const NAMES = [
  "example.org",
  "open.example",
  "slow.example",
  "redirect.example",
  "portredirect.example",
  "rebind.example",
];

async function listenOn(server: Server | ReturnType<typeof createHttpServer>, host: string, port: number) {
  server.listen(port, host);
  await once(server, "listening");
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

export async function startOnDemandLab(): Promise<OnDemandLab> {
  const ca = createTestCa();
  const served = new Map<string, number>();
  let releaseSlow: () => void = () => {};
  const slow = new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });
  let ports = { http: 0, https: 0 };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    served.set(host, (served.get(host) ?? 0) + 1);
    if (host === "slow.example") await slow;
    if (host === "redirect.example") {
      res.writeHead(302, { Location: `http://127.0.0.1:${ports.http}/`, "Content-Length": "0" });
      return void res.end();
    }
    if (host === "portredirect.example") {
      res.writeHead(302, { Location: `http://${PUBLIC_STAND_IN}:8080/`, "Content-Length": "0" });
      return void res.end();
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(pageHtml(`${host} home`, "hello"));
  };
  const http = createHttpServer((req, res) => void handler(req, res));
  const httpPort = await listenOn(http, PUBLIC_STAND_IN, 0);
  const tls = await startTlsServer({
    host: PUBLIC_STAND_IN,
    certificate: ca.issue(NAMES),
    http: (req, res) => void handler(req, res),
  });
  ports = { http: httpPort, https: tls.port };

  let privateAccepted = 0;
  const privates: Server[] = [];
  for (const port of [ports.http, ports.https]) {
    for (const host of ["127.0.0.1", "::1"]) {
      const server = createServer((socket) => {
        privateAccepted++;
        socket.destroy();
      });
      await listenOn(server, host, port).catch(() => undefined);
      privates.push(server);
    }
  }

  let rebindLookups = 0;
  const zone = zoneAnswerer({
    "open.example": { a: [PUBLIC_STAND_IN] },
    "slow.example": { a: [PUBLIC_STAND_IN] },
    "redirect.example": { a: [PUBLIC_STAND_IN] },
    "portredirect.example": { a: [PUBLIC_STAND_IN] },
    "private.example": { a: ["127.0.0.1"] },
    "metadata.example": { a: ["169.254.169.254"] },
    "v6loop.example": { aaaa: ["::1"] },
    "mapped.example": { aaaa: ["::ffff:7f00:1"] },
    "tenten.example": { a: ["10.0.0.1"] },
  });
  const answer: DnsAnswerer = (question, from) => {
    const name = question.name.toLowerCase().replace(/\.$/, "");
    if (name === "example.org") {
      // The censor in front of the CN probe says the name does not exist; the control is told the truth.
      return from === PROBE_SOURCE
        ? { rcode: RCODES.NXDOMAIN, answers: [] }
        : zoneAnswerer({ "example.org": { a: [PUBLIC_STAND_IN] } })(question, from);
    }
    if (name === "rebind.example" && question.type === "A") {
      // DNS rebinding: the first answer is public, every later one private.
      const data = rebindLookups++ === 0 ? PUBLIC_STAND_IN : "127.0.0.1";
      return { rcode: RCODES.NOERROR, answers: [{ name, type: "A", ttl: 0, data }] };
    }
    return zone(question, from);
  };
  const dns = await startDnsServer({ answer });

  const plan: VantagePlan = {
    vantages: [
      {
        id: "cn-beijing",
        country: "CN",
        region: "beijing",
        role: "probe",
        resolver: dns.address,
        localAddress: PROBE_SOURCE,
      },
      {
        id: "control-de",
        country: "DE",
        role: "control",
        resolver: dns.address,
        localAddress: CONTROL_SOURCE,
      },
    ],
    timeouts: { dns: 2000, tcp: 2000, tls: 2000, httpHeaders: 4000, httpBody: 2000 },
  };
  return {
    plan,
    policy: {
      refusal: (address) => (address === PUBLIC_STAND_IN ? null : refusalOfAddress(address)),
      ports: new Set([ports.http, ports.https]),
    },
    webPorts: ports,
    ca: [ca.certPem],
    privateAccepted: () => privateAccepted,
    served,
    releaseSlow: () => releaseSlow(),
    resetRebind: () => {
      rebindLookups = 0;
    },
    close: async () => {
      releaseSlow();
      await dns.close();
      await tls.close();
      http.closeAllConnections();
      await new Promise((done) => http.close(done));
      await Promise.all(privates.map((s) => new Promise((done) => s.close(done))));
      ca.dispose();
    },
  };
}

/** On-demand checks against the lab: its vantages, test CA, ports and address policy. */
export function labOnDemand(
  lab: OnDemandLab,
  kb: KnowledgeBase,
  store: Store,
  overrides: Partial<OnDemandOptions> & { onRefusal?: (refusal: SsrfRefusal) => void } = {},
): OnDemandChecks {
  const { onRefusal, ...rest } = overrides;
  return createOnDemandChecks({
    kb,
    store,
    plan: lab.plan,
    judge: createJudge(kb),
    // The guard as start wires it, with the lab's policy: loopback stands for public addresses here.
    measure: measurerOn(
      guardNetwork(realNetwork, { policy: lab.policy, ...(onRefusal ? { onRefusal } : {}) }),
    ),
    webPorts: lab.webPorts,
    ca: lab.ca,
    ...rest,
  });
}

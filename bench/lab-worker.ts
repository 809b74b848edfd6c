import { parentPort, workerData } from "node:worker_threads";
import { startDnsServer } from "../lab/servers/dns.js";
import { type KeyPair, startTlsServer } from "../lab/servers/tls.js";
import { RCODES } from "../probes/dns-wire.js";

// The benchmark's lab, on its own thread: the servers' half of every handshake then runs beside the
// measurers instead of on their event loop, as a remote service's would, so the figures are the
// measurers' own. Names carry their outcome: ok-7.bench.test, reset-8…, tls-timeout-2…, and
// tcp-timeout-0… (a black-holed 198.51.100.x).

export interface LabWorkerData {
  certificate: KeyPair;
  addresses: { ok: string; reset: string; stall: string };
}

export interface LabWorkerReady {
  port: number;
  resolver: string;
}

const { certificate, addresses } = workerData as LabWorkerData;
const ok = await startTlsServer({ host: addresses.ok, certificate });
const port = ok.port;
await startTlsServer({ host: addresses.reset, port, certificate, behaviour: () => "reset" });
await startTlsServer({ host: addresses.stall, port, certificate, behaviour: () => "stall" });
const dns = await startDnsServer({
  answer: (question) => {
    const match = /^(ok|reset|tcp-timeout|tls-timeout)-(\d+)\.bench\.test$/.exec(question.name);
    if (match === null) return { rcode: RCODES.NXDOMAIN, answers: [] };
    if (question.type !== "A") return { rcode: RCODES.NOERROR, answers: [] };
    const kind = match[1];
    const address =
      kind === "ok"
        ? addresses.ok
        : kind === "reset"
          ? addresses.reset
          : kind === "tls-timeout"
            ? addresses.stall
            : `198.51.100.${(Number(match[2]) % 250) + 1}`;
    return { rcode: RCODES.NOERROR, answers: [{ name: question.name, type: "A", ttl: 60, data: address }] };
  },
});
parentPort?.postMessage({ port, resolver: dns.address } satisfies LabWorkerReady);

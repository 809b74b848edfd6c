import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RCODES } from "../probes/dns-wire.js";
import { outputOf } from "./netns.js";
import { startDnsServer } from "./servers/dns.js";
import { pageHtml } from "./servers/http.js";
import { createTestCa, type KeyPair, startTlsServer } from "./servers/tls.js";

// An uncensored world, for a host that is not in China: inside a network namespace where every IPv4
// address is local, the system's resolver (whatever /etc/resolv.conf names) answers every name with one
// address, and there a TLS server presents a valid certificate for any name asked, so every service of the
// knowledge base "works". Runs `isblocked` as a user would, with no vantages file, and prints what each
// command said as one JSON line. test/cli/truthful-default.test.ts reads it.

const root = fileURLToPath(new URL("../../", import.meta.url));
const EVERYWHERE = "45.90.0.1";
const resolver = /^nameserver\s+(\S+)/m.exec(
  await import("node:fs").then((fs) => fs.readFileSync("/etc/resolv.conf", "utf8")),
)?.[1];
if (!resolver) throw new Error("no nameserver in /etc/resolv.conf");

const ca = createTestCa();
const certificates = new Map<string, KeyPair>();
const tls = await startTlsServer({
  host: EVERYWHERE,
  port: 443,
  certificate: (name) => {
    const key = name ?? EVERYWHERE;
    let pair = certificates.get(key);
    if (!pair) {
      pair = ca.issue([key]);
      certificates.set(key, pair);
    }
    return pair;
  },
  http: (_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(pageHtml("Works", "Works from here."));
  },
});
// WhatsApp's chat port, and every data centre of Telegram's on 443 and 80: listeners that accept.
const open = createTcpServer((socket) => socket.on("error", () => {}));
await new Promise<void>((resolve) => open.listen(5222, EVERYWHERE, resolve));
const dns = await startDnsServer({
  host: resolver,
  port: 53,
  answer: (question) =>
    question.type === "A"
      ? { rcode: RCODES.NOERROR, answers: [{ name: question.name, type: "A", ttl: 60, data: EVERYWHERE }] }
      : { rcode: RCODES.NOERROR, answers: [] },
});

const dir = mkdtempSync(join(tmpdir(), "isblocked-uncensored-"));
const baseEnv = {
  PATH: process.env.PATH ?? "",
  STORE_URL: `sqlite://${join(dir, "store.sqlite")}`,
  OONI_API_URL: "off",
  LOG_LEVEL: "warn",
  NODE_EXTRA_CA_CERTS: ca.certPath,
};

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(root, "bin", "isblocked.js"), ...args], {
    env: { ...baseEnv, ...env },
    cwd: dir,
  });
  return outputOf(child);
}

const firstProbe = await run(["probe", "--service", "whatsapp", "--json"]);
const secondProbe = await run(["probe", "--country", "CN", "--json"]);
const ask = await run(["ask", "is whatsapp blocked in china", "--json"]);
const vouched = await run(["probe", "--service", "whatsapp", "--json", "--dry-run"], { HOST_COUNTRY: "CN" });

process.stdout.write(`${JSON.stringify({ firstProbe, secondProbe, ask, vouched })}\n`);
await Promise.all([tls.close(), dns.close(), new Promise((resolve) => open.close(resolve))]);
ca.dispose();

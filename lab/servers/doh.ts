import { once } from "node:events";
import { createServer } from "node:http";
import {
  type DnsAnswerer,
  type DnsZone,
  decodeQuery,
  encodeReply,
  labTypeName,
  questionFor,
  typeCode,
  zoneAnswerer,
} from "./dns.js";

// A DNS-over-HTTPS server (plain HTTP on loopback: the transport is not what is under test) answering
// `GET /dns-query?name=&type=` in JSON and `GET /dns-query?dns=` in RFC 8484 wire format from the same
// answerer the lab's UDP server uses, encoded with dns-packet as the UDP server's are.

export interface LabDohServer {
  /** `http://host:port/dns-query`, the base URL a DoH measurer takes. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface DohServerOptions {
  host?: string;
  port?: number;
  answer: DnsZone | DnsAnswerer;
  /** Answer every query with this HTTP status instead (a broken DoH server). */
  failWithStatus?: number;
}

export async function startDohServer(options: DohServerOptions): Promise<LabDohServer> {
  const host = options.host ?? "127.0.0.1";
  const answer = typeof options.answer === "function" ? options.answer : zoneAnswerer(options.answer);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://lab");
    const from = req.socket.remoteAddress ?? "";
    if (url.pathname !== "/dns-query" || options.failWithStatus !== undefined) {
      res.writeHead(options.failWithStatus ?? 404).end();
      return;
    }
    const wire = url.searchParams.get("dns");
    if (wire !== null) {
      const query = decodeQuery(Buffer.from(wire, "base64url"));
      if (query === null) {
        res.writeHead(400).end(); // RFC 8484 4.2.1: a malformed request
        return;
      }
      const reply = query.question === undefined ? "silent" : answer(questionFor(query.question), from);
      if (reply === "silent") return; // the client's timeout fires
      res.writeHead(200, { "Content-Type": "application/dns-message" }).end(encodeReply(query.packet, reply));
      return;
    }
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type") ?? "A";
    const reply = answer({ name, type: labTypeName(type) }, from);
    if (reply === "silent") return;
    const body = {
      Status: reply.rcode,
      Question: [{ name, type: labTypeName(type) === null ? 1 : typeCode(type) }],
      Answer: reply.answers.map((a) => ({
        name: a.name,
        type: typeCode(a.type),
        TTL: a.ttl,
        data: a.data,
      })),
    };
    res.writeHead(200, { "Content-Type": "application/dns-json" }).end(JSON.stringify(body));
  });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("DoH server has no port");
  return {
    baseUrl: `http://${host}:${address.port}/dns-query`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

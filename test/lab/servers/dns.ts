import { createSocket, type RemoteInfo } from "node:dgram";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import {
  type DnsMessage,
  decodeMessage,
  encodeResponse,
  RCODES,
  type RecordTypeName,
  type ResponseSpec,
} from "../../../probes/dns-wire.js";

// A real DNS server on loopback (UDP, and TCP on the same port) that a lab configures per name and per
// querying address: it answers truthfully, forges, says NXDOMAIN or SERVFAIL, answers with no records,
// or stays silent. Deciding by source address lets one vantage's resolver lie (its queries leave from
// the vantage's localAddress) while the control's tells the truth.

/** What the server does for one question. */
export type DnsBehaviour =
  | {
      /** Addresses for A and AAAA; a CNAME is followed within the same zone. */
      a?: string[];
      aaaa?: string[];
      cname?: string;
      ttl?: number;
    }
  | "nxdomain"
  | "servfail"
  | "refused"
  | "silent";

/** Names (lower case, no trailing dot) to behaviours; a name not listed is NXDOMAIN. */
export type DnsZone = Record<string, DnsBehaviour>;

export interface DnsQuestionSeen {
  name: string;
  type: RecordTypeName | number;
  from: string;
  transport: "udp" | "tcp";
}

/** Decides the answer; `from` is the querying address. */
export type DnsAnswerer = (question: { name: string; type: RecordTypeName | null }, from: string) => Reply;

/** A response to send, or nothing at all. */
export type Reply = ResponseSpec | "silent";

export interface LabDnsServer {
  host: string;
  port: number;
  /** `host:port`, as a vantage's `resolver` field wants it. */
  address: string;
  /** Every question received, in order. */
  seen: DnsQuestionSeen[];
  close(): Promise<void>;
}

export interface DnsServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port; UDP and TCP share it). */
  port?: number;
  /** A zone for everyone, or a function of the question and the querying address. */
  answer: DnsZone | DnsAnswerer;
}

export const DEFAULT_TTL = 300;

/** Answers from a zone: records of the asked type, CNAMEs followed, rcodes for the string behaviours. */
export function zoneAnswerer(zone: DnsZone): DnsAnswerer {
  return (question) => {
    const answers: ResponseSpec["answers"] = [];
    let name = question.name.toLowerCase().replace(/\.$/, "");
    for (let hops = 0; hops < 8; hops++) {
      const behaviour = zone[name];
      if (behaviour === undefined)
        return { rcode: answers.length > 0 ? RCODES.NOERROR : RCODES.NXDOMAIN, answers };
      if (behaviour === "silent") return "silent";
      if (behaviour === "nxdomain") return { rcode: RCODES.NXDOMAIN, answers };
      if (behaviour === "servfail") return { rcode: RCODES.SERVFAIL, answers: [] };
      if (behaviour === "refused") return { rcode: RCODES.REFUSED, answers: [] };
      const ttl = behaviour.ttl ?? DEFAULT_TTL;
      if (behaviour.cname !== undefined) {
        answers.push({ name, type: "CNAME", ttl, data: behaviour.cname });
        name = behaviour.cname.toLowerCase();
        continue;
      }
      if (question.type === "A")
        for (const data of behaviour.a ?? []) answers.push({ name, type: "A", ttl, data });
      if (question.type === "AAAA") {
        for (const data of behaviour.aaaa ?? []) answers.push({ name, type: "AAAA", ttl, data });
      }
      return { rcode: RCODES.NOERROR, answers };
    }
    return { rcode: RCODES.SERVFAIL, answers: [] };
  };
}

/** Different zones for different querying addresses; `otherwise` for everyone else. */
export function byQuerier(zones: Record<string, DnsZone>, otherwise: DnsZone): DnsAnswerer {
  return (question, from) => zoneAnswerer(zones[from] ?? otherwise)(question, from);
}

function respond(query: Buffer, from: string, transport: "udp" | "tcp", server: Internals): Buffer | null {
  let message: DnsMessage;
  try {
    message = decodeMessage(query);
  } catch {
    return null; // not DNS: a real server would FORMERR, silence is as good for a lab
  }
  const question = message.questions[0];
  if (question === undefined || message.isResponse) return null;
  server.seen.push({ name: question.name, type: question.typeName ?? question.type, from, transport });
  const reply = server.answer({ name: question.name, type: question.typeName }, from);
  return reply === "silent" ? null : encodeResponse(message, reply);
}

interface Internals {
  seen: DnsQuestionSeen[];
  answer: DnsAnswerer;
}

function serveTcp(socket: Socket, server: Internals): void {
  let buffered = Buffer.alloc(0);
  socket.on("error", () => {});
  socket.on("data", (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const query = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const response = respond(query, socket.remoteAddress ?? "", "tcp", server);
      if (response === null) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(response.length);
      socket.write(Buffer.concat([prefix, response]));
    }
  });
}

export async function startDnsServer(options: DnsServerOptions): Promise<LabDnsServer> {
  const host = options.host ?? "127.0.0.1";
  const internals: Internals = {
    seen: [],
    answer: typeof options.answer === "function" ? options.answer : zoneAnswerer(options.answer),
  };
  const udp = createSocket(host.includes(":") ? "udp6" : "udp4");
  udp.on("message", (query: Buffer, remote: RemoteInfo) => {
    const response = respond(query, remote.address, "udp", internals);
    if (response !== null) udp.send(response, remote.port, remote.address);
  });
  udp.bind(options.port ?? 0, host);
  await once(udp, "listening");
  const port = udp.address().port;
  const tcp: Server = createServer((socket) => serveTcp(socket, internals));
  const sockets = new Set<Socket>();
  tcp.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  tcp.listen(port, host);
  await once(tcp, "listening");
  return {
    host,
    port,
    address: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
    seen: internals.seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((done) => udp.close(() => done())),
        new Promise((done) => tcp.close(done)),
      ]);
    },
  };
}

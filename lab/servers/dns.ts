import { createSocket, type Socket as DgramSocket, type RemoteInfo } from "node:dgram";
import { once } from "node:events";
import { createRequire } from "node:module";
import { createServer, type Server, type Socket } from "node:net";
import {
  type DecodedPacket,
  decode,
  encode,
  type Question,
  RECURSION_AVAILABLE,
  RECURSION_DESIRED,
  type StringAnswer,
  streamEncode,
} from "dns-packet";

// A real DNS server on loopback (UDP, and TCP on the same port) that a lab configures per name and per
// querying address: it answers truthfully, forges, says NXDOMAIN or SERVFAIL, answers with no records,
// or stays silent. Deciding by source address lets one vantage's resolver lie (its queries leave from
// the vantage's localAddress) while the control's tells the truth.
//
// The wire format is dns-packet's, not probes/dns-wire.ts: the probes speak DNS with their own codec,
// and a lab speaking it with the same one would mirror any bug in it instead of catching it.

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

/** The record types the lab names; any other type reaches an answerer as `null`. */
export type RecordTypeName = "A" | "CNAME" | "AAAA" | "OPT";
const TYPE_NAMES: readonly string[] = ["A", "CNAME", "AAAA", "OPT"] satisfies RecordTypeName[];

/** Response codes (RFC 1035 4.1.1, RFC 2136), the lab's own copy. */
export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** An answer to send: its response code and answer records (A and AAAA as text, CNAME as a name). */
export interface ResponseSpec {
  rcode: number;
  answers: { name: string; type: RecordTypeName; ttl: number; data: string }[];
}

// dns-packet names record types; its own table (types.js, not in its typings) gives their numbers.
const packetTypes = createRequire(import.meta.url)("dns-packet/types.js") as {
  toType(name: string): number;
  toString(type: number): string;
};

/** A type's number, whether dns-packet named it (`MX`) or not (`UNKNOWN_65280`). */
export const typeCode = (name: string): number => packetTypes.toType(name);

/** The lab's name for a dns-packet type name, or null when it is not one the lab knows. */
export const labTypeName = (name: string): RecordTypeName | null =>
  TYPE_NAMES.includes(name) ? (name as RecordTypeName) : null;

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

/** A DNS query and its first question, decoded by dns-packet; null when it is not a query. */
export interface LabQuery {
  packet: DecodedPacket;
  question: Question | undefined;
}

export function decodeQuery(wire: Buffer): LabQuery | null {
  let packet: DecodedPacket;
  try {
    packet = decode(wire);
  } catch {
    return null; // not DNS: a real server would FORMERR, silence is as good for a lab
  }
  if (packet.type === "response") return null;
  return { packet, question: packet.questions?.[0] };
}

/** The question as an answerer sees it: the name as asked (the root as ""), the type if the lab knows it. */
export function questionFor(question: Question): { name: string; type: RecordTypeName | null } {
  return { name: question.name === "." ? "" : question.name, type: labTypeName(question.type) };
}

/** The response to `query`: its id and questions, RD echoed, RA set, the rcode and the answers. */
export function encodeReply(
  query: DecodedPacket,
  reply: ResponseSpec,
  framing: "udp" | "tcp" = "udp",
): Buffer {
  const answers = reply.answers.map((record): StringAnswer => {
    if (record.type === "OPT") throw new Error("the lab cannot answer with an OPT record");
    return { name: record.name, type: record.type, class: "IN", ttl: record.ttl, data: record.data };
  });
  const packet = {
    type: "response" as const,
    id: query.id ?? 0,
    flags: ((query.flags ?? 0) & RECURSION_DESIRED) | RECURSION_AVAILABLE | (reply.rcode & 0x0f),
    questions: query.questions ?? [],
    answers,
  };
  return framing === "tcp" ? streamEncode(packet) : encode(packet);
}

function respond(wire: Buffer, from: string, transport: "udp" | "tcp", server: Internals): Buffer | null {
  const query = decodeQuery(wire);
  if (query?.question === undefined) return null;
  const { question } = query;
  const asked = questionFor(question);
  server.seen.push({ name: asked.name, type: asked.type ?? typeCode(question.type), from, transport });
  const reply = server.answer(asked, from);
  return reply === "silent" ? null : encodeReply(query.packet, reply, transport);
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
      if (response !== null) socket.write(response); // length-prefixed already
    }
  });
}

export async function startDnsServer(options: DnsServerOptions): Promise<LabDnsServer> {
  const host = options.host ?? "127.0.0.1";
  const internals: Internals = {
    seen: [],
    answer: typeof options.answer === "function" ? options.answer : zoneAnswerer(options.answer),
  };
  // One port number for both transports: the system picks a free UDP port, and TCP may already hold that
  // number (another test's connection): then the next free UDP port is tried.
  let udp: DgramSocket;
  let tcp: Server;
  let port: number;
  for (let attempt = 1; ; attempt++) {
    udp = createSocket(host.includes(":") ? "udp6" : "udp4");
    udp.bind(options.port ?? 0, host);
    await once(udp, "listening");
    port = udp.address().port;
    tcp = createServer((socket) => serveTcp(socket, internals));
    try {
      tcp.listen(port, host);
      await once(tcp, "listening");
      break;
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      await new Promise<void>((done) => udp.close(() => done()));
      if (!taken || options.port !== undefined || attempt === 20) throw error;
    }
  }
  udp.on("message", (query: Buffer, remote: RemoteInfo) => {
    const response = respond(query, remote.address, "udp", internals);
    if (response !== null) udp.send(response, remote.port, remote.address);
  });
  const sockets = new Set<Socket>();
  tcp.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
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

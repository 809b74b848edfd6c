import { IsblockedError } from "../core/errors.js";
// The DNS wire format (RFC 1035, AAAA from RFC 3596), just what DoH in wire format and the lab's DNS
// server need: one question, A/AAAA/CNAME answers, response codes. Written here rather than taken
// from a package so that DNS adds no runtime dependency.

export const RECORD_TYPES = { A: 1, CNAME: 5, AAAA: 28, OPT: 41 } as const;
export type RecordTypeName = keyof typeof RECORD_TYPES;

export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export class DnsWireError extends IsblockedError {
  override name = "DnsWireError";
}

export interface DnsQuestion {
  name: string;
  /** Numeric type; `typeName` when it is one we know. */
  type: number;
  typeName: RecordTypeName | null;
  class: number;
}

export interface DnsRecord {
  name: string;
  type: number;
  typeName: RecordTypeName | null;
  ttl: number;
  /** A/AAAA: the address as text; CNAME: the target name; anything else: null. */
  data: string | null;
}

export interface DnsMessage {
  id: number;
  isResponse: boolean;
  /** The raw 16-bit flags word, kept so a server can echo RD. */
  flags: number;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
}

const typeName = (type: number): RecordTypeName | null =>
  (Object.entries(RECORD_TYPES).find(([, code]) => code === type)?.[0] as RecordTypeName | undefined) ?? null;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, "ascii");
    if (bytes.length > 63) throw new DnsWireError(`label longer than 63 bytes: ${label}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Reads a possibly compressed name at `offset`; returns it and the offset just after it. */
function decodeName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let cursor = offset;
  let end = -1;
  for (let jumps = 0; ; ) {
    const length = buf.readUInt8(cursor);
    if (length === 0) {
      cursor += 1;
      break;
    }
    if ((length & 0xc0) === 0xc0) {
      if (++jumps > 32) throw new DnsWireError("compression pointer loop");
      if (end < 0) end = cursor + 2;
      cursor = buf.readUInt16BE(cursor) & 0x3fff;
      continue;
    }
    if (cursor + 1 + length > buf.length) throw new DnsWireError("label runs past the message");
    labels.push(buf.toString("ascii", cursor + 1, cursor + 1 + length));
    cursor += 1 + length;
  }
  return [labels.join("."), end < 0 ? cursor : end];
}

/** `::1` → 16 bytes. */
export function ipv6ToBytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const expand = (parts: string[]): number[] =>
    parts.flatMap((group) => {
      if (group.includes(".")) {
        const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
        return [(a << 8) | b, (c << 8) | d];
      }
      return [Number.parseInt(group, 16)];
    });
  const left = expand(groups(head));
  const right = tail === undefined ? [] : expand(groups(tail));
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...new Array<number>(zeros).fill(0), ...right];
  if (words.length !== 8 || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) {
    throw new DnsWireError(`not an IPv6 address: ${address}`);
  }
  const out = Buffer.alloc(16);
  words.forEach((word, i) => {
    out.writeUInt16BE(word, i * 2);
  });
  return out;
}

/** 16 bytes → the canonical (RFC 5952) text form, as the WHATWG URL parser writes it. */
export function bytesToIpv6(bytes: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(bytes.readUInt16BE(i).toString(16));
  return new URL(`http://[${words.join(":")}]/`).hostname.slice(1, -1);
}

function encodeRecord(record: { name: string; type: RecordTypeName; ttl: number; data: string }): Buffer {
  let rdata: Buffer;
  if (record.type === "A") rdata = Buffer.from(record.data.split(".").map(Number));
  else if (record.type === "AAAA") rdata = ipv6ToBytes(record.data);
  else if (record.type === "CNAME") rdata = encodeName(record.data);
  else throw new DnsWireError(`cannot encode a ${record.type} record`);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(RECORD_TYPES[record.type], 0);
  fixed.writeUInt16BE(1, 2); // class IN
  fixed.writeUInt32BE(record.ttl >>> 0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(record.name), fixed, rdata]);
}

function header(id: number, flags: number, counts: [number, number, number, number]): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(flags, 2);
  counts.forEach((count, i) => {
    out.writeUInt16BE(count, 4 + i * 2);
  });
  return out;
}

function encodeQuestion(name: string, type: number): Buffer {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  return Buffer.concat([encodeName(name), fixed]);
}

/** A recursive query (RD set) for one name and type. */
export function encodeQuery(id: number, name: string, type: RecordTypeName): Buffer {
  return Buffer.concat([header(id, 0x0100, [1, 0, 0, 0]), encodeQuestion(name, RECORD_TYPES[type])]);
}

export interface ResponseSpec {
  rcode: number;
  answers: { name: string; type: RecordTypeName; ttl: number; data: string }[];
}

/** The response to `query`: same id and question, RD echoed, RA set. */
export function encodeResponse(query: DnsMessage, spec: ResponseSpec): Buffer {
  const flags = 0x8000 | (query.flags & 0x0100) | 0x0080 | (spec.rcode & 0x0f);
  const questions = query.questions.map((q) => encodeQuestion(q.name, q.type));
  return Buffer.concat([
    header(query.id, flags, [questions.length, spec.answers.length, 0, 0]),
    ...questions,
    ...spec.answers.map(encodeRecord),
  ]);
}

/** Decodes header, questions and answers; authority and additional sections are not needed. */
export function decodeMessage(buf: Buffer): DnsMessage {
  try {
    if (buf.length < 12) throw new DnsWireError("shorter than a DNS header");
    const flags = buf.readUInt16BE(2);
    const qdcount = buf.readUInt16BE(4);
    const ancount = buf.readUInt16BE(6);
    let offset = 12;
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < qdcount; i++) {
      const [name, next] = decodeName(buf, offset);
      const type = buf.readUInt16BE(next);
      questions.push({ name, type, typeName: typeName(type), class: buf.readUInt16BE(next + 2) });
      offset = next + 4;
    }
    const answers: DnsRecord[] = [];
    for (let i = 0; i < ancount; i++) {
      const [name, next] = decodeName(buf, offset);
      const type = buf.readUInt16BE(next);
      const ttl = buf.readUInt32BE(next + 4);
      const length = buf.readUInt16BE(next + 8);
      const start = next + 10;
      if (start + length > buf.length) throw new DnsWireError("record runs past the message");
      let data: string | null = null;
      if (type === RECORD_TYPES.A && length === 4) data = [...buf.subarray(start, start + 4)].join(".");
      else if (type === RECORD_TYPES.AAAA && length === 16)
        data = bytesToIpv6(buf.subarray(start, start + 16));
      else if (type === RECORD_TYPES.CNAME) data = decodeName(buf, start)[0];
      answers.push({ name, type, typeName: typeName(type), ttl, data });
      offset = start + length;
    }
    return {
      id: buf.readUInt16BE(0),
      isResponse: (flags & 0x8000) !== 0,
      flags,
      rcode: flags & 0x0f,
      questions,
      answers,
    };
  } catch (error) {
    if (error instanceof DnsWireError) throw error;
    // Buffer reads past the end throw RangeError: to a caller, that is a malformed message.
    throw new DnsWireError("truncated DNS message", { cause: error });
  }
}

import { createRequire } from "node:module";
import {
  type Answer,
  decode,
  encode,
  type Packet,
  RECURSION_AVAILABLE,
  RECURSION_DESIRED,
  type StringAnswer,
} from "dns-packet";
import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  encodeQuery,
  encodeResponse,
  RCODES,
  RECORD_TYPES,
  type RecordTypeName,
} from "../../probes/dns-wire.js";

// probes/dns-wire.ts against an independent codec, dns-packet: what one encodes the other must decode to
// the same fields, byte for byte where both write the same message. The lab's servers speak dns-packet
// (lab/servers/dns.ts), so a bug in dns-wire shows here and in the probe tests rather than being
// mirrored by the lab. Expected values are written out by hand, never computed by either codec.

const require = createRequire(import.meta.url);
// dns-packet's own tables of numbers (not in its typings).
const packetTypes = require("dns-packet/types.js") as { toType(name: string): number };
const packetRcodes = require("dns-packet/rcodes.js") as { toRcode(name: string): number };

/** A name of 253 characters, the longest there is (255 octets on the wire), in labels of up to 63. */
const LONGEST = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
/** Another, sharing LONGEST's last two labels (so compression has a long suffix to point at). */
const LONGEST_SIBLING = ["e".repeat(63), "f".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");

const FLAGS_QR_RD_RA = 0x8180;

/** What dns-wire's decoder should say about one answer record. */
type Expected = [
  name: string,
  type: number,
  typeName: RecordTypeName | null,
  ttl: number,
  data: string | null,
];
/** What dns-packet decoded of one answer record. */
const packetRecord = (a: Answer) => [
  a.name,
  a.type,
  "ttl" in a ? a.ttl : -1,
  "data" in a ? a.data : undefined,
];

const recordsOf = (buf: Buffer) =>
  decodeMessage(buf).answers.map((a): Expected => [a.name, a.type, a.typeName, a.ttl, a.data]);

describe("the constants agree with dns-packet's tables", () => {
  it.each(Object.entries(RECORD_TYPES))("type %s is %i", (name, code) => {
    expect(packetTypes.toType(name)).toBe(code);
  });

  it.each(Object.entries(RCODES))("rcode %s is %i", (name, code) => {
    expect(packetRcodes.toRcode(name)).toBe(code);
  });
});

describe("queries encoded by dns-wire, decoded by dns-packet", () => {
  it.each([
    [0, "example.com", "A"],
    [0xffff, "Mixed.Case.Lab.Test", "AAAA"],
    [4242, "www.lab.test.", "A"],
    [1, "localhost", "AAAA"],
    [0x8001, LONGEST, "A"],
    [77, LONGEST_SIBLING, "AAAA"],
  ] as const)("id %i, %s %s", (id, name, type) => {
    const wire = encodeQuery(id, name, type);
    const packet = decode(wire);
    expect(decode.bytes).toBe(wire.length); // nothing left over, nothing missing
    expect(packet).toMatchObject({
      id,
      type: "query",
      opcode: "QUERY",
      rcode: "NOERROR",
      flag_qr: false,
      flag_aa: false,
      flag_tc: false,
      flag_rd: true,
      flag_ra: false,
      flag_z: false,
      flag_ad: false,
      flag_cd: false,
    });
    expect(packet.questions).toEqual([{ name: name.replace(/\.$/, ""), type, class: "IN" }]);
    expect([packet.answers, packet.authorities, packet.additionals]).toEqual([[], [], []]);
    // Neither compresses a lone question: the two must write the very same bytes.
    expect(wire).toEqual(
      encode({ type: "query", id, flags: RECURSION_DESIRED, questions: [{ name, type }] }),
    );
  });

  it("writes the name's length octets right for the longest name", () => {
    const wire = encodeQuery(1, LONGEST, "A");
    expect(wire.length).toBe(12 + 255 + 4);
    expect(wire[12]).toBe(63);
    expect(wire[12 + 64 * 3]).toBe(61);
    expect(wire[12 + 254]).toBe(0);
  });
});

describe("responses encoded by dns-packet, decoded by dns-wire", () => {
  const respond = (
    question: { name: string; type: RecordTypeName },
    rcode: number,
    answers: Answer[],
    more: Pick<Packet, "authorities" | "additionals"> = {},
    id = 4242,
  ): Buffer =>
    encode({
      type: "response",
      id,
      flags: RECURSION_DESIRED | RECURSION_AVAILABLE | rcode,
      questions: [{ name: question.name, type: question.type, class: "IN" }],
      answers,
      ...more,
    });

  it("an A answer, with header and question", () => {
    const message = decodeMessage(
      respond({ name: "Www.Lab.Test", type: "A" }, 0, [
        { name: "www.lab.test", type: "A", ttl: 120, data: "127.0.1.1" },
      ]),
    );
    expect(message).toEqual({
      id: 4242,
      isResponse: true,
      flags: FLAGS_QR_RD_RA,
      rcode: 0,
      questions: [{ name: "Www.Lab.Test", type: 1, typeName: "A", class: 1 }],
      answers: [{ name: "www.lab.test", type: 1, typeName: "A", ttl: 120, data: "127.0.1.1" }],
    });
  });

  it("AAAA answers, written as RFC 5952 (the URL parser's) canonical text", () => {
    const addresses: [string, string][] = [
      ["::1", "::1"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
      ["fe80::1:2", "fe80::1:2"],
      ["::ffff:192.0.2.1", "::ffff:c000:201"],
      ["::", "::"],
    ];
    const wire = respond(
      { name: "v6.lab.test", type: "AAAA" },
      0,
      addresses.map(([data], i) => ({ name: "v6.lab.test", type: "AAAA", ttl: 60 + i, data })),
    );
    expect(recordsOf(wire)).toEqual(
      addresses.map(([, text], i): Expected => ["v6.lab.test", 28, "AAAA", 60 + i, text]),
    );
  });

  it("a CNAME chain to its addresses, in order", () => {
    const wire = respond({ name: "alias.lab.test", type: "A" }, 0, [
      { name: "alias.lab.test", type: "CNAME", ttl: 30, data: "hop.cdn.test" },
      { name: "hop.cdn.test", type: "CNAME", ttl: 45, data: "www.lab.test" },
      { name: "www.lab.test", type: "A", ttl: 120, data: "127.0.1.1" },
      { name: "www.lab.test", type: "A", ttl: 121, data: "127.0.1.2" },
    ]);
    expect(recordsOf(wire)).toEqual([
      ["alias.lab.test", 5, "CNAME", 30, "hop.cdn.test"],
      ["hop.cdn.test", 5, "CNAME", 45, "www.lab.test"],
      ["www.lab.test", 1, "A", 120, "127.0.1.1"],
      ["www.lab.test", 1, "A", 121, "127.0.1.2"],
    ]);
  });

  const SOA: Answer = {
    name: "lab.test",
    type: "SOA",
    ttl: 900,
    data: {
      mname: "ns.lab.test",
      rname: "hostmaster.lab.test",
      serial: 2026,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 60,
    },
  };
  const OPT: Answer = {
    name: ".",
    type: "OPT",
    udpPayloadSize: 1232,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };

  it("NXDOMAIN, with the zone's SOA in authority and EDNS in additional", () => {
    const message = decodeMessage(
      respond({ name: "gone.lab.test", type: "A" }, 3, [], { authorities: [SOA], additionals: [OPT] }, 9),
    );
    expect(message).toEqual({
      id: 9,
      isResponse: true,
      flags: FLAGS_QR_RD_RA | 3,
      rcode: RCODES.NXDOMAIN,
      questions: [{ name: "gone.lab.test", type: 1, typeName: "A", class: 1 }],
      answers: [],
    });
  });

  it("an empty NOERROR (no records of that type), SOA in authority", () => {
    const message = decodeMessage(
      respond({ name: "v4only.lab.test", type: "AAAA" }, 0, [], { authorities: [SOA] }),
    );
    expect([message.rcode, message.answers, message.questions[0]?.typeName]).toEqual([0, [], "AAAA"]);
  });

  it.each([
    [1, RCODES.FORMERR],
    [2, RCODES.SERVFAIL],
    [4, RCODES.NOTIMP],
    [5, RCODES.REFUSED],
    [9, 9], // NOTAUTH: no name in dns-wire, the number all the same
  ])("rcode %i", (rcode, expected) => {
    expect(decodeMessage(respond({ name: "x.lab.test", type: "A" }, rcode, [])).rcode).toBe(expected);
  });

  it("many answers, TTLs from 0 to 2^32 - 1, each record where the last one ended", () => {
    const ttls = [0, 1, 59, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
    const answers = Array.from(
      { length: 40 },
      (_, i): StringAnswer => ({
        name: "many.lab.test",
        type: "A",
        ttl: ttls[i % ttls.length] ?? 0,
        data: `10.${i}.${255 - i}.${i * 6}`,
      }),
    );
    const records = recordsOf(respond({ name: "many.lab.test", type: "A" }, 0, answers));
    expect(records).toHaveLength(40);
    expect(records[0]).toEqual(["many.lab.test", 1, "A", 0, "10.0.255.0"]);
    expect(records[3]).toEqual(["many.lab.test", 1, "A", 2147483647, "10.3.252.18"]);
    expect(records[4]).toEqual(["many.lab.test", 1, "A", 2147483648, "10.4.251.24"]);
    expect(records[5]).toEqual(["many.lab.test", 1, "A", 4294967295, "10.5.250.30"]);
    expect(records[39]).toEqual(["many.lab.test", 1, "A", 2147483647, "10.39.216.234"]);
  });

  it("records of other types: skipped by their length, not decoded", () => {
    const wire = respond({ name: "mixed.lab.test", type: "A" }, 0, [
      { name: "mixed.lab.test", type: "TXT", ttl: 5, data: ["v=spf1 -all", "x".repeat(200)] },
      { name: "mixed.lab.test", type: "MX", ttl: 6, data: { preference: 10, exchange: "mail.lab.test" } },
      { name: "mixed.lab.test", type: "A", ttl: 7, data: "192.0.2.7" },
    ]);
    expect(recordsOf(wire)).toEqual([
      ["mixed.lab.test", 16, null, 5, null],
      ["mixed.lab.test", 15, null, 6, null],
      ["mixed.lab.test", 1, "A", 7, "192.0.2.7"],
    ]);
  });

  it("the longest names, as question, owner and CNAME target", () => {
    const wire = respond({ name: LONGEST, type: "AAAA" }, 0, [
      { name: LONGEST, type: "CNAME", ttl: 10, data: LONGEST_SIBLING },
      { name: LONGEST_SIBLING, type: "AAAA", ttl: 11, data: "2001:db8::53" },
    ]);
    const message = decodeMessage(wire);
    expect(message.questions.map((q) => q.name)).toEqual([LONGEST]);
    expect(recordsOf(wire)).toEqual([
      [LONGEST, 5, "CNAME", 10, LONGEST_SIBLING],
      [LONGEST_SIBLING, 28, "AAAA", 11, "2001:db8::53"],
    ]);
  });
});

/**
 * Writes a response the way most resolvers do and dns-packet never does: every name compressed against
 * the names (and name suffixes) before it, CNAME targets included (RFC 1035 4.1.4).
 */
function compressedResponse(
  id: number,
  question: { name: string; type: number },
  answers: { name: string; type: number; ttl: number; data: string }[],
): Buffer {
  const out: number[] = [];
  const at = new Map<string, number>();
  const u16 = (v: number) => out.push(v >> 8, v & 0xff);
  const name = (text: string) => {
    const labels = text.split(".");
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".");
      const earlier = at.get(suffix);
      if (earlier !== undefined) return u16(0xc000 | earlier);
      at.set(suffix, out.length);
      const bytes = Buffer.from(labels[i] ?? "", "ascii");
      out.push(bytes.length, ...bytes);
    }
    out.push(0);
  };
  for (const v of [id, FLAGS_QR_RD_RA, 1, answers.length, 0, 0]) u16(v);
  name(question.name);
  u16(question.type);
  u16(1);
  for (const answer of answers) {
    name(answer.name);
    u16(answer.type);
    u16(1);
    u16(answer.ttl >>> 16);
    u16(answer.ttl & 0xffff);
    const lengthAt = out.length;
    u16(0);
    if (answer.type === 5) name(answer.data);
    else out.push(...answer.data.split(".").map(Number));
    const length = out.length - lengthAt - 2;
    out[lengthAt] = length >> 8;
    out[lengthAt + 1] = length & 0xff;
  }
  return Buffer.from(out);
}

describe("compressed responses, decoded by both", () => {
  const cases = [
    {
      title: "a CNAME chain whose owners and targets point into the question and into each other's data",
      question: { name: "alias.lab.test", type: 1 },
      answers: [
        { name: "alias.lab.test", type: 5, ttl: 30, data: "www.lab.test" },
        { name: "www.lab.test", type: 5, ttl: 40, data: "edge.www.lab.test" },
        { name: "edge.www.lab.test", type: 1, ttl: 50, data: "127.0.1.1" },
        { name: "edge.www.lab.test", type: 1, ttl: 51, data: "127.0.1.2" },
      ],
    },
    {
      title: "the longest names, sharing a 127-octet suffix",
      question: { name: LONGEST, type: 1 },
      answers: [
        { name: LONGEST, type: 5, ttl: 10, data: LONGEST_SIBLING },
        { name: LONGEST_SIBLING, type: 1, ttl: 11, data: "192.0.2.1" },
      ],
    },
  ];

  it.each(cases)("$title", ({ question, answers }) => {
    const wire = compressedResponse(31337, question, answers);
    const expected = answers.map((a) => [a.name, a.type, a.ttl, a.data]);
    // The message really is compressed: much shorter than dns-packet writes the same one.
    const uncompressed = encode({
      type: "response",
      id: 31337,
      flags: RECURSION_DESIRED | RECURSION_AVAILABLE,
      questions: [{ name: question.name, type: question.type === 1 ? "A" : "AAAA" }],
      answers: answers.map(
        (a): StringAnswer => ({ name: a.name, type: a.type === 5 ? "CNAME" : "A", ttl: a.ttl, data: a.data }),
      ),
    });
    expect(wire.length).toBeLessThan(uncompressed.length - 20);

    const theirs = decode(wire);
    expect(theirs.id).toBe(31337);
    expect(theirs.questions?.map((q) => q.name)).toEqual([question.name]);
    expect((theirs.answers ?? []).map(packetRecord)).toEqual(
      answers.map((a) => [a.name, a.type === 5 ? "CNAME" : "A", a.ttl, a.data]),
    );

    const ours = decodeMessage(wire);
    expect(ours.id).toBe(31337);
    expect(ours.questions.map((q) => q.name)).toEqual([question.name]);
    expect(ours.answers.map((a) => [a.name, a.type, a.ttl, a.data])).toEqual(expected);
  });
});

describe("responses encoded by dns-wire, decoded by dns-packet", () => {
  it("keeps id, question, RD, sets QR and RA, and writes CNAME, A and AAAA records", () => {
    const query = decodeMessage(encodeQuery(513, "Alias.Lab.Test", "A"));
    const wire = encodeResponse(query, {
      rcode: RCODES.NOERROR,
      answers: [
        { name: "alias.lab.test", type: "CNAME", ttl: 30, data: LONGEST },
        { name: LONGEST, type: "A", ttl: 2 ** 32 - 1, data: "203.0.113.9" },
        { name: LONGEST, type: "AAAA", ttl: 0, data: "2001:db8::5:0:0:7" },
      ],
    });
    const packet = decode(wire);
    expect(decode.bytes).toBe(wire.length);
    expect(packet).toMatchObject({
      id: 513,
      type: "response",
      rcode: "NOERROR",
      flag_rd: true,
      flag_ra: true,
      flag_aa: false,
      flag_tc: false,
    });
    expect(packet.questions).toEqual([{ name: "Alias.Lab.Test", type: "A", class: "IN" }]);
    expect(packet.answers?.map(packetRecord)).toEqual([
      ["alias.lab.test", "CNAME", 30, LONGEST],
      [LONGEST, "A", 4294967295, "203.0.113.9"],
      [LONGEST, "AAAA", 0, "2001:db8::5:0:0:7"],
    ]);
  });

  // dns-packet writes IPv6 text its own way (the first run of zeros shortened, not the longest, as
  // RFC 5952 has it), so the address is checked as the bytes on the wire: the message's last 16.
  it.each([
    ["::1", "00000000000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["2001:db8:0:0:1::", "20010db8000000000001000000000000"],
    ["2001:db8::5:0:0:7", "20010db8000000000005000000000007"],
    ["FE80::A:B", "fe8000000000000000000000000a000b"],
    ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008"],
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["64:ff9b::198.51.100.7", "0064ff9b0000000000000000c6336407"],
  ])("writes AAAA %s as the right 16 bytes", (address, hex) => {
    const query = decodeMessage(encodeQuery(3, "v6.lab.test", "AAAA"));
    const wire = encodeResponse(query, {
      rcode: 0,
      answers: [{ name: "v6.lab.test", type: "AAAA", ttl: 1, data: address }],
    });
    expect(decode(wire).answers).toHaveLength(1);
    expect(wire.subarray(-16).toString("hex")).toBe(hex);
  });

  it("writes the rcode", () => {
    const query = decodeMessage(encodeQuery(2, "gone.lab.test", "AAAA"));
    const packet = decode(encodeResponse(query, { rcode: RCODES.NXDOMAIN, answers: [] }));
    expect(packet).toMatchObject({ id: 2, rcode: "NXDOMAIN", answers: [] });
  });
});

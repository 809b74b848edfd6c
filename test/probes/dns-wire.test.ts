import { describe, expect, it } from "vitest";
import {
  bytesToIpv6,
  DnsWireError,
  decodeMessage,
  encodeQuery,
  encodeResponse,
  ipv6ToBytes,
  RCODES,
} from "../../probes/dns-wire.js";

// The wire format DoH and the lab's DNS server share; c-ares (node:dns) checks the server side for real
// in dns.test.ts, these pin the edges.

describe("DNS wire format", () => {
  it("round-trips a query and its response with A, AAAA and CNAME records", () => {
    const query = decodeMessage(encodeQuery(4242, "Alias.Lab.Test", "A"));
    expect(query).toMatchObject({ id: 4242, isResponse: false, rcode: 0 });
    expect(query.questions).toEqual([{ name: "Alias.Lab.Test", type: 1, typeName: "A", class: 1 }]);
    const response = decodeMessage(
      encodeResponse(query, {
        rcode: RCODES.NOERROR,
        answers: [
          { name: "alias.lab.test", type: "CNAME", ttl: 30, data: "www.lab.test" },
          { name: "www.lab.test", type: "A", ttl: 120, data: "127.0.1.1" },
          { name: "www.lab.test", type: "AAAA", ttl: 120, data: "2001:db8::1" },
        ],
      }),
    );
    expect(response).toMatchObject({ id: 4242, isResponse: true, rcode: 0 });
    expect(response.flags & 0x0100).toBe(0x0100); // RD echoed
    expect(response.answers.map((a) => [a.typeName, a.ttl, a.data])).toEqual([
      ["CNAME", 30, "www.lab.test"],
      ["A", 120, "127.0.1.1"],
      ["AAAA", 120, "2001:db8::1"],
    ]);
  });

  it("carries response codes", () => {
    const query = decodeMessage(encodeQuery(1, "gone.lab.test", "AAAA"));
    expect(decodeMessage(encodeResponse(query, { rcode: RCODES.NXDOMAIN, answers: [] })).rcode).toBe(3);
  });

  it("follows compression pointers and refuses loops and truncation", () => {
    // Header with one question whose name is a pointer to itself.
    const loop = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(() => decodeMessage(loop)).toThrow(DnsWireError);
    expect(() => decodeMessage(encodeQuery(1, "x.lab.test", "A").subarray(0, 15))).toThrow(DnsWireError);
    expect(() => decodeMessage(Buffer.from([1, 2, 3]))).toThrow(/shorter than a DNS header/);
  });

  it.each([
    ["::1", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ["fe80::1:2", "fe80::1:2"],
  ])("IPv6 %s → %s", (text, canonical) => {
    expect(bytesToIpv6(ipv6ToBytes(text))).toBe(canonical);
  });

  it("rejects what is not an IPv6 address", () => {
    expect(() => ipv6ToBytes("1:2:3")).toThrow(DnsWireError);
    expect(() => ipv6ToBytes("::g")).toThrow(DnsWireError);
  });
});

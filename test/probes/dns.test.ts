import { createSocket } from "node:dgram";
import { once } from "node:events";
import { connect } from "node:net";
import { decode as decodePacket, encode as encodePacket, RECURSION_DESIRED } from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byQuerier, type DnsZone, type LabDnsServer, startDnsServer } from "../../lab/servers/dns.js";
import { type LabDohServer, startDohServer } from "../../lab/servers/doh.js";
import { answeredAddresses, measureDns, measureDnsQuery } from "../../probes/dns.js";
import { decodeMessage, encodeQuery } from "../../probes/dns-wire.js";
import { measureDoh, measureDohQuery } from "../../probes/doh.js";
import { CONTROL_SOURCE, expectEndedByTimeout, labContext, PROBE_SOURCE } from "./support.js";

// One lab resolver that lies to the probe vantage (queries from 127.0.0.2) and tells the control
// (127.0.0.3) the truth, plus names that NXDOMAIN, SERVFAIL, REFUSE, answer nothing or stay silent.

const TRUTH: DnsZone = {
  "www.lab.test": { a: ["127.0.1.1", "127.0.1.2"], aaaa: ["::1"], ttl: 120 },
  "alias.lab.test": { cname: "www.lab.test", ttl: 30 },
  "v4only.lab.test": { a: ["127.0.1.3"] },
  "empty.lab.test": {},
  "gone.lab.test": "nxdomain",
  "broken.lab.test": "servfail",
  "refused.lab.test": "refused",
  "quiet.lab.test": "silent",
};
const FORGED: DnsZone = { ...TRUTH, "www.lab.test": { a: ["10.10.34.34"], ttl: 60 } };

let server: LabDnsServer;
let doh: LabDohServer;
const TIMEOUT = 1000;

beforeAll(async () => {
  server = await startDnsServer({ answer: byQuerier({ [PROBE_SOURCE]: FORGED }, TRUTH) });
  doh = await startDohServer({ answer: TRUTH });
});
afterAll(async () => {
  await server.close();
  await doh.close();
});

const query = (hostname: string, type: "A" | "AAAA", localAddress = CONTROL_SOURCE) =>
  measureDnsQuery(labContext(), hostname, type, {
    resolver: server.address,
    localAddress,
    timeoutMs: TIMEOUT,
  });

describe("DNS through the vantage's resolver", () => {
  it("records A answers with their TTLs, as OONI does", async () => {
    const q = await query("www.lab.test", "A");
    expect(q).toMatchObject({
      engine: "udp",
      resolver_address: server.address,
      query_type: "A",
      hostname: "www.lab.test",
      failure: null,
      answers: [
        { answer_type: "A", ipv4: "127.0.1.1", ttl: 120 },
        { answer_type: "A", ipv4: "127.0.1.2", ttl: 120 },
      ],
    });
    expect(q.t).toBeGreaterThanOrEqual(q.t0);
  });

  it("records AAAA answers", async () => {
    expect((await query("www.lab.test", "AAAA")).answers).toEqual([
      { answer_type: "AAAA", ipv6: "::1", ttl: 120 },
    ]);
  });

  it("follows a CNAME to its addresses", async () => {
    expect((await query("alias.lab.test", "A")).answers?.map((a) => a.ipv4)).toEqual([
      "127.0.1.1",
      "127.0.1.2",
    ]);
  });

  it("sees the forged answer a censor gives the probe vantage, and the truth from the control", async () => {
    const probe = await query("www.lab.test", "A", PROBE_SOURCE);
    const control = await query("www.lab.test", "A", CONTROL_SOURCE);
    expect(probe.answers).toEqual([{ answer_type: "A", ipv4: "10.10.34.34", ttl: 60 }]);
    expect(control.answers?.[0]?.ipv4).toBe("127.0.1.1");
    expect(server.seen.some((s) => s.from === PROBE_SOURCE && s.name === "www.lab.test")).toBe(true);
  });

  it.each([
    ["gone.lab.test", "A", "dns_nxdomain_error"],
    ["unlisted.lab.test", "A", "dns_nxdomain_error"],
    ["broken.lab.test", "A", "dns_server_failure"],
    ["refused.lab.test", "A", "dns_refused_error"],
    ["empty.lab.test", "A", "dns_no_answer"],
    ["v4only.lab.test", "AAAA", "dns_no_answer"],
  ] as const)("%s %s → %s", async (hostname, type, failure) => {
    const q = await query(hostname, type);
    expect(q.failure).toBe(failure);
    expect(q.answers).toBeNull();
  });

  it("times out on a silent resolver within its own timeout", async () => {
    const q = await query("quiet.lab.test", "A");
    expect(q.failure).toBe("generic_timeout_error");
    expectEndedByTimeout(q, TIMEOUT);
  });

  it("tells a closed resolver port from a silent one", async () => {
    const q = await measureDnsQuery(labContext(), "www.lab.test", "A", {
      resolver: "127.0.0.1:1",
      timeoutMs: TIMEOUT,
    });
    expect(q.failure).toBe("connection_refused");
  });

  it("ends with `interrupted` when the caller aborts", async () => {
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    const q = await measureDnsQuery(labContext(caller.signal), "quiet.lab.test", "A", {
      resolver: server.address,
      timeoutMs: 5000,
    });
    expect(q.failure).toBe("interrupted");
    expect(q.t - q.t0).toBeLessThan(1);
  });

  it("queries A and AAAA in parallel and lists the answered addresses", async () => {
    const queries = await measureDns(labContext(), "www.lab.test", {
      resolver: server.address,
      localAddress: CONTROL_SOURCE,
      timeoutMs: TIMEOUT,
    });
    expect(queries.map((q) => q.query_type)).toEqual(["A", "AAAA"]);
    expect(answeredAddresses(queries)).toEqual({ ipv4: ["127.0.1.1", "127.0.1.2"], ipv6: ["::1"] });
  });
});

describe.each(["json", "wire"] as const)("DNS over HTTPS (%s) for control lookups", (format) => {
  const options = () => ({ baseUrl: doh.baseUrl, format, timeoutMs: TIMEOUT });

  it("records answers with TTLs, the CNAME included", async () => {
    const q = await measureDohQuery(labContext(), "alias.lab.test", "A", options());
    expect(q).toMatchObject({ engine: "doh", resolver_address: doh.baseUrl, failure: null });
    expect(q.answers).toEqual([
      { answer_type: "CNAME", hostname: "www.lab.test", ttl: 30 },
      { answer_type: "A", ipv4: "127.0.1.1", ttl: 120 },
      { answer_type: "A", ipv4: "127.0.1.2", ttl: 120 },
    ]);
  });

  it("queries A and AAAA", async () => {
    const queries = await measureDoh(labContext(), "www.lab.test", options());
    expect(answeredAddresses(queries)).toEqual({ ipv4: ["127.0.1.1", "127.0.1.2"], ipv6: ["::1"] });
  });

  it.each([
    ["gone.lab.test", "A", "dns_nxdomain_error"],
    ["broken.lab.test", "A", "dns_server_failure"],
    ["refused.lab.test", "A", "dns_refused_error"],
    ["v4only.lab.test", "AAAA", "dns_no_answer"],
  ] as const)("%s %s → %s", async (hostname, type, failure) => {
    expect((await measureDohQuery(labContext(), hostname, type, options())).failure).toBe(failure);
  });

  it("times out when the DoH server never answers", async () => {
    const q = await measureDohQuery(labContext(), "quiet.lab.test", "A", options());
    expect(q.failure).toBe("generic_timeout_error");
    expectEndedByTimeout(q, TIMEOUT);
  });
});

describe("DNS over HTTPS against a broken server", () => {
  it("calls an HTTP error a server failure", async () => {
    const broken = await startDohServer({ answer: TRUTH, failWithStatus: 502 });
    try {
      const q = await measureDohQuery(labContext(), "www.lab.test", "A", {
        baseUrl: broken.baseUrl,
        format: "json",
        timeoutMs: TIMEOUT,
      });
      expect(q.failure).toBe("dns_server_failure");
    } finally {
      await broken.close();
    }
  });
});

describe("the lab DNS server", () => {
  it("answers over TCP too, length-prefixed, deciding by the querying address", async () => {
    const socket = connect({ host: server.host, port: server.port, localAddress: PROBE_SOURCE });
    await once(socket, "connect");
    const query = encodeQuery(7, "www.lab.test", "A");
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length);
    socket.write(Buffer.concat([prefix, query]));
    let received = Buffer.alloc(0);
    while (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) {
      const [chunk] = (await once(socket, "data")) as [Buffer];
      received = Buffer.concat([received, chunk]);
    }
    socket.destroy();
    const response = decodeMessage(received.subarray(2));
    expect(response.id).toBe(7);
    expect(response.answers.map((a) => a.data)).toEqual(["10.10.34.34"]);
    expect(server.seen.at(-1)).toMatchObject({ transport: "tcp", from: PROBE_SOURCE });
  });

  it("answers an EDNS query of a type it does not name, recording the type's number", async () => {
    const socket = createSocket("udp4");
    socket.bind(0, CONTROL_SOURCE);
    await once(socket, "listening");
    const query = encodePacket({
      type: "query",
      id: 99,
      flags: RECURSION_DESIRED,
      questions: [{ name: "www.lab.test", type: "MX" }],
      additionals: [
        {
          name: ".",
          type: "OPT",
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    socket.send(query, server.port, server.host);
    const [reply] = (await once(socket, "message")) as [Buffer];
    socket.close();
    expect(decodePacket(reply)).toMatchObject({ id: 99, type: "response", flag_rd: true, rcode: "NOERROR" });
    expect(decodePacket(reply).answers).toEqual([]);
    expect(server.seen.at(-1)).toMatchObject({ name: "www.lab.test", type: 15, transport: "udp" });
  });

  it("over DoH, calls a query it cannot decode a bad request", async () => {
    const response = await fetch(`${doh.baseUrl}?dns=AAAA`);
    expect(response.status).toBe(400);
  });
});

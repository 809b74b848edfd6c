import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AddressPolicy,
  PUBLIC_WEB,
  parseTarget,
  refusalOfAddress,
  refusalOfHost,
  refusalOfParsed,
} from "../../core/ssrf.js";
import { classifyFailure } from "../../probes/failures.js";
import { checkDial, guardNetwork } from "../../probes/guarded-network.js";
import { realNetwork } from "../../probes/network.js";

// The SSRF table: every spelling of a refused address is refused by the pure check, and a guarded dial
// to it never reaches a real loopback listener that counts what it accepts.

/** [input, why it is refused]. */
const REFUSED: readonly [string, string][] = [
  ["127.0.0.1", "loopback"],
  ["127.1", "loopback"],
  ["127.0.1", "loopback"],
  ["0x7f.1", "loopback"],
  ["0x7F.0x0.0x0.0x1", "loopback"],
  ["0x7f000001", "loopback"],
  ["2130706433", "loopback"],
  ["0177.0.0.1", "loopback"],
  ["017700000001", "loopback"],
  ["127.000.000.001", "loopback"],
  ["127.0.0.1.", "loopback"],
  ["127.0.0.1..", "loopback"],
  ["%31%32%37.0.0.1", "loopback"],
  ["127%2e0%2e0%2e1", "loopback"],
  ["１２７.０.０.１", "loopback"],
  ["127。0。0。1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["[::1]", "loopback"],
  ["::1", "loopback"],
  ["[0:0:0:0:0:0:0:1]", "loopback"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["[::ffff:7f00:1]", "loopback"],
  ["[0:0:0:0:0:ffff:127.0.0.1]", "loopback"],
  ["[::127.0.0.1]", "loopback"],
  ["64:ff9b::7f00:1", "loopback"],
  ["[64:ff9b::127.0.0.1]", "loopback"],
  ["[64:ff9b:1::7f00:1]", "loopback"],
  ["[2002:7f00:1::]", "loopback"],
  ["[2001:0:4136:e378:8000:63bf:80ff:fffe]", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0", "unspecified"],
  ["[::]", "unspecified"],
  ["0.1.2.3", "this-network"],
  ["10.0.0.1", "private"],
  ["012.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["0xc0a80101", "private"],
  ["[::ffff:192.168.1.1]", "private"],
  ["100.64.0.1", "carrier-grade-nat"],
  ["100.127.255.254", "carrier-grade-nat"],
  ["169.254.169.254", "metadata"],
  ["0xa9fea9fe", "metadata"],
  ["[::ffff:169.254.169.254]", "metadata"],
  ["[fd00:ec2::254]", "metadata"],
  ["169.254.1.1", "link-local"],
  ["[fe80::1]", "link-local"],
  ["[FE80::ABCD]", "link-local"],
  ["[fc00::1]", "unique-local"],
  ["[fd12:3456:789a::1]", "unique-local"],
  ["[fec0::1]", "site-local"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["[ff02::1]", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["[2001:db8::1]", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["198.19.255.255", "benchmarking"],
  ["[2001:2::1]", "benchmarking"],
  ["192.0.0.1", "ietf-protocol"],
  ["192.88.99.1", "relay-anycast"],
  ["[100::1]", "discard-only"],
  ["[::ffff:8.8.8.8]", "ipv4-embedded"],
  ["[64:ff9b::808:808]", "ipv4-embedded"],
  ["[4000::1]", "not-global-unicast"],
  ["localhost", "local-name"],
  ["LOCALHOST.", "local-name"],
  ["foo.localhost", "local-name"],
  ["printer.local", "local-name"],
  ["metadata.google.internal", "local-name"],
  ["intranet", "local-name"],
  ["[fe80::1%25eth0]", "invalid"],
  ["exa mple.org", "invalid"],
  ["", "invalid"],
  ["0x100000000", "invalid"],
];

/** URL forms: the host a connection would go to is the one refused. */
const REFUSED_URLS: readonly string[] = [
  "http://127.0.0.1/",
  "http://example.org@127.0.0.1/",
  "http://example.org:80@127.1:80/",
  "https://user:pass@[::1]/",
  "HTTP://0X7F.1/",
  "http://%31%32%37.0.0.1/",
  "http://[::ffff:127.0.0.1]:443/",
  "http://169.254.169.254/latest/meta-data/",
  "http://localhost./",
  "http://127.0.0.1.nip/",
];

const ALLOWED: readonly string[] = [
  "example.org",
  "EXAMPLE.ORG.",
  "bücher.de",
  "93.184.215.14",
  "8.8.8.8",
  "1.1.1.1",
  "[2606:4700:4700::1111]",
  "2a00:1450:4001:82b::200e",
];

describe("the SSRF table (pure)", () => {
  it("has at least 60 refused rows", () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(60);
  });

  it.each(REFUSED)("refuses %s (%s)", (input, reason) => {
    expect(refusalOfHost(input)).toBe(reason);
  });

  it.each(REFUSED_URLS.filter((u) => !u.includes(".nip/")))("refuses the host of %s", (url) => {
    expect(refusalOfParsed(parseTarget(url).host)).not.toBeNull();
  });

  it("reads the host a browser would connect to, not the userinfo", () => {
    expect(parseTarget("http://example.org@127.0.0.1/").host).toEqual({
      kind: "ip",
      family: 4,
      address: "127.0.0.1",
    });
    expect(parseTarget("https://EXAMPLE.org:8443/x").port).toBe(8443);
    // A name that merely looks numeric is a name, and is left to DNS and the connect-time check.
    expect(parseTarget("http://127.0.0.1.nip/").host).toEqual({ kind: "name", name: "127.0.0.1.nip" });
  });

  it.each(ALLOWED)("allows the public host %s", (input) => {
    expect(refusalOfHost(input)).toBeNull();
  });

  it("allows only ports 80 and 443 by default", () => {
    expect(checkDial(PUBLIC_WEB, { ip: "8.8.8.8", port: 443 })).toEqual({ address: "8.8.8.8" });
    expect(checkDial(PUBLIC_WEB, { ip: "8.8.8.8", port: 80 })).toEqual({ address: "8.8.8.8" });
    expect(checkDial(PUBLIC_WEB, { ip: "8.8.8.8", port: 8080 })).toEqual({ refusal: "port" });
    expect(checkDial(PUBLIC_WEB, { ip: "8.8.8.8", port: 22 })).toEqual({ refusal: "port" });
  });
});

/** A real listener on 127.0.0.1 and ::1 (the same port) that counts the connections it accepts. */
async function countingListener(): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  let accepted = 0;
  const servers: Server[] = [];
  const listen = async (host: string, port: number) => {
    const server = createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    server.listen(port, host);
    await once(server, "listening");
    servers.push(server);
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  };
  const port = await listen("127.0.0.1", 0);
  await listen("::1", port).catch(() => undefined);
  return {
    port,
    accepted: () => accepted,
    close: () => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))).then(() => undefined),
  };
}

describe("the SSRF table against a real listener", () => {
  let listener: Awaited<ReturnType<typeof countingListener>>;
  beforeAll(async () => {
    listener = await countingListener();
  });
  afterAll(async () => {
    await listener.close();
  });

  /** The real address rules, with the listener's port allowed so that only the address can refuse. */
  const onListenerPort = (): AddressPolicy => ({
    refusal: refusalOfAddress,
    ports: new Set([listener.port]),
  });

  it("counts a connection when nothing refuses it (the counter works)", async () => {
    const open: AddressPolicy = { refusal: () => null, ports: new Set([listener.port]) };
    const before = listener.accepted();
    const socket = await guardNetwork(realNetwork, { policy: open }).dial({
      ip: "127.0.0.1",
      port: listener.port,
      signal: AbortSignal.timeout(2000),
    });
    socket.destroy();
    await expect.poll(() => listener.accepted()).toBe(before + 1);
  });

  it("refuses every row at connect time, as ssrf_refused, with 0 connections reaching the listener", async () => {
    const before = listener.accepted();
    const network = guardNetwork(realNetwork, { policy: onListenerPort() });
    const failures = await Promise.all(
      REFUSED.map(([input]) =>
        network
          .dial({ ip: input.replace(/^\[|\]$/g, ""), port: listener.port, signal: AbortSignal.timeout(2000) })
          .then(
            (socket) => {
              socket.destroy();
              return "connected";
            },
            (error: unknown) => classifyFailure(error),
          ),
      ),
    );
    expect(failures).toEqual(REFUSED.map(() => "ssrf_refused"));
    expect(listener.accepted()).toBe(before);
  });

  it("refuses a port other than 80 and 443 on an allowed address", async () => {
    const before = listener.accepted();
    const loopbackAsPublic: AddressPolicy = { refusal: () => null, ports: PUBLIC_WEB.ports };
    const failure = await guardNetwork(realNetwork, { policy: loopbackAsPublic })
      .dial({ ip: "127.0.0.1", port: listener.port, signal: AbortSignal.timeout(2000) })
      .then(
        () => "connected",
        (error: unknown) => classifyFailure(error),
      );
    expect(failure).toBe("ssrf_refused");
    expect(listener.accepted()).toBe(before);
  });
});

// Which hosts and addresses an on-demand probe may reach. Anyone can ask the bot about any domain, so a
// probe must never become a way into the bot's own network: loopback, private and link-local ranges,
// cloud metadata, and every address that is not globally routable are refused, however they are spelled.
//
// Spellings are undone by the WHATWG URL parser, the same one browsers use: it reads `127.1`, `0x7f.1`,
// `2130706433` and `0177.0.0.1` as IPv4, decodes percent-escapes, maps full-width digits and ideographic
// dots, lower-cases and applies IDNA. What it returns is then classified numerically, never by pattern,
// so no spelling of a refused address can look like another one. Pure: no DNS, no sockets.

/** Why an address or host is refused; null means it may be probed. */
export type Refusal =
  | "invalid"
  | "local-name"
  | "unspecified"
  | "this-network"
  | "loopback"
  | "private"
  | "carrier-grade-nat"
  | "link-local"
  | "metadata"
  | "ietf-protocol"
  | "documentation"
  | "benchmarking"
  | "relay-anycast"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "unique-local"
  | "site-local"
  | "discard-only"
  | "ipv4-embedded"
  | "not-global-unicast";

export type ParsedHost =
  | { kind: "ip"; family: 4 | 6; address: string }
  | { kind: "name"; name: string }
  | { kind: "invalid" };

/** A user's URL or host, reduced to what a probe would connect to. */
export interface ParsedTarget {
  host: ParsedHost;
  /** `http` or `https`; `http` when the input named no scheme. */
  scheme: "http" | "https" | "other";
  /** The port the input names, else the scheme's default. */
  port: number;
}

const MAX_NAME = 253;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Canonical text of a host the URL parser accepted: `127.0.0.1`, `::1` (no brackets), `example.org`. */
function fromUrlHostname(hostname: string): ParsedHost {
  if (hostname.startsWith("[")) return { kind: "ip", family: 6, address: hostname.slice(1, -1) };
  if (parseIpv4(hostname) !== null) return { kind: "ip", family: 4, address: hostname };
  const name = hostname.replace(/\.+$/, "");
  if (name === "" || name.length > MAX_NAME || !name.split(".").every((l) => LABEL.test(l))) {
    return { kind: "invalid" };
  }
  return { kind: "name", name };
}

/**
 * A host in any spelling: a name, an IPv4 in any form the URL parser reads, `[v6]` or bare v6, with
 * trailing dots, percent-escapes, upper case or Unicode (IDNA). Zone ids (`fe80::1%eth0`) are invalid.
 */
export function parseHost(input: string): ParsedHost {
  let text = input.trim();
  // Bare IPv6 (`::1`, `64:ff9b::7f00:1`) is bracketed first; anything else with a colon is not a host.
  if (text.includes(":") && !text.startsWith("[")) text = `[${text}]`;
  // Trailing dots are stripped before parsing, so `127.0.0.1..` is the address and not a name.
  if (!text.startsWith("[")) text = text.replace(/(?:\.|%2e)+$/i, "");
  if (text === "" || /[/?#@\\\s]/.test(text)) return { kind: "invalid" };
  let hostname: string;
  try {
    const url = new URL(`http://${text}/`);
    if (url.port !== "") return { kind: "invalid" };
    hostname = url.hostname;
  } catch {
    return { kind: "invalid" };
  }
  return fromUrlHostname(hostname);
}

/**
 * A URL or bare host a person typed. Userinfo (`http://example.org@127.0.0.1/`) is dropped exactly as
 * a browser drops it, so the host is the one a connection would go to.
 */
export function parseTarget(input: string): ParsedTarget {
  const text = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { host: { kind: "invalid" }, scheme: "other", port: 0 };
  }
  const scheme = url.protocol === "http:" ? "http" : url.protocol === "https:" ? "https" : "other";
  const port = url.port !== "" ? Number(url.port) : scheme === "https" ? 443 : scheme === "http" ? 80 : 0;
  const host = url.hostname === "" ? ({ kind: "invalid" } as const) : parseHost(url.hostname);
  return { host, scheme, port };
}

// ---------------------------------------------------------------------------------------------- IPv4

/** A dotted quad as a 32-bit number; null for anything else (other spellings go through parseHost). */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

interface Range4 {
  base: number;
  bits: number;
  refusal: Refusal;
}

const v4 = (cidr: string, refusal: Refusal): Range4 => {
  const [base = "", bits = "32"] = cidr.split("/");
  return { base: parseIpv4(base) as number, bits: Number(bits), refusal };
};

// IANA's IPv4 special-purpose registry, narrowest first where ranges nest.
const IPV4_RANGES: readonly Range4[] = [
  v4("0.0.0.0/32", "unspecified"),
  v4("0.0.0.0/8", "this-network"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "carrier-grade-nat"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.169.254/32", "metadata"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "ietf-protocol"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.88.99.0/24", "relay-anycast"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("255.255.255.255/32", "broadcast"),
  v4("240.0.0.0/4", "reserved"),
];

function inRange4(value: number, range: Range4): boolean {
  const shift = 32 - range.bits;
  return shift === 32 || value >>> shift === range.base >>> shift;
}

function classifyIpv4(value: number): Refusal | null {
  return IPV4_RANGES.find((range) => inRange4(value, range))?.refusal ?? null;
}

// ---------------------------------------------------------------------------------------------- IPv6

/** An IPv6 literal (no brackets, no zone) as a 128-bit number; null when it is not one. */
export function parseIpv6(text: string): bigint | null {
  let body = text;
  const groups: number[] = [];
  // A trailing dotted quad stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  let tail: number[] = [];
  if (dotted) {
    const quad = parseIpv4(dotted[2] as string);
    if (quad === null) return null;
    tail = [quad >>> 16, quad & 0xffff];
    body = (dotted[1] as string).endsWith("::") ? (dotted[1] as string) : (dotted[1] as string).slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string) =>
    half === "" ? [] : half.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : -1));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  const given = head.length + rest.length + tail.length;
  if (head.includes(-1) || rest.includes(-1)) return null;
  if (halves.length === 1 && given !== 8) return null;
  if (halves.length === 2 && given > 7) return null;
  groups.push(...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

interface Range6 {
  base: bigint;
  bits: number;
  refusal: Refusal;
}

const v6 = (cidr: string, refusal: Refusal): Range6 => {
  const [base = "", bits = "128"] = cidr.split("/");
  return { base: parseIpv6(base) as bigint, bits: Number(bits), refusal };
};

function inRange6(value: bigint, range: Range6): boolean {
  const shift = BigInt(128 - range.bits);
  return value >> shift === range.base >> shift;
}

// IANA's IPv6 special-purpose registry, narrowest first where ranges nest. Ranges that carry an IPv4
// address are handled separately (EMBEDDING), so an IPv4 refusal shows through them.
const IPV6_RANGES: readonly Range6[] = [
  v6("100::/64", "discard-only"),
  v6("2001:db8::/32", "documentation"),
  v6("3fff::/20", "documentation"),
  v6("2001:2::/48", "benchmarking"),
  v6("2001::/23", "ietf-protocol"),
  v6("fd00:ec2::254/128", "metadata"),
  v6("fc00::/7", "unique-local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local"),
  v6("ff00::/8", "multicast"),
];

const GLOBAL_UNICAST = v6("2000::/3", "not-global-unicast");

/** IPv6 ranges that carry an IPv4 address, and where: translation (NAT64), mapping and tunnels. */
const EMBEDDING: readonly { range: Range6; ipv4: (value: bigint) => number }[] = [
  { range: v6("::ffff:0:0/96", "ipv4-embedded"), ipv4: (v) => Number(v & 0xffffffffn) },
  { range: v6("::/96", "ipv4-embedded"), ipv4: (v) => Number(v & 0xffffffffn) },
  { range: v6("64:ff9b::/96", "ipv4-embedded"), ipv4: (v) => Number(v & 0xffffffffn) },
  { range: v6("64:ff9b:1::/48", "ipv4-embedded"), ipv4: (v) => Number(v & 0xffffffffn) },
  // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
  { range: v6("2002::/16", "ipv4-embedded"), ipv4: (v) => Number((v >> 80n) & 0xffffffffn) },
  // Teredo: the client's address is the last 32 bits, inverted.
  { range: v6("2001::/32", "ipv4-embedded"), ipv4: (v) => Number(~v & 0xffffffffn) },
];

function classifyIpv6(value: bigint): Refusal | null {
  // Before the embeddings: `::` and `::1` sit inside the IPv4-compatible range.
  if (value === 0n) return "unspecified";
  if (value === 1n) return "loopback";
  const embedding = EMBEDDING.find((e) => inRange6(value, e.range));
  if (embedding !== undefined) {
    // An embedded address is never dialled as IPv6: the probe would reach it through a translator or
    // tunnel it does not control. The IPv4 reason is named when there is one, it says more.
    const ipv4 = embedding.ipv4(value) >>> 0;
    return classifyIpv4(ipv4) ?? "ipv4-embedded";
  }
  const special = IPV6_RANGES.find((range) => inRange6(value, range));
  if (special !== undefined) return special.refusal;
  return inRange6(value, GLOBAL_UNICAST) ? null : "not-global-unicast";
}

// ------------------------------------------------------------------------------------------ policies

/** Why `address` (an IP literal in any spelling) may not be connected to; null when it may. */
export function refusalOfAddress(address: string): Refusal | null {
  const parsed = parseHost(address);
  if (parsed.kind !== "ip") return "invalid";
  return parsed.family === 4
    ? classifyIpv4(parseIpv4(parsed.address) as number)
    : classifyIpv6(parseIpv6(parsed.address) as bigint);
}

// RFC 6761 and 8375: names that resolve to the asker's own machine or network by convention.
const LOCAL_SUFFIXES = ["localhost", "local", "localdomain", "internal", "arpa", "lan"];

/** Why a host (name or address, any spelling) is refused before any lookup; null when it may be probed. */
export function refusalOfHost(input: string): Refusal | null {
  return refusalOfParsed(parseHost(input));
}

/** refusalOfHost for a host already parsed (a ParsedTarget's). */
export function refusalOfParsed(parsed: ParsedHost): Refusal | null {
  if (parsed.kind === "invalid") return "invalid";
  if (parsed.kind === "ip") return refusalOfAddress(parsed.address);
  const name = parsed.name;
  if (!name.includes(".")) return "local-name";
  return LOCAL_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`)) ? "local-name" : null;
}

/** The canonical text of an address the URL parser read, for logs and records: `127.0.0.1`, `::1`. */
export function canonicalAddress(address: string): string | null {
  const parsed = parseHost(address);
  return parsed.kind === "ip" ? parsed.address : null;
}

/** What a guarded network may connect to. Tests swap it to let a loopback lab stand for the world. */
export interface AddressPolicy {
  /** Why a connection to this (canonical) address is refused; null allows it. */
  refusal(address: string): Refusal | null;
  /** The destination ports allowed. */
  ports: ReadonlySet<number>;
}

/** Only globally routable unicast addresses, on the web's two ports. */
export const PUBLIC_WEB: AddressPolicy = {
  refusal: refusalOfAddress,
  ports: new Set([80, 443]),
};

// IP addresses as numbers, so that evidence ranges (CIDR) can be matched without a library. Pure; an
// unparsable string is simply "not an address" (null), never an exception: measurements are untrusted.

export interface ParsedIp {
  family: 4 | 6;
  /** The address as an unsigned integer: 32 bits for IPv4, 128 for IPv6. */
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as the last two groups.
  const lastColon = head.lastIndexOf(":");
  if (head.includes(".")) {
    tailV4 = parseV4(head.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Parses an IPv4 or IPv6 address (brackets and a zone index are tolerated); null if it is not one. */
export function parseIp(text: string): ParsedIp | null {
  const clean = text
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (clean.includes(":")) {
    const value = parseV6(clean);
    return value === null ? null : { family: 6, value };
  }
  const value = parseV4(clean);
  return value === null ? null : { family: 4, value };
}

export const isIp = (text: string): boolean => parseIp(text) !== null;

/** `10.0.0.0/8`, `fc00::/7`, or a single address (a /32 or /128). */
export function parseCidr(text: string): Cidr | null {
  const [address = "", prefixText] = text.split("/");
  const ip = parseIp(address);
  if (ip === null) return null;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: ip.family, base: ip.value & mask, prefix };
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address it carries, so IPv4 ranges match it too. */
function unmap(ip: ParsedIp): ParsedIp {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}

export function cidrContains(cidr: Cidr, address: string | ParsedIp): boolean {
  const parsed = typeof address === "string" ? parseIp(address) : address;
  if (parsed === null) return false;
  const ip = unmap(parsed);
  if (ip.family !== cidr.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  return ip.value >> BigInt(bits - cidr.prefix) === cidr.base >> BigInt(bits - cidr.prefix);
}

/** The address part of `ip:port`, `[v6]:port` or a bare address; null when there is none. */
export function addressHost(address: string | null | undefined): string | null {
  if (!address) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1] ?? null;
  if (isIp(address)) return address;
  const colon = address.lastIndexOf(":");
  if (colon > 0 && isIp(address.slice(0, colon))) return address.slice(0, colon);
  return null;
}

/** A canonical form for comparing addresses written differently (IPv6 compression, case). */
export function canonicalIp(text: string): string {
  const ip = parseIp(text);
  if (ip === null) return text.toLowerCase();
  const plain = unmap(ip);
  return `${plain.family}:${plain.value.toString(16)}`;
}

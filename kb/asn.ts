import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";

// Which network (autonomous system) an address belongs to, from the bundled IP-to-ASN dataset
// `@ip-location-db/asn` (RouteViews, the five RIRs and DB-IP; CC BY 4.0, credited in the README). The
// analysis uses it to tell a service's own address from a forged one without a control (an answer inside
// AS32934 is Facebook's), and answers name networks with it ("China Telecom, AS4134"). Read once, on the
// first look-up: most commands never need it. The CSVs are 30 MB of text; `npm run build` stores the same
// ranges as typed arrays beside the compiled loader (asn.bin), which load in milliseconds.

export interface AsnInfo {
  asn: number;
  /** The organisation as the dataset names it ("Facebook, Inc."). */
  name: string;
}

export interface AsnDatabase {
  lookup(ip: string): AsnInfo | undefined;
  /** The organisation name of an AS number, when the dataset has one. */
  nameOf(asn: number): string | undefined;
}

interface Table<T> {
  starts: T;
  ends: T;
  asns: Uint32Array;
}

/** One CSV line `start,end,asn,name` (the name possibly quoted, with commas inside). */
function splitLine(line: string): [string, string, string, string] | undefined {
  const a = line.indexOf(",");
  const b = line.indexOf(",", a + 1);
  const c = line.indexOf(",", b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  let name = line.slice(c + 1);
  if (name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), name];
}

function readLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

function ipv4ToNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  return (((parts[0] ?? 0) * 256 + (parts[1] ?? 0)) * 256 + (parts[2] ?? 0)) * 256 + (parts[3] ?? 0);
}

function ipv6ToBigInt(ip: string): bigint {
  let address = ip.split("%")[0] ?? ip;
  // An IPv4-mapped tail (::ffff:1.2.3.4) becomes its two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4?.[1]) {
    const n = ipv4ToNumber(v4[1]);
    address = `${address.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = address.split("::");
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : Array(8 - headParts.length - tailParts.length).fill("0");
  return [...headParts, ...fill, ...tailParts].reduce((acc, h) => (acc << 16n) | BigInt(`0x${h || "0"}`), 0n);
}

/** The index of the range holding `value`, by binary search over sorted, disjoint ranges. */
function find(table: Table<ArrayLike<number | bigint>>, value: number | bigint): number {
  let low = 0;
  let high = table.asns.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((table.starts[mid] as number | bigint) > value) high = mid - 1;
    else if ((table.ends[mid] as number | bigint) < value) low = mid + 1;
    else return mid;
  }
  return -1;
}

/** Reads one numeric CSV into sorted ranges; `parse` turns a bound into a number or bigint. */
function readTable<T extends number | bigint>(
  path: string,
  parse: (text: string) => T,
  names: Map<number, string>,
): Table<T[]> {
  const table: Table<T[]> = { starts: [], ends: [], asns: new Uint32Array(0) };
  const asns: number[] = [];
  for (const line of readLines(path)) {
    const fields = splitLine(line);
    if (!fields) continue;
    const asn = Number(fields[2]);
    table.starts.push(parse(fields[0]));
    table.ends.push(parse(fields[1]));
    asns.push(asn);
    if (!names.has(asn)) names.set(asn, fields[3]);
  }
  table.asns = Uint32Array.from(asns);
  return table;
}

interface Tables {
  v4: Table<ArrayLike<number>>;
  v6: Table<bigint[]>;
  names: Map<number, string>;
}

/** dist/kb/asn.bin, beside the compiled loader. */
export const DEFAULT_ASN_BINARY = fileURLToPath(new URL("./asn.bin", import.meta.url));

function packageDir(): string {
  return createRequire(import.meta.url)
    .resolve("@ip-location-db/asn/package.json")
    .replace(/package\.json$/, "");
}

function readCsvTables(dir: string): Tables {
  const names = new Map<number, string>();
  const v4 = readTable(`${dir}asn-ipv4-num.csv`, Number, names);
  const v6 = readTable(`${dir}asn-ipv6-num.csv`, BigInt, names);
  return { v4, v6, names };
}

const MAGIC = "isblocked-asn-1\n";

/**
 * The tables as one file: a JSON header (counts, names), then IPv4 starts and ends (float64), IPv4 ASNs
 * (uint32), IPv6 starts and ends as high and low 64-bit halves, IPv6 ASNs. Written under another name and
 * renamed, so a reader never sees half of it.
 */
export function writeAsnBinary(file: string = DEFAULT_ASN_BINARY, dir: string = packageDir()): number {
  const { v4, v6, names } = readCsvTables(dir);
  const header = Buffer.from(
    JSON.stringify({ v4: v4.asns.length, v6: v6.asns.length, names: [...names] }),
    "utf8",
  );
  const n6 = v6.asns.length;
  const mask = (1n << 64n) - 1n;
  const halves = (values: bigint[]) => [
    BigUint64Array.from(values, (v) => v >> 64n),
    BigUint64Array.from(values, (v) => v & mask),
  ];
  const parts = [
    Buffer.from(MAGIC),
    Buffer.from(Uint32Array.of(header.length).buffer),
    header,
    Buffer.alloc((8 - ((MAGIC.length + 4 + header.length) % 8)) % 8),
    Buffer.from(Float64Array.from(v4.starts).buffer),
    Buffer.from(Float64Array.from(v4.ends).buffer),
    ...halves(v6.starts).map((a) => Buffer.from(a.buffer)),
    ...halves(v6.ends).map((a) => Buffer.from(a.buffer)),
    Buffer.from(v4.asns.buffer),
    Buffer.from(v6.asns.buffer),
  ];
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, Buffer.concat(parts));
  renameSync(partial, file);
  return v4.asns.length + n6;
}

function readAsnBinary(file: string): Tables | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.subarray(0, MAGIC.length).toString() !== MAGIC) return undefined;
  // A fresh, 8-byte-aligned copy: typed arrays are views on it.
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  const headerLength = new Uint32Array(buffer, MAGIC.length, 1)[0] ?? 0;
  const header = JSON.parse(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength).toString()) as {
    v4: number;
    v6: number;
    names: [number, string][];
  };
  let offset = MAGIC.length + 4 + headerLength;
  offset += (8 - (offset % 8)) % 8;
  const take64 = (count: number) => {
    const array = new Float64Array(buffer, offset, count);
    offset += count * 8;
    return array;
  };
  const takeBig = (count: number) => {
    const array = new BigUint64Array(buffer, offset, count);
    offset += count * 8;
    return array;
  };
  const v4Starts = take64(header.v4);
  const v4Ends = take64(header.v4);
  const [sHi, sLo, eHi, eLo] = [
    takeBig(header.v6),
    takeBig(header.v6),
    takeBig(header.v6),
    takeBig(header.v6),
  ];
  const join = (hi: BigUint64Array, lo: BigUint64Array) =>
    Array.from(hi, (h, i) => (h << 64n) | (lo[i] ?? 0n));
  const v4Asns = new Uint32Array(buffer, offset, header.v4);
  offset += header.v4 * 4;
  const v6Asns = new Uint32Array(buffer, offset, header.v6);
  return {
    v4: { starts: v4Starts, ends: v4Ends, asns: v4Asns },
    v6: { starts: join(sHi, sLo), ends: join(eHi, eLo), asns: v6Asns },
    names: new Map(header.names),
  };
}

/** Loads the dataset: the build's binary when there is one, else the package's CSVs (`dir`). */
export function loadAsnDatabase(options: { binary?: string; dir?: string } = {}): AsnDatabase {
  const tables =
    (options.dir === undefined ? readAsnBinary(options.binary ?? DEFAULT_ASN_BINARY) : undefined) ??
    readCsvTables(options.dir ?? packageDir());
  const { v4, v6, names } = tables;
  const info = (asn: number | undefined): AsnInfo | undefined =>
    asn === undefined || asn === 0 ? undefined : { asn, name: names.get(asn) ?? `AS${asn}` };
  const lookup = (raw: string): AsnInfo | undefined => {
    const ip = raw.replace(/^\[|\]$/g, "");
    const family = isIP(ip);
    if (family === 4) {
      const i = find(v4, ipv4ToNumber(ip));
      return i < 0 ? undefined : info(v4.asns[i]);
    }
    if (family !== 6) return undefined;
    const value = ipv6ToBigInt(ip);
    // An IPv4-mapped address (::ffff:a.b.c.d) is looked up as the IPv4 address it carries.
    if (value >> 32n === 0xffffn)
      return lookup([24, 16, 8, 0].map((s) => Number((value >> BigInt(s)) & 0xffn)).join("."));
    const i = find(v6, value);
    return i < 0 ? undefined : info(v6.asns[i]);
  };
  return { lookup, nameOf: (asn) => names.get(asn) };
}

let shared: AsnDatabase | undefined;
let failed = false;

/**
 * The bundled dataset, loaded on first use and then shared. When it cannot be read (a trimmed install),
 * look-ups find nothing: the analysis then simply has no ASN to go on, as before the dataset existed.
 */
export function asnDatabase(): AsnDatabase {
  if (shared) return shared;
  if (!failed) {
    try {
      shared = loadAsnDatabase();
      return shared;
    } catch {
      failed = true;
    }
  }
  return { lookup: () => undefined, nameOf: () => undefined };
}

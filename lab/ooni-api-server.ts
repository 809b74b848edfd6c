import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { isObject, type Json } from "../analysis/ooni/normalize.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { defaultKbDir } from "../kb/load.js";
import type { Target } from "../model/status.js";
import { isoTime } from "../ooni/api.js";
import { OONI_IM_TESTS, ooniTargets } from "../ooni/plan.js";

// A local stand-in for OONI's API on 127.0.0.1, port 0, replaying REAL recorded responses: the
// measurement_meta answers OONI Explorer recorded (`../shared/data/ooni-raw/explorer-api/*.api.json`,
// served byte for byte) and their raw measurements (`*.raw.json`). The listing and the aggregation are
// built from those records' own metadata in the shapes OONI's API documents (ooni/backend
// api/ooniapi/measurements.py, aggregation.py); a test may answer any request itself (`respond`) or make
// the next few fail (`failNext`). Scenarios re-date and re-file real measurements (`redated`, `refiled`)
// rather than invent them, and the bench serves tens of thousands built from real templates
// (`syntheticBulk`), each answer built only when asked.

/** `../shared/data` beside the package root, found from source and from dist/ alike. */
export const SHARED_DATA_DIR = join(dirname(defaultKbDir()), "..", "shared", "data");
export const OONI_RAW_DIR = join(SHARED_DATA_DIR, "ooni-raw");
export const EXPLORER_API_DIR = join(OONI_RAW_DIR, "explorer-api");
export const haveExplorerApi = existsSync(EXPLORER_API_DIR);
/** Bare raw measurements from ooni/backend's fastpath tests (`recordedFromRaw` serves them). */
export const FASTPATH_DIR = join(OONI_RAW_DIR, "backend-fastpath");

export interface Recorded {
  status: number;
  contentType: string;
  body: string;
}

export interface RecordedMeasurement {
  uid: string;
  /** The measurement_meta body, parsed; the listing shows these fields. */
  meta: {
    input: string | null;
    measurement_start_time: string;
    measurement_uid: string;
    report_id: string;
    test_name: string;
    probe_cc: string;
    probe_asn: number;
    anomaly: boolean;
    confirmed: boolean;
    failure: boolean;
  };
  recorded: Recorded;
  raw: string | undefined;
}

export type ListingFields = RecordedMeasurement["meta"];

export function loadRecordedMeasurements(dir = EXPLORER_API_DIR): RecordedMeasurement[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".api.json"))
    .map((f) => {
      const recorded = JSON.parse(readFileSync(`${dir}/${f}`, "utf8")) as Recorded;
      const meta = JSON.parse(recorded.body) as RecordedMeasurement["meta"];
      const rawFile = `${dir}/${f.replace(/\.api\.json$/, ".raw.json")}`;
      return {
        uid: meta.measurement_uid,
        meta,
        recorded,
        raw: existsSync(rawFile) ? readFileSync(rawFile, "utf8") : undefined,
      };
    });
}

/** One recorded measurement_meta answer by its measurement_uid; throws when it is not recorded. */
export function recordedMeasurement(uid: string, dir = EXPLORER_API_DIR): RecordedMeasurement {
  const found = loadRecordedMeasurements(dir).find((r) => r.uid === uid);
  if (!found) throw new Error(`no recorded measurement ${uid} in ${dir}`);
  return found;
}

// --- Rewriting real measurements -------------------------------------------------------------------

const SPACED = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** OONI's uids: `20221110100919.165568_US_webconnectivity_782abf479bf32868`. */
const UID_SHAPE = /^\d{14}\.\d{6}_[A-Z]{2}_[a-z]+_[0-9a-f]{16}$/;

const msOf = (value: unknown): number | null => {
  const iso = typeof value === "string" ? isoTime(value) : null;
  return iso === null ? null : Date.parse(iso);
};

/** `ms` as `like` was written: `2022-11-05 22:39:29` in raw measurements, `2022-11-05T22:39:29Z` in the API. */
function writtenLike(like: unknown, ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 19);
  return typeof like === "string" && SPACED.test(like) ? iso.replace("T", " ") : `${iso}Z`;
}

/** 32-bit FNV-1a: stable ids and spreads without a cryptographic hash's cost. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

function asnNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(String(value ?? "").replace(/^AS/i, ""));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not an ASN: ${String(value)}`);
  return n;
}

/** A uid of OONI's shape: the start time, the country, the test, and 16 hex digits from `seed`. */
function uidFor(startMs: number, cc: string, test: string, seed: string): string {
  const time = new Date(startMs).toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const micro = String(fnv(`micro\u0000${seed}`) % 1_000_000).padStart(6, "0");
  return `${time}.${micro}_${cc}_${test.replaceAll("_", "")}_${hex8(fnv(seed))}${hex8(fnv(`${seed}\u0001`))}`;
}

/** A report id names its country and network (`…_webconnectivity_IR_197207_n1_…`, older `…_AS197207_…`). */
function refiledReportId(id: string, from: { cc: string; asn: number }, to: { cc: string; asn: number }) {
  return id
    .replace(`_${from.cc}_${from.asn}_`, `_${to.cc}_${to.asn}_`)
    .replace(`_AS${from.asn}_`, `_AS${to.asn}_`);
}

/**
 * OONI's own flags, guessed from the raw measurement's own test keys as OONI's fastpath would set them:
 * the listing and the aggregation show them. Our analyzer never reads them.
 */
function ooniFlags(raw: Json): { anomaly: boolean; confirmed: boolean; failure: boolean } {
  const keys = raw.test_keys;
  if (!isObject(keys)) return { anomaly: false, confirmed: false, failure: true };
  const anomaly = Object.entries(keys).some(
    ([k, v]) =>
      (k === "blocking" && typeof v === "string") ||
      (k.endsWith("_blocking") && v === true) ||
      (k.endsWith("_status") && v === "blocked"),
  );
  return { anomaly, confirmed: false, failure: false };
}

/** A measurement_meta body (full=true) for a bare raw measurement, its fields in OONI's order. */
function metaOfRaw(raw: Json, uid: string): Json {
  const flags = ooniFlags(raw);
  const apiTime = (v: unknown) => {
    const ms = msOf(v);
    return ms === null ? v : writtenLike("", ms);
  };
  return {
    input: typeof raw.input === "string" ? raw.input : "",
    measurement_start_time: apiTime(raw.measurement_start_time),
    measurement_uid: uid,
    report_id: raw.report_id ?? "",
    test_name: raw.test_name,
    test_start_time: apiTime(raw.test_start_time),
    probe_asn: asnNumber(raw.probe_asn),
    probe_cc: raw.probe_cc,
    scores: JSON.stringify({
      blocking_general: flags.anomaly ? 1 : 0,
      blocking_global: 0,
      blocking_country: 0,
      blocking_isp: 0,
      blocking_local: 0,
    }),
    ...flags,
    raw_measurement: "",
    category_code: "",
    verification_status: "unverified",
  };
}

/** The measurement_meta body and its raw measurement, parsed, to be rewritten and `finished`. */
function opened(record: RecordedMeasurement): { meta: Json; raw: Json } {
  const meta: unknown = JSON.parse(record.recorded.body);
  if (!isObject(meta) || typeof meta.raw_measurement !== "string") {
    throw new Error(`${record.uid}: no raw measurement to rewrite`);
  }
  const raw: unknown = JSON.parse(meta.raw_measurement);
  if (!isObject(raw)) throw new Error(`${record.uid}: the raw measurement is not an object`);
  return { meta, raw };
}

/** Both documents written back as OONI nests them: the raw measurement a JSON string inside the meta. */
function finished(meta: Json, raw: Json, contentType = "application/json"): RecordedMeasurement {
  const rawText = JSON.stringify(raw);
  meta.raw_measurement = rawText;
  return {
    uid: String(meta.measurement_uid),
    meta: meta as unknown as ListingFields,
    recorded: { status: 200, contentType, body: JSON.stringify(meta) },
    raw: rawText,
  };
}

/** Every time in both documents moved so the measurement started at `ms`; each test start keeps its lead. */
function moveTimes(docs: readonly Json[], ms: number): void {
  for (const doc of docs) {
    const started = msOf(doc.measurement_start_time);
    const testStarted = msOf(doc.test_start_time);
    doc.measurement_start_time = writtenLike(doc.measurement_start_time, ms);
    if (started !== null && testStarted !== null) {
      doc.test_start_time = writtenLike(doc.test_start_time, ms - (started - testStarted));
    }
  }
}

export interface Filing {
  probe_cc: string;
  /** `AS4134` or 4134. */
  probe_asn: string | number;
  /** The new network's name; without it a changed network's old name is dropped (null). */
  probe_network_name?: string;
  /** A new measurement_uid: this one, or (true) one derived from the new filing. */
  uid?: string | true;
}

function refile(meta: Json, raw: Json, filing: Filing): void {
  const from = {
    cc: String(meta.probe_cc ?? raw.probe_cc ?? ""),
    asn: asnNumber(meta.probe_asn ?? raw.probe_asn),
  };
  const to = { cc: filing.probe_cc, asn: asnNumber(filing.probe_asn) };
  for (const doc of [meta, raw]) {
    doc.probe_cc = to.cc;
    if (typeof doc.report_id === "string") doc.report_id = refiledReportId(doc.report_id, from, to);
  }
  meta.probe_asn = to.asn;
  raw.probe_asn = `AS${to.asn}`;
  if (filing.probe_network_name !== undefined) raw.probe_network_name = filing.probe_network_name;
  else if (from.asn !== to.asn && "probe_network_name" in raw) raw.probe_network_name = null;
  if (filing.uid !== undefined) {
    const uid =
      filing.uid === true
        ? uidFor(
            msOf(meta.measurement_start_time) ?? 0,
            to.cc,
            String(meta.test_name),
            `${String(meta.measurement_uid)}\u0000${to.cc}\u0000${to.asn}`,
          )
        : filing.uid;
    meta.measurement_uid = uid;
    if ("measurement_uid" in raw) raw.measurement_uid = uid;
  }
}

/**
 * The same measurement, started at `startTimeIso`: the listing's and measurement_meta's start time, and
 * the raw measurement's measurement_start_time and test_start_time (each keeping how long before the
 * measurement its test started), each in the format it was written in. Ids keep their dates: they are
 * names, not times.
 */
export function redated(record: RecordedMeasurement, startTimeIso: string): RecordedMeasurement {
  const ms = Date.parse(startTimeIso);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${startTimeIso}`);
  const { meta, raw } = opened(record);
  moveTimes([meta, raw], ms);
  return finished(meta, raw, record.recorded.contentType);
}

/** The same measurement filed under another country and network: meta, raw measurement and report id. */
export function refiled(record: RecordedMeasurement, filing: Filing): RecordedMeasurement {
  const { meta, raw } = opened(record);
  refile(meta, raw, filing);
  return finished(meta, raw, record.recorded.contentType);
}

/**
 * A bare raw measurement file as OONI's measurement_meta would answer for it. Its uid is its own, else
 * its file name when that is one (backend-fastpath names some files so), else one derived from its
 * report_id and input, stable across runs.
 */
export function recordedFromRaw(path: string): RecordedMeasurement {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!isObject(raw)) throw new Error(`${path}: not a raw measurement`);
  const named = basename(path).replace(/\.(raw\.)?json$/, "");
  const meta = metaOfRaw(raw, "");
  meta.measurement_uid =
    typeof raw.measurement_uid === "string"
      ? raw.measurement_uid
      : UID_SHAPE.test(named)
        ? named
        : uidFor(
            msOf(meta.measurement_start_time) ?? 0,
            String(meta.probe_cc),
            String(meta.test_name),
            `${String(raw.report_id)}\u0000${String(raw.input)}`,
          );
  return finished(meta, raw);
}

// --- What the server serves ------------------------------------------------------------------------

/** The measurements a server serves: listed from small metadata, each answer built when asked. */
export interface MeasurementCatalog {
  /** What a listing with these parameters may return, in any order: at least all it must; the server filters. */
  candidates(params: URLSearchParams): Iterable<ListingFields>;
  find(uid: string): RecordedMeasurement | undefined;
}

export function catalogOf(records: readonly RecordedMeasurement[]): MeasurementCatalog {
  const byUid = new Map<string, RecordedMeasurement>();
  for (const r of records) if (!byUid.has(r.uid)) byUid.set(r.uid, r);
  return { candidates: () => records.map((r) => r.meta), find: (uid) => byUid.get(uid) };
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is (bad JSON included); anything else as JSON. */
  body: unknown;
}

export interface Fault {
  /** Only requests to this path (`/api/v1/measurements`); any path when absent. */
  path?: string;
  status: number;
  /** A 429 carries `Retry-After: 1` unless these headers are given (`{}` for none). */
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests fail before service resumes; 1 when absent. */
  times?: number;
}

export interface OoniApiServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Answers a request instead of the replay when it returns a reply. */
  respond: ((path: string, params: URLSearchParams) => Reply | undefined) | undefined;
  /** The next `times` requests matching `path` answer `status`, before `respond` and the replay are asked. */
  failNext(fault: Fault): void;
  close(): Promise<void>;
}

const hostOf = (input: string | null) => {
  try {
    return input ? new URL(input).hostname : "";
  } catch {
    return "";
  }
};

const listParam = (params: URLSearchParams, name: string) =>
  params
    .get(name)
    ?.split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");

/** `since`/`until` as OONI takes them: UTC `2024-01-31T12:00:00` or a day; null when unreadable. */
function timeParam(params: URLSearchParams, name: string): number | null | undefined {
  const value = params.get(name);
  if (value === null || value === "") return undefined;
  return msOf(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
}

/**
 * OONI's filters (ooni/backend measurements.py): countries, tests, networks (`AS4134` or `4134`) and
 * domains as comma-separated lists; `since` exclusive and `until` inclusive on measurement_start_time.
 * A string when a parameter is unreadable, as OONI answers 400.
 */
function listingFilter(params: URLSearchParams): ((m: ListingFields) => boolean) | string {
  const ccs = listParam(params, "probe_cc");
  const tests = listParam(params, "test_name");
  const domains = listParam(params, "domain");
  const asnText = listParam(params, "probe_asn");
  const asns = asnText?.map((a) => Number(a.replace(/^AS/i, "")));
  if (asns?.some((a) => !Number.isInteger(a))) return "Invalid probe_asn parameter";
  const since = timeParam(params, "since");
  const until = timeParam(params, "until");
  if (since === null) return "Invalid since parameter";
  if (until === null) return "Invalid until parameter";
  return (m) => {
    if (ccs && !ccs.includes(m.probe_cc)) return false;
    if (tests && !tests.includes(m.test_name)) return false;
    if (asns && !asns.includes(m.probe_asn)) return false;
    if (domains && !domains.includes(hostOf(m.input))) return false;
    if (since === undefined && until === undefined) return true;
    const at = msOf(m.measurement_start_time) ?? Number.NaN;
    return (since === undefined || at > since) && (until === undefined || at <= until);
  };
}

function countsOf(found: readonly ListingFields[]) {
  return {
    anomaly_count: found.filter((x) => x.anomaly && !x.confirmed && !x.failure).length,
    confirmed_count: found.filter((x) => x.confirmed && !x.failure).length,
    failure_count: found.filter((x) => x.failure).length,
    ok_count: found.filter((x) => !x.anomaly && !x.confirmed && !x.failure).length,
    measurement_count: found.length,
  };
}

function replay(catalog: MeasurementCatalog, path: string, params: URLSearchParams): Reply {
  if (path === "/api/v1/aggregation" || path === "/api/v1/measurements") {
    const filter = listingFilter(params);
    if (typeof filter === "string") return { status: 400, body: { msg: filter } };
    const found = [...catalog.candidates(params)].filter(filter);
    if (path === "/api/v1/aggregation") {
      if (params.get("axis_x") === "domain") {
        const domains = [...new Set(found.map((m) => hostOf(m.input)))].sort();
        const result = domains.map((domain) => ({
          domain,
          ...countsOf(found.filter((m) => hostOf(m.input) === domain)),
        }));
        return { body: { v: 0, dimension_count: 1, result } };
      }
      return { body: { v: 0, dimension_count: 0, result: countsOf(found) } };
    }
    const limit = Number(params.get("limit") ?? 100);
    const offset = Number(params.get("offset") ?? 0);
    const sign = params.get("order")?.toLowerCase() === "asc" ? 1 : -1;
    const results = found
      .sort((a, b) => sign * a.measurement_start_time.localeCompare(b.measurement_start_time))
      .slice(offset, offset + limit)
      .map((m) => ({
        measurement_uid: m.measurement_uid,
        measurement_url: `/api/v1/raw_measurement?measurement_uid=${m.measurement_uid}`,
        report_id: m.report_id,
        probe_cc: m.probe_cc,
        probe_asn: `AS${m.probe_asn}`,
        test_name: m.test_name,
        measurement_start_time: m.measurement_start_time,
        input: m.input || null,
        anomaly: m.anomaly,
        confirmed: m.confirmed,
        failure: m.failure,
        scores: {},
      }));
    return { body: { metadata: { count: results.length, limit, offset, next_url: null }, results } };
  }
  const uid = params.get("measurement_uid");
  const record = uid ? catalog.find(uid) : undefined;
  if (path === "/api/v1/measurement_meta" && record) {
    return {
      status: record.recorded.status,
      headers: { "content-type": record.recorded.contentType },
      body: record.recorded.body,
    };
  }
  if (path === "/api/v1/raw_measurement" && record?.raw) return { body: record.raw };
  return { status: 404, body: { error: "not found" } };
}

export async function startOoniApiServer(
  measurements: readonly RecordedMeasurement[] | MeasurementCatalog,
): Promise<OoniApiServer> {
  const catalog = Array.isArray(measurements)
    ? catalogOf(measurements)
    : (measurements as MeasurementCatalog);
  const faults: (Fault & { left: number })[] = [];
  const state: OoniApiServer = {
    url: "",
    requests: [],
    respond: undefined,
    failNext: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    close: async () => {},
  };
  const injected = (path: string): Reply | undefined => {
    const fault = faults.find((f) => f.left > 0 && (f.path === undefined || f.path === path));
    if (!fault) return undefined;
    fault.left--;
    return {
      status: fault.status,
      headers: fault.headers ?? (fault.status === 429 ? { "retry-after": "1" } : {}),
      body: fault.body ?? { msg: `injected HTTP ${fault.status}` },
    };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    state.requests.push(`${url.pathname}${url.search}`);
    const reply =
      injected(url.pathname) ??
      state.respond?.(url.pathname, url.searchParams) ??
      replay(catalog, url.pathname, url.searchParams);
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

// --- A synthetic bulk, for the bench ---------------------------------------------------------------

/** A real raw measurement the bulk copies, and what our analyzer reads from it (test/lab checks it). */
export interface BulkTemplate {
  test: string;
  reads: "blocked" | "accessible";
  /** Under ../shared/data/ooni-raw. */
  file: string;
}

/** Per test, the templates our analyzer reads as blocked and as accessible, under ../shared/data/ooni-raw. */
const TEMPLATE_FILES: Record<string, Record<BulkTemplate["reads"], string[]>> = {
  web_connectivity: {
    blocked: [
      "backend-fastpath/web_connectivity_ir_fp.json",
      "backend-fastpath/bug_352.json",
      "backend-fastpath/web_connectivity_odd_hdr.json",
      "backend-fastpath/20250527233111.802678_ID_webconnectivity_5a37ec909dbf14e3.json",
    ],
    accessible: [
      "explorer-api/20221110100919.165568_US_webconnectivity_782abf479bf32868.raw.json",
      "explorer-api/20230307142542.625294_US_webconnectivity_9215f30cf2412f49.raw.json",
      "backend-fastpath/report1.json",
      "backend-fastpath/report2.json",
    ],
  },
  whatsapp: {
    blocked: ["explorer-api/20221105223930.168194_JP_whatsapp_e3e891f975f0d5ef.raw.json"],
    accessible: [
      "backend-fastpath/whatsapp.json",
      "explorer-api/20221110103854.762862_US_whatsapp_cb48f652956e71e0.raw.json",
    ],
  },
  // No real telegram or facebook_messenger measurement here reads as blocked: those pairs read accessible.
  telegram: {
    blocked: [],
    accessible: [
      "backend-fastpath/telegram_nourl.json",
      "explorer-api/20221109225810.435617_RU_telegram_ecbc73cacd8ea566.raw.json",
      "explorer-api/20221110102858.395748_US_telegram_b2b51fffce62b986.raw.json",
    ],
  },
  signal: {
    blocked: ["explorer-api/20210415084230.511612_IR_signal_ed269d082953bf2e.raw.json"],
    accessible: [
      "backend-fastpath/signal_022.json",
      "backend-fastpath/signal_679.json",
      "explorer-api/20210414233242.034345_BR_signal_390dca674022005a.raw.json",
    ],
  },
  facebook_messenger: {
    blocked: [],
    accessible: [
      "explorer-api/01202003044cadd4e9b30806be0e72a6e05e161a.raw.json",
      "explorer-api/01202004070b44da76babb5b2787229c716eb5c0.raw.json",
    ],
  },
};

export const BULK_TEMPLATES: readonly BulkTemplate[] = Object.entries(TEMPLATE_FILES).flatMap(
  ([test, files]) =>
    (["blocked", "accessible"] as const).flatMap((reads) =>
      files[reads].map((file) => ({ test, reads, file })),
    ),
);

export const haveBulkTemplates = BULK_TEMPLATES.every((t) => existsSync(join(OONI_RAW_DIR, t.file)));

/** A measurement's text pointed at another host: its URL, its DNS queries, its requests' Host headers. */
const rehosted = (text: string, from: string, to: string) => text.split(from).join(to);

/** The host a web_connectivity template's URL gets for a service: its first domain, `www.` kept. */
export function hostForService(kb: KnowledgeBase, service: string, templateHost: string): string {
  const domain = kb.service(service)?.domains[0];
  if (!domain) throw new Error(`no service ${service}`);
  return templateHost.startsWith("www.") && domain.split(".").length === 2 ? `www.${domain}` : domain;
}

/** A template for `service`: a web_connectivity one measures the service's host instead of its own. */
export function templateFor(kb: KnowledgeBase, template: BulkTemplate, service: string): RecordedMeasurement {
  const record = recordedFromRaw(join(OONI_RAW_DIR, template.file));
  const host = template.test === "web_connectivity" ? hostOf(record.meta.input) : "";
  if (!host) return record;
  const { meta, raw } = opened(record);
  const aimed = JSON.parse(rehosted(JSON.stringify(raw), host, hostForService(kb, service, host))) as Json;
  meta.input = aimed.input;
  return finished(meta, aimed);
}

export interface SyntheticBulkOptions {
  kb: KnowledgeBase;
  /** Every censoring country of the knowledge base when absent. */
  countries?: readonly string[];
  /** About this many measurements (50,000). */
  measurements?: number;
  /** Spread over the last this many hours (48). */
  hours?: number;
  /** Epoch milliseconds the bulk ends at; now when absent. */
  now?: number;
}

/** How a pair's networks read: all blocked, all accessible, or blocked on every other network. */
export type PairOutcome = "blocked" | "accessible" | "split";

export interface SyntheticBulk extends MeasurementCatalog {
  /** Measurements served. */
  size: number;
  /** Every (service, country) the bulk has measurements of. */
  pairs: Target[];
  networks(country: string): number[];
  outcome(target: Target): PairOutcome;
}

/** RFC 6996 private ASNs: networks that are plainly synthetic, eight per country at most. */
const FIRST_ASN = 64512;

/**
 * Measurements of every (service, country) that ooniTargets watches, on three to six networks per
 * country, spread over the window, each a copy of a real template (BULK_TEMPLATES) re-filed, re-dated
 * and, for web_connectivity, pointed at the service's host. Only small columns are held per measurement;
 * a listing row is made when listed and a measurement_meta answer when asked, so 50,000 cost a few MB.
 */
export function syntheticBulk(options: SyntheticBulkOptions): SyntheticBulk {
  const { kb } = options;
  const countries =
    options.countries ?? kb.countries.filter((c) => c.role === "censoring").map((c) => c.code);
  const wanted = options.measurements ?? 50_000;
  const windowMs = (options.hours ?? 48) * 3_600_000;
  const now = Math.floor((options.now ?? Date.now()) / 1000) * 1000;
  const services = [...new Set(ooniTargets(kb, countries).map((t) => t.service))];
  // Indexes are held in bytes, and each country has eight private ASNs of its own.
  if (countries.length > 127 || services.length > 255) throw new Error("too many countries or services");
  const testOf = (service: string) => OONI_IM_TESTS[service] ?? "web_connectivity";
  const tests = [...new Set(services.map(testOf))];

  const templates = BULK_TEMPLATES.map((t) => {
    const text = readFileSync(join(OONI_RAW_DIR, t.file), "utf8");
    const record = recordedFromRaw(join(OONI_RAW_DIR, t.file));
    return {
      ...t,
      text,
      host: t.test === "web_connectivity" ? hostOf(record.meta.input) : "",
      meta: record.meta,
    };
  });
  const templatesOf = (test: string, reads: BulkTemplate["reads"]) =>
    templates.flatMap((t, i) => (t.test === test && t.reads === reads ? [i] : []));

  const networkCount = (cc: string) => 3 + (fnv(`networks\u0000${cc}`) % 4);
  const asnOf = (country: number, network: number) => FIRST_ASN + country * 8 + network;
  const outcomeOf = (service: string, cc: string): PairOutcome => {
    if (templatesOf(testOf(service), "blocked").length === 0) return "accessible";
    const roll = fnv(`outcome\u0000${service}\u0000${cc}`) % 100;
    return roll < 35 ? "blocked" : roll < 45 ? "split" : "accessible";
  };

  const slots = countries.reduce((n, cc) => n + services.length * networkCount(cc), 0);
  const perSlot = Math.floor(wanted / slots);
  const extra = wanted % slots;
  const size = perSlot * slots + extra;
  const start = new Float64Array(size);
  const country = new Uint8Array(size);
  const service = new Uint8Array(size);
  const network = new Uint8Array(size);
  const template = new Uint8Array(size);
  const buckets = new Map<string, [number, number]>();
  const pairs: Target[] = [];

  let slot = 0;
  let next = 0;
  countries.forEach((cc, ci) => {
    for (const test of tests) {
      const from = next;
      services.forEach((id, si) => {
        if (testOf(id) !== test) return;
        const outcome = outcomeOf(id, cc);
        if (slot < extra || perSlot > 0) pairs.push({ service: id, country: cc });
        for (let n = 0; n < networkCount(cc); n++, slot++) {
          const reads = outcome === "split" ? (n % 2 === 0 ? "blocked" : "accessible") : outcome;
          const choices = templatesOf(test, reads);
          const count = perSlot + (slot < extra ? 1 : 0);
          for (let m = 0; m < count; m++, next++) {
            const jitter = 0.05 + (fnv(`${slot}\u0000${m}`) % 900) / 1000;
            start[next] = Math.floor((now - (windowMs * (m + jitter)) / count) / 1000) * 1000;
            country[next] = ci;
            service[next] = si;
            network[next] = n;
            template[next] = choices[(slot + m) % choices.length] as number;
          }
        }
      });
      // Newest first within a (country, test), as every listing the feed makes asks.
      const order = Array.from({ length: next - from }, (_, k) => from + k).sort(
        (a, b) => (start[b] as number) - (start[a] as number),
      );
      const columns = [start, country, service, network, template] as const;
      for (const column of columns) {
        const copy = order.map((i) => column[i] as number);
        column.set(copy, from);
      }
      buckets.set(`${cc}\u0000${test}`, [from, next]);
    }
  });

  // The uid ends with the measurement's index: a measurement_meta request finds its columns at once.
  const uidAt = (i: number) => {
    const cc = countries[country[i] as number] as string;
    const test = templates[template[i] as number]?.test ?? "";
    return `${uidFor(start[i] as number, cc, test, `bulk\u0000${i}`).slice(0, -8)}${hex8(i)}`;
  };
  const indexOf = (uid: string) => {
    const i = Number.parseInt(uid.slice(-8), 16);
    return Number.isInteger(i) && i >= 0 && i < size && uidAt(i) === uid ? i : undefined;
  };
  const parts = (i: number) => {
    const t = templates[template[i] as number] as (typeof templates)[number];
    const ci = country[i] as number;
    const id = services[service[i] as number] as string;
    const to = { cc: countries[ci] as string, asn: asnOf(ci, network[i] as number) };
    const host = t.host ? hostForService(kb, id, t.host) : "";
    return { t, to, host };
  };
  const listed = (i: number): ListingFields => {
    const { t, to, host } = parts(i);
    return {
      input: host ? rehosted(t.meta.input ?? "", t.host, host) : t.meta.input,
      measurement_start_time: writtenLike("", start[i] as number),
      measurement_uid: uidAt(i),
      report_id: refiledReportId(t.meta.report_id, { cc: t.meta.probe_cc, asn: t.meta.probe_asn }, to),
      test_name: t.test,
      probe_cc: to.cc,
      probe_asn: to.asn,
      anomaly: t.meta.anomaly,
      confirmed: t.meta.confirmed,
      failure: t.meta.failure,
    };
  };

  return {
    size,
    pairs,
    networks: (cc) => {
      const ci = countries.indexOf(cc);
      return ci < 0 ? [] : Array.from({ length: networkCount(cc) }, (_, n) => asnOf(ci, n));
    },
    outcome: (target) => outcomeOf(target.service, target.country),
    *candidates(params) {
      const since = timeParam(params, "since") ?? Number.NEGATIVE_INFINITY;
      for (const cc of listParam(params, "probe_cc") ?? countries) {
        for (const test of listParam(params, "test_name") ?? tests) {
          const [from, to] = buckets.get(`${cc}\u0000${test}`) ?? [0, 0];
          for (let i = from; i < to && (start[i] as number) > since; i++) yield listed(i);
        }
      }
    },
    find(uid) {
      const i = indexOf(uid);
      if (i === undefined) return undefined;
      const { t, to, host } = parts(i);
      const raw = JSON.parse(host ? rehosted(t.text, t.host, host) : t.text) as Json;
      const meta = metaOfRaw(raw, uid);
      moveTimes([meta, raw], start[i] as number);
      refile(meta, raw, { probe_cc: to.cc, probe_asn: to.asn });
      return finished(meta, raw);
    },
  };
}

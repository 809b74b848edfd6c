import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

// A local stand-in for OONI's API on 127.0.0.1, port 0, replaying REAL recorded responses: the
// measurement_meta answers OONI Explorer recorded (`../shared/data/ooni-raw/explorer-api/*.api.json`,
// served byte for byte) and their raw measurements (`*.raw.json`). The listing and the aggregation are
// built from those records' own metadata in the shapes OONI's API documents (ooni/backend
// api/ooniapi/measurements.py, aggregation.py); a test may answer any request itself (`respond`).

export const EXPLORER_API_DIR = fileURLToPath(
  new URL("../../../shared/data/ooni-raw/explorer-api/", import.meta.url),
);
export const haveExplorerApi = existsSync(EXPLORER_API_DIR);

interface Recorded {
  status: number;
  contentType: string;
  body: string;
}

export interface RecordedMeasurement {
  uid: string;
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

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is (bad JSON included); anything else as JSON. */
  body: unknown;
}

export interface OoniApiServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Answers a request instead of the replay when it returns a reply. */
  respond: ((path: string, params: URLSearchParams) => Reply | undefined) | undefined;
  close(): Promise<void>;
}

const hostOf = (input: string | null) => {
  try {
    return input ? new URL(input).hostname : "";
  } catch {
    return "";
  }
};

function matching(records: RecordedMeasurement[], params: URLSearchParams): RecordedMeasurement[] {
  const cc = params.get("probe_cc");
  const tests = params.get("test_name")?.split(",");
  const domains = params.get("domain")?.split(",");
  return records.filter(
    (r) =>
      (!cc || cc.split(",").includes(r.meta.probe_cc)) &&
      (!tests || tests.includes(r.meta.test_name)) &&
      (!domains || domains.includes(hostOf(r.meta.input))),
  );
}

function countsOf(records: RecordedMeasurement[]) {
  const m = records.map((r) => r.meta);
  return {
    anomaly_count: m.filter((x) => x.anomaly && !x.confirmed && !x.failure).length,
    confirmed_count: m.filter((x) => x.confirmed && !x.failure).length,
    failure_count: m.filter((x) => x.failure).length,
    ok_count: m.filter((x) => !x.anomaly && !x.confirmed && !x.failure).length,
    measurement_count: m.length,
  };
}

function replay(records: RecordedMeasurement[], path: string, params: URLSearchParams): Reply {
  if (path === "/api/v1/aggregation") {
    const found = matching(records, params);
    if (params.get("axis_x") === "domain") {
      const domains = [...new Set(found.map((r) => hostOf(r.meta.input)))].sort();
      const result = domains.map((domain) => ({
        domain,
        ...countsOf(found.filter((r) => hostOf(r.meta.input) === domain)),
      }));
      return { body: { v: 0, dimension_count: 1, result } };
    }
    return { body: { v: 0, dimension_count: 0, result: countsOf(found) } };
  }
  if (path === "/api/v1/measurements") {
    const limit = Number(params.get("limit") ?? 100);
    const results = matching(records, params)
      .sort((a, b) => b.meta.measurement_start_time.localeCompare(a.meta.measurement_start_time))
      .slice(0, limit)
      .map((r) => ({
        measurement_uid: r.uid,
        measurement_url: `/api/v1/raw_measurement?measurement_uid=${r.uid}`,
        report_id: r.meta.report_id,
        probe_cc: r.meta.probe_cc,
        probe_asn: `AS${r.meta.probe_asn}`,
        test_name: r.meta.test_name,
        measurement_start_time: r.meta.measurement_start_time,
        input: r.meta.input || null,
        anomaly: r.meta.anomaly,
        confirmed: r.meta.confirmed,
        failure: r.meta.failure,
        scores: {},
      }));
    return { body: { metadata: { count: results.length, limit, offset: 0, next_url: null }, results } };
  }
  const record = records.find((r) => r.uid === params.get("measurement_uid"));
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

export async function startOoniApiServer(records: RecordedMeasurement[]): Promise<OoniApiServer> {
  const state: OoniApiServer = {
    url: "",
    requests: [],
    respond: undefined,
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    state.requests.push(`${url.pathname}${url.search}`);
    const reply =
      state.respond?.(url.pathname, url.searchParams) ?? replay(records, url.pathname, url.searchParams);
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

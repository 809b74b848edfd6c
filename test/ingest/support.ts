import type { Measurement } from "../../model/measurement.js";
import { openSqliteFile } from "../../store/kv/sqlite-file.js";

// Shared by the ingest tests: measurements as an agent sends them, and a snapshot of every row of a
// SQLite store, read through a connection of its own, to show a rejected request changed nothing.

let counter = 0;

/** A well-formed endpoint measurement; `n` picks its id and start minute. */
export function measurement(n = counter++, overrides: Partial<Measurement> = {}): Measurement {
  const minute = String(n % 60).padStart(2, "0");
  return {
    id: `m-${n}`,
    test_name: "isblocked_endpoint",
    data_format_version: "0.2.0",
    measurement_start_time: `2026-03-01 12:${minute}:00`,
    test_runtime: 0.25,
    probe_cc: "CN",
    probe_region: null,
    vantage: "agent-claims",
    vantage_role: "probe",
    input: "tls://chat.chatapp.example:443",
    service: "chatapp",
    feature: "text",
    test_keys: {
      queries: [
        {
          engine: "udp",
          resolver_address: "127.0.0.1:53",
          query_type: "A",
          hostname: "chat.chatapp.example",
          answers: [{ answer_type: "A", ipv4: "127.0.2.4", ttl: 60 }],
          failure: null,
          t0: 0,
          t: 0.01,
        },
      ],
      tcp_connect: [
        {
          ip: "127.0.2.4",
          port: 443,
          status: { success: false, failure: "connection_reset" },
          t0: 0.01,
          t: 0.02,
        },
      ],
      tls_handshakes: [],
      requests: [],
    },
    ...overrides,
  };
}

/**
 * A connection of its own to a store's SQLite file. `rows()`: every row, sorted, equal means unchanged.
 * `version()`: SQLite's data_version, which moves whenever another connection commits a write, for
 * checks too frequent to read every row.
 */
export async function sqliteSnapshots(
  path: string,
): Promise<{ rows(): Promise<string>; version(): Promise<number>; close(): Promise<void> }> {
  const db = await openSqliteFile(path);
  const rows = db.prepare("SELECT key, value FROM keyv ORDER BY key");
  const dataVersion = db.prepare("PRAGMA data_version");
  return {
    rows: async () => JSON.stringify(rows.all()),
    version: async () => {
      const [row] = dataVersion.all() as { data_version: number }[];
      return row?.data_version ?? Number.NaN;
    },
    close: async () => db.close(),
  };
}

/** One snapshot of a store's SQLite file. */
export async function sqliteRows(path: string): Promise<string> {
  const snapshots = await sqliteSnapshots(path);
  try {
    return await snapshots.rows();
  } finally {
    await snapshots.close();
  }
}

import { z } from "zod";
import type { Measurement } from "../model/measurement.js";

// The body of POST /api/v1/ingest, checked before anything is stored: ingested measurements go through
// the same analyzer as the bot's own, so each must have the shape model/measurement.ts describes. Strings and
// lists are bounded so that one accepted body cannot grow the store beyond the body limit's order.

const text = (max: number) => z.string().max(max);
const seconds = z.number().finite().min(0).max(86_400);
const failure = text(500).nullable();

const dnsAnswer = z.strictObject({
  answer_type: z.enum(["A", "AAAA", "CNAME"]),
  ipv4: text(64).optional(),
  ipv6: text(64).optional(),
  hostname: text(255).optional(),
  ttl: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32)
    .nullable(),
});

const dnsQuery = z.strictObject({
  engine: z.enum(["system", "udp", "doh"]),
  resolver_address: text(2048),
  query_type: z.enum(["A", "AAAA"]),
  hostname: text(255),
  answers: z.array(dnsAnswer).max(64).nullable(),
  failure,
  t0: seconds,
  t: seconds,
});

const tcpConnect = z.strictObject({
  ip: text(64),
  port: z.number().int().min(0).max(65535),
  status: z.strictObject({
    success: z.boolean(),
    failure,
    blocked: z.boolean().nullable().optional(),
  }),
  t0: seconds,
  t: seconds,
});

const tlsHandshake = z.strictObject({
  address: text(128),
  server_name: text(255),
  failure,
  tls_version: text(32),
  cipher_suite: text(128),
  negotiated_protocol: text(32),
  peer_certificates: z
    .array(z.strictObject({ data: z.base64().max(64_000), format: z.literal("base64") }))
    .max(10),
  no_tls_verify: z.boolean(),
  t0: seconds,
  t: seconds,
});

const headers = z.record(text(256), text(8192));

const httpTransaction = z.strictObject({
  request: z.strictObject({ url: text(8192), method: text(16), headers }),
  response: z
    .strictObject({
      code: z.number().int().min(0).max(999),
      headers,
      body: z
        .union([
          text(2 * 1024 * 1024),
          z.strictObject({ format: z.literal("base64"), data: z.base64().max(3 * 1024 * 1024) }),
        ])
        .nullable(),
      body_is_truncated: z.boolean(),
      body_length: z.number().int().min(0).optional(),
      body_sha256: text(64).optional(),
      title: text(1024).optional(),
    })
    .nullable(),
  failure,
  t0: seconds,
  t: seconds,
});

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "1-128 of letters, digits, . _ -");

const measurement = z.strictObject({
  id,
  test_name: z.enum(["isblocked_endpoint", "isblocked_canary"]),
  data_format_version: z.literal("0.2.0"),
  // OONI's form, UTC: 2017-09-25 12:00:00.
  measurement_start_time: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, "YYYY-MM-DD hh:mm:ss (UTC)"),
  test_runtime: seconds,
  // The agent's claims of where it is; the bot overwrites them with the registered vantage.
  probe_cc: text(8),
  probe_region: text(100).nullable(),
  vantage: text(64),
  vantage_role: z.enum(["probe", "control"]),
  input: text(2048),
  service: text(64).nullable(),
  feature: text(64).nullable(),
  test_keys: z.strictObject({
    queries: z.array(dnsQuery).max(64),
    tcp_connect: z.array(tcpConnect).max(64),
    tls_handshakes: z.array(tlsHandshake).max(64),
    requests: z.array(httpTransaction).max(32),
  }),
});

/** Per request; an agent measuring the whole knowledge base stays far below. */
export const MAX_MEASUREMENTS = 5000;

export const ingestBody = z.strictObject({
  agent: id,
  sentAt: z.iso.datetime({ offset: true }),
  heartbeat: z.literal(true),
  canaries: z.array(measurement).max(100),
  measurements: z.array(measurement).max(MAX_MEASUREMENTS),
});

export type IngestBody = Omit<z.infer<typeof ingestBody>, "canaries" | "measurements"> & {
  canaries: Measurement[];
  measurements: Measurement[];
};

/** The body, or the first few problems as `path: message`. */
export function parseIngestBody(value: unknown): { body: IngestBody } | { problems: string[] } {
  const parsed = ingestBody.safeParse(value);
  if (parsed.success) return { body: parsed.data as IngestBody };
  return {
    problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
  };
}

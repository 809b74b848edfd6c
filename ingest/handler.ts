import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "../core/log.js";
import type { INGEST_OUTCOMES, IsblockedMetrics } from "../core/metrics.js";
import { fromTheFuture, MAX_AHEAD_MS, type Measurement, startOf } from "../model/measurement.js";
import type { Store } from "../model/store.js";
import { type AgentRegistry, type RegisteredAgent, vantageOf } from "../pipeline/agents.js";
import { type IngestBody, parseIngestBody } from "./schema.js";
import { checkSignature, checkWindow, HEADERS, parseTimestamp, WINDOW_S } from "./signature.js";

// POST /api/v1/ingest without the socket: headers and the raw body in, a status and a JSON value out
// (ingest/http.ts serves it over HTTP).
// What needs neither the body nor state is checked before a byte of the body is read (method, declared
// length, headers, timestamp window: `refuseUnread`); then the signature over the body, which costs the
// same for a registered agent and an unknown id; then the body itself; so a forged, expired or
// unknown-key request is rejected before the store is touched at all. Then the replay claim, then the
// measurements and the heartbeat. Failures are answers, never exceptions.

/** Bodies above this are refused with 413 before they are read to the end. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * A signature stays claimed this long: a timestamp is accepted from WINDOW_S before now to WINDOW_S
 * after, so a request could be replayed for up to twice the window from the moment it was seen.
 */
export const REPLAY_TTL_MS = 2 * WINDOW_S * 1000 + 60_000;

export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/** Request headers by lower-case name, as node and Hono give them. */
export type IngestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a request says before its body: enough for every check `refuseUnread` makes. */
export interface IngestHead {
  method: string;
  headers: IngestHeaders;
  /** The body was longer than MAX_BODY_BYTES and reading it stopped there. */
  tooLarge?: boolean;
}

export interface IngestRequest extends IngestHead {
  body: Buffer;
}

export interface IngestResponse {
  status: number;
  outcome: IngestOutcome;
  body: Record<string, unknown>;
}

export interface IngestDeps {
  store: Store;
  agents: AgentRegistry;
  metrics: Pick<IsblockedMetrics, "ingestRequests">;
  log: Logger;
  now?: () => Date;
}

const reject = (status: number, outcome: IngestOutcome, error: string, message: string): IngestResponse => ({
  status,
  outcome,
  body: { error, message },
});

const UNAUTHORIZED = (message: string) => reject(401, "unauthorized", "unauthorized", message);

function header(headers: IngestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
}

export async function handleIngest(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  return counted(refuseUnread(request, deps) ?? (await answer(request, deps)), deps);
}

/** Counts an answer at /metrics (isblocked_ingest_requests_total) and gives it back. */
export function counted(response: IngestResponse, deps: Pick<IngestDeps, "metrics">): IngestResponse {
  deps.metrics.ingestRequests.labels({ outcome: response.outcome }).inc();
  return response;
}

/**
 * The refusal a request earns before its body is read, or undefined when the body must be read to
 * decide. Nothing here depends on which agent ids are registered.
 */
export function refuseUnread(head: IngestHead, deps: Pick<IngestDeps, "now">): IngestResponse | undefined {
  if (head.method !== "POST") return reject(405, "bad_request", "method_not_allowed", "only POST");
  const declared = Number(header(head.headers, "content-length") ?? 0);
  if (head.tooLarge || declared > MAX_BODY_BYTES) {
    return reject(413, "too_large", "too_large", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  }
  const timestamp = parseTimestamp(header(head.headers, HEADERS.timestamp));
  if (
    header(head.headers, HEADERS.agent) === undefined ||
    timestamp === undefined ||
    header(head.headers, HEADERS.signature) === undefined
  ) {
    return UNAUTHORIZED(`${Object.values(HEADERS).join(", ")} are required`);
  }
  const window = checkWindow(timestamp, nowS(deps));
  if (window !== "ok") {
    return UNAUTHORIZED(`the timestamp is more than ${WINDOW_S} s from the bot's clock (${window})`);
  }
  return undefined;
}

/**
 * Signs with this for an unknown agent id: the refusal then takes the HMAC over the body that a registered
 * id's takes, so the time of the answer does not tell which ids exist. Random per process, never a key.
 */
const UNKNOWN_AGENT_KEY = randomBytes(32).toString("hex");

async function answer(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  const { store, agents, log } = deps;
  const now = (deps.now ?? (() => new Date()))();
  if (request.body.length > MAX_BODY_BYTES) {
    return reject(413, "too_large", "too_large", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  }
  // Present and well-formed: refuseUnread has seen them.
  const agentId = header(request.headers, HEADERS.agent) ?? "";
  const timestamp = parseTimestamp(header(request.headers, HEADERS.timestamp)) ?? 0;
  const signature = header(request.headers, HEADERS.signature) ?? "";
  const agent = agents.get(agentId);
  const check = checkSignature(
    agent?.key ?? UNKNOWN_AGENT_KEY,
    timestamp,
    request.body,
    signature,
    Math.floor(now.getTime() / 1000),
  );
  // One answer for an unknown agent and a bad signature: which ids exist is not for strangers to learn.
  if (!agent) {
    log.warn("ingest refused: unknown agent", { agent: agentId.slice(0, 64) });
    return UNAUTHORIZED("the signature does not match");
  }
  if (check !== "ok") {
    log.warn("ingest refused", { agent: agent.id, reason: check });
    return check === "forged"
      ? UNAUTHORIZED("the signature does not match")
      : UNAUTHORIZED(`the timestamp is more than ${WINDOW_S} s from the bot's clock (${check})`);
  }
  const parsed = parseBody(request.body);
  if ("problems" in parsed) {
    log.warn("ingest refused: invalid body", { agent: agent.id, problems: parsed.problems });
    return reject(400, "bad_request", "invalid_body", parsed.problems.join("; "));
  }
  if (parsed.body.agent !== agent.id) {
    return reject(400, "bad_request", "invalid_body", "agent: differs from the signing agent");
  }
  // A measurement dated ahead of this clock would be "the latest" of its endpoint until real time caught
  // up: the batch is refused whole, as any other invalid body, and the agent's clock is what to fix.
  const ahead = futureDated(parsed.body, now.getTime());
  if (ahead.length > 0) {
    log.warn("ingest refused: measurements from the future", { agent: agent.id, problems: ahead });
    return reject(400, "bad_request", "invalid_body", ahead.join("; "));
  }
  // Shared by every replica through the store. The signature names the exact request (timestamp and
  // body), so a resend of the same batch, signed anew, is not a replay but an idempotent repeat.
  const owner = randomUUID();
  const replayKey = `ingest-replay/${agent.id}/${signature.toLowerCase()}`;
  try {
    if (!(await store.claimOnce(replayKey, REPLAY_TTL_MS, owner))) {
      log.warn("ingest refused: replayed", { agent: agent.id });
      return reject(409, "replayed", "replayed", "this request was received already");
    }
    const stamped = [...parsed.body.canaries, ...parsed.body.measurements].map((m) => stamp(m, agent));
    const result = await store.addIngested(agent.id, stamped);
    await store.recordHeartbeat(agent.id, now.getTime());
    log.info("ingested", { agent: agent.id, ...result });
    // The agent learns its registered identity here: its country is the registration's, never its own guess.
    return { status: 200, outcome: "accepted", body: { ok: true, ...result, vantage: vantageOf(agent) } };
  } catch (error) {
    // The claim goes, so that the agent's retry of this very request is not taken for a replay.
    await store.releaseClaim(replayKey, owner).catch(() => false);
    log.error("ingest failed", { agent: agent.id, error });
    return reject(503, "failed", "unavailable", "the store did not answer; try again shortly");
  }
}

/** Where the body's measurements start more than MAX_AHEAD_MS after `nowMs`, as problems naming each. */
function futureDated(body: IngestBody, nowMs: number): string[] {
  const problems: string[] = [];
  for (const list of ["canaries", "measurements"] as const) {
    for (const [i, m] of body[list].entries()) {
      if (fromTheFuture(startOf(m), nowMs)) {
        problems.push(
          `${list}.${i}.measurement_start_time: more than ${MAX_AHEAD_MS / 1000} s after the bot's clock`,
        );
      }
    }
  }
  return problems;
}

function nowS(deps: Pick<IngestDeps, "now">): number {
  return Math.floor((deps.now ?? (() => new Date()))().getTime() / 1000);
}

function parseBody(body: Buffer): ReturnType<typeof parseIngestBody> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return { problems: ["(root): not JSON"] };
  }
  return parseIngestBody(value);
}

/** The registered identity replaces whatever the agent said about itself. */
function stamp(m: Measurement, agent: RegisteredAgent): Measurement {
  const vantage = vantageOf(agent);
  return {
    ...m,
    probe_cc: vantage.country,
    probe_region: vantage.region ?? null,
    vantage: vantage.id,
    vantage_role: vantage.role,
  };
}

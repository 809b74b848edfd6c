import { randomUUID } from "node:crypto";
import type { Logger } from "../core/log.js";
import type { INGEST_OUTCOMES, IsblockedMetrics } from "../core/metrics.js";
import type { Measurement } from "../model/measurement.js";
import type { Store } from "../model/store.js";
import { type AgentRegistry, type RegisteredAgent, vantageOf } from "../pipeline/agents.js";
import { parseIngestBody } from "./schema.js";
import { checkSignature, HEADERS, parseTimestamp, WINDOW_S } from "./signature.js";

// POST /api/v1/ingest without the socket: headers and the raw body in, a status and a JSON value out
// (ingest/http.ts serves it over HTTP).
// Every check that needs no state runs first (agent, window, signature, body), so that a forged,
// expired or unknown-key request is rejected before the store is touched at all; then the replay claim,
// then the measurements and the heartbeat. Failures are answers, never exceptions.

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

export interface IngestRequest {
  method: string;
  headers: IngestHeaders;
  body: Buffer;
  /** The body was longer than MAX_BODY_BYTES and reading it stopped there. */
  tooLarge?: boolean;
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
  const response = await answer(request, deps);
  deps.metrics.ingestRequests.labels({ outcome: response.outcome }).inc();
  return response;
}

async function answer(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  const { store, agents, log } = deps;
  const now = (deps.now ?? (() => new Date()))();
  if (request.method !== "POST") return reject(405, "bad_request", "method_not_allowed", "only POST");
  if (request.tooLarge || request.body.length > MAX_BODY_BYTES) {
    return reject(413, "too_large", "too_large", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  }
  const agentId = header(request.headers, HEADERS.agent);
  const timestamp = parseTimestamp(header(request.headers, HEADERS.timestamp));
  const signature = header(request.headers, HEADERS.signature);
  if (agentId === undefined || timestamp === undefined || signature === undefined) {
    return UNAUTHORIZED(`${Object.values(HEADERS).join(", ")} are required`);
  }
  const agent = agents.get(agentId);
  // One answer for an unknown agent and a bad signature: which ids exist is not for strangers to learn.
  if (!agent) {
    log.warn("ingest refused: unknown agent", { agent: agentId.slice(0, 64) });
    return UNAUTHORIZED("the signature does not match");
  }
  const check = checkSignature(
    agent.key,
    timestamp,
    request.body,
    signature,
    Math.floor(now.getTime() / 1000),
  );
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

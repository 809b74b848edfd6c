import { deadline } from "../core/deadline.js";
import type { Logger } from "../core/log.js";
import type { Batch, Outbox } from "./outbox.js";
import { signedHeaders } from "./signature.js";

// Sending the outbox to the bot, oldest batch first, each signed at the moment it is sent (so a batch
// that waited an hour is not refused as expired). What an answer means for the batch:
//   2xx                  delivered: removed
//   network error, 5xx,  kept, and the rest wait too (order is kept); tried again after a back-off
//   408, 429
//   any other 4xx        refused for good (a bad key, an invalid body): removed and logged, since
//                        sending it again can only be refused again

export type PushOutcome = "delivered" | "retry" | "dropped";

export interface PushTarget {
  url: string;
  agentId: string;
  key: string;
  /** Per request. */
  timeoutMs?: number;
  now?: () => Date;
}

export interface FlushReport {
  delivered: number;
  dropped: number;
  /** Batches still in the outbox after this flush. */
  remaining: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Who the bot says this agent is: its registration, which decides its country and role. */
export interface Registration {
  id: string;
  country: string;
  region?: string;
  role: "probe" | "control";
}

interface Sent {
  outcome: PushOutcome;
  registration: Registration | undefined;
}

/** Signs and sends one batch; never throws. */
async function send(target: PushTarget, batch: Batch, log: Logger): Promise<Sent> {
  const now = (target.now ?? (() => new Date()))();
  const body = JSON.stringify({
    agent: target.agentId,
    sentAt: now.toISOString(),
    heartbeat: true,
    canaries: batch.canaries,
    measurements: batch.measurements,
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  let response: Response;
  const limit = deadline(target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(target.agentId, target.key, timestamp, body),
      },
      body,
      signal: limit.signal,
    });
  } catch (error) {
    limit.dispose();
    log.warn("push failed: bot unreachable", { error: describe(error) });
    return { outcome: "retry", registration: undefined };
  }
  const answer = await response.text().catch(() => "");
  limit.dispose();
  if (response.ok) return { outcome: "delivered", registration: registrationIn(answer) };
  const fields = { status: response.status, answer: answer.slice(0, 500) };
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    log.warn("push failed: the bot will be asked again", fields);
    return { outcome: "retry", registration: undefined };
  }
  log.error("push refused: batch dropped", fields);
  return { outcome: "dropped", registration: undefined };
}

function registrationIn(answer: string): Registration | undefined {
  try {
    const vantage = (JSON.parse(answer) as { vantage?: Partial<Registration> }).vantage;
    if (
      vantage &&
      typeof vantage.id === "string" &&
      typeof vantage.country === "string" &&
      /^[A-Z]{2}$/.test(vantage.country) &&
      (vantage.role === "probe" || vantage.role === "control")
    ) {
      return {
        id: vantage.id,
        country: vantage.country,
        role: vantage.role,
        ...(typeof vantage.region === "string" ? { region: vantage.region } : {}),
      };
    }
  } catch {
    // An older bot's answer, or none: the registration stays unknown.
  }
  return undefined;
}

export async function pushBatch(target: PushTarget, batch: Batch, log: Logger): Promise<PushOutcome> {
  return (await send(target, batch, log)).outcome;
}

/**
 * Asks the bot who this agent is, with a heartbeat that carries no measurement: the agent's country is
 * its registration's, never a guess of its own. Undefined when the bot cannot be reached or does not say.
 */
export async function fetchRegistration(target: PushTarget, log: Logger): Promise<Registration | undefined> {
  const sent = await send(
    target,
    { canaries: [], measurements: [], createdAt: new Date().toISOString() },
    log,
  );
  return sent.registration;
}

/** Pushes the outbox oldest first until it is empty or a batch must wait. */
export async function flushOutbox(outbox: Outbox, target: PushTarget, log: Logger): Promise<FlushReport> {
  let delivered = 0;
  let dropped = 0;
  const names = await outbox.list();
  for (const [i, name] of names.entries()) {
    const batch = await outbox.read(name);
    if (batch === undefined) continue;
    if (batch === "corrupt") {
      log.error("outbox batch unreadable: dropped", { batch: name });
      await outbox.remove(name);
      dropped++;
      continue;
    }
    const outcome = await pushBatch(target, batch, log);
    if (outcome === "retry") return { delivered, dropped, remaining: names.length - i };
    await outbox.remove(name);
    if (outcome === "delivered") {
      delivered++;
      log.info("batch delivered", {
        batch: name,
        measurements: batch.measurements.length,
        canaries: batch.canaries.length,
      });
    } else dropped++;
  }
  return { delivered, dropped, remaining: 0 };
}

/** The error's message and its cause's, without a stack: a fetch failure's reason is in its cause. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** Exponential back-off with a cap, for retrying a bot that did not answer. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 5 * 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
}

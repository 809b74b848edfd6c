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

export async function pushBatch(target: PushTarget, batch: Batch, log: Logger): Promise<PushOutcome> {
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
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(target.agentId, target.key, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    log.warn("push failed: bot unreachable", { error: describe(error) });
    return "retry";
  }
  const answer = await response.text().catch(() => "");
  if (response.ok) return "delivered";
  const fields = { status: response.status, answer: answer.slice(0, 500) };
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    log.warn("push failed: the bot will be asked again", fields);
    return "retry";
  }
  log.error("push refused: batch dropped", fields);
  return "dropped";
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

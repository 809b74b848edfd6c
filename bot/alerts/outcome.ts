import type { ChatId } from "../../model/store.js";
import type { SendResult } from "./telegram-sender.js";

// What Telegram's answer to one send means for that delivery. Pure; the dispatcher acts on it.

export interface RetryPolicy {
  /** Back-off after the first failure; doubles with each further attempt. */
  baseMs: number;
  maxMs: number;
  /** Requests after which 5xx and unanswered sends give up. */
  maxAttempts: number;
  /** Requests after which even 429s give up: a chat Telegram never lets through must not block a job. */
  maxRequests: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 1000,
  maxMs: 5 * 60 * 1000,
  maxAttempts: 8,
  maxRequests: 30,
};

export type Outcome =
  /** Telegram accepted it. */
  | { kind: "sent"; messageId: number }
  /** Not accepted, worth another try no earlier than `notBefore` (epoch ms). */
  | { kind: "retry"; notBefore: number; reason: string }
  /** 403: the bot was blocked, kicked, or the account deleted. The chat is gone for good. */
  | { kind: "gone"; reason: string }
  /** 400 with migrate_to_chat_id: the group is now the supergroup `to`. */
  | { kind: "moved"; to: ChatId; reason: string }
  /** Any other refusal, or too many attempts. */
  | { kind: "failed"; reason: string };

/**
 * `attempts` counts the requests made for this delivery, the one answered by `result` included.
 * `random` (0..1) spreads back-offs, so that chats failed together do not retry in lockstep.
 */
export function decide(
  result: SendResult,
  attempts: number,
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Outcome {
  if (result.ok) return { kind: "sent", messageId: result.message_id };
  const reason = `${result.error_code}: ${result.description}`;
  const { error_code: code, parameters } = result;

  if (code === 429) {
    if (attempts >= policy.maxRequests) return { kind: "failed", reason: `${reason} (gave up)` };
    // Telegram says when: honour it to the second, never earlier; without a figure, back off.
    const wait =
      parameters.retry_after !== undefined
        ? parameters.retry_after * 1000
        : backOff(attempts, policy, random);
    return { kind: "retry", notBefore: now + wait, reason };
  }
  if (code === 403) return { kind: "gone", reason };
  if (code === 400 && parameters.migrate_to_chat_id !== undefined) {
    return { kind: "moved", to: String(parameters.migrate_to_chat_id), reason };
  }
  // 5xx: Telegram's side failed. 0: no answer (timeout, connection refused or reset).
  if (code >= 500 || code === 0) {
    if (attempts >= policy.maxAttempts) return { kind: "failed", reason: `${reason} (gave up)` };
    return { kind: "retry", notBefore: now + backOff(attempts, policy, random), reason };
  }
  return { kind: "failed", reason };
}

/** Exponential, capped, with "equal jitter": between half and all of base x 2^(attempts-1). */
export function backOff(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

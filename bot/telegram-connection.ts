import { setTimeout as sleep } from "node:timers/promises";
import type { Telegram } from "telegraf";
import type { UserFromGetMe } from "telegraf/types";
import { IsblockedError, messageOf } from "../core/errors.js";
import type { Logger } from "../core/log.js";

// Whether Telegram answers, told once per change: at start the bot waits for it with backoff rather than
// exiting on the first refused connection, and long polling, which telegraf retries silently, says when
// it lost Telegram and when it has it again. A token Telegram rejects is no network trouble: it stops the
// bot with one line naming BOT_TOKEN.

/** Backoff between attempts to reach Telegram at start: 1 s, doubling, at most a minute. */
export const RETRY_DELAYS_MS = { first: 1_000, max: 60_000 } as const;

/** Telegram refused the token itself: retrying cannot help. */
export class BotTokenRejectedError extends IsblockedError {
  override name = "BotTokenRejectedError";
}

/** Told of each call's outcome, it logs only when Telegram goes from answering to not, or back. */
export interface Reachability {
  failed(error: unknown): void;
  succeeded(): void;
}

export function telegramReachability(log: Logger, now: () => Date = () => new Date()): Reachability {
  let downSince: Date | undefined;
  return {
    failed(error) {
      if (downSince) return;
      downSince = now();
      log.warn(`Telegram unreachable since ${downSince.toISOString()}, retrying`, {
        reason: messageOf(error),
      });
    },
    succeeded() {
      if (!downSince) return;
      log.info("Telegram reachable again", {
        downForS: Math.round((now().getTime() - downSince.getTime()) / 1000),
      });
      downSince = undefined;
    },
  };
}

/** 401 and 404 are Telegram's answers to a token it does not know; anything else may pass. */
function rejectsToken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 401 || code === 404;
}

/** The wait before retry `n` (from 1): RETRY_DELAYS_MS.first, doubling, at most RETRY_DELAYS_MS.max. */
export const retryDelayMs = (retry: number): number =>
  Math.min(RETRY_DELAYS_MS.first * 2 ** (retry - 1), RETRY_DELAYS_MS.max);

export interface ConnectOptions {
  log: Logger;
  reachability: Reachability;
  /** Aborted when the bot is stopping: the wait ends with the signal's reason. */
  signal: AbortSignal;
  /** Waited before attempt `n` (1 for the first retry); RETRY_DELAYS_MS doubling unless given. */
  delayMs?: (retry: number) => number;
}

/**
 * Asks Telegram who the bot is until it answers: the bot's user, once reachable. Rejects with
 * BotTokenRejectedError when Telegram refuses the token, and with the signal's reason once stopped.
 */
export async function connectTelegram(telegram: Telegram, options: ConnectOptions): Promise<UserFromGetMe> {
  const delayMs = options.delayMs ?? retryDelayMs;
  for (let retry = 1; ; retry++) {
    try {
      const me = await telegram.getMe();
      options.reachability.succeeded();
      return me;
    } catch (error) {
      if (rejectsToken(error)) {
        throw new BotTokenRejectedError("BOT_TOKEN: Telegram rejected the token; check it with @BotFather", {
          cause: error,
        });
      }
      options.reachability.failed(error);
      options.log.debug("telegram not reached", { retry, error });
      await sleep(delayMs(retry), undefined, { signal: options.signal });
    }
  }
}

/**
 * Tells `reachability` of every long-polling call: telegraf retries a failed getUpdates on its own and
 * logs nothing, so this is where losing Telegram, and finding it again, is seen.
 */
export function watchPolling(telegram: Telegram, reachability: Reachability): void {
  const call = telegram.callApi.bind(telegram) as (...args: unknown[]) => Promise<unknown>;
  telegram.callApi = (async (...args: unknown[]) => {
    if (args[0] !== "getUpdates") return call(...args);
    try {
      const result = await call(...args);
      reachability.succeeded();
      return result;
    } catch (error) {
      if ((error as Error | null)?.name !== "AbortError") reachability.failed(error);
      throw error;
    }
  }) as Telegram["callApi"];
}

import { type Telegram, TelegramError } from "telegraf";
import type { ChatId } from "../../model/store.js";

// The one Telegram call alerts make, behind a small interface so that delivery logic reads Telegram's
// answers as data. Implemented over telegraf's Telegram client; tests run it against the loopback Bot API
// server (test/support/bot-api-server.ts), never a mock.

export interface AlertSendOptions {
  /** allow_paid_broadcast: Telegram Stars pay for sending above 30 messages a second. */
  paidBroadcast: boolean;
  /** Give up waiting for an answer after this long. */
  timeoutMs: number;
}

/** Telegram's error parameters that decide what happens next. */
export interface ErrorParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export type SendResult =
  | { ok: true; message_id: number }
  | {
      ok: false;
      /** Telegram's (or the HTTP) status; 0 when no answer came: a timeout or a network failure. */
      error_code: number;
      description: string;
      parameters: ErrorParameters;
    };

export interface AlertTelegram {
  sendMessage(chatId: ChatId, html: string, options: AlertSendOptions): Promise<SendResult>;
}

type CallApiSignal = NonNullable<Parameters<Telegram["callApi"]>[2]>["signal"];

/** Error code of a send that got no answer at all. */
export const NO_ANSWER = 0;

/** `sendMessage` over telegraf: its TelegramError's response is Telegram's answer, anything else no answer. */
export function telegrafSender(telegram: Telegram): AlertTelegram {
  return {
    async sendMessage(chatId, html, options) {
      const payload = {
        chat_id: chatId,
        text: html,
        parse_mode: "HTML" as const,
        // An alert's links are commands and sources, not something to unfurl.
        link_preview_options: { is_disabled: true },
        // Bot API 7.11; telegraf's types predate it, and telegraf passes unknown fields through.
        ...(options.paidBroadcast ? { allow_paid_broadcast: true } : {}),
      };
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      try {
        // telegraf types the signal with the abort-controller shim's class; Node's own works the same.
        const signal = controller.signal as unknown as CallApiSignal;
        const message = await telegram.callApi("sendMessage", payload, { signal });
        return { ok: true, message_id: message.message_id };
      } catch (error) {
        if (error instanceof TelegramError) {
          return {
            ok: false,
            error_code: error.response.error_code,
            description: error.response.description,
            parameters: { ...error.response.parameters },
          };
        }
        const description = controller.signal.aborted
          ? `no answer within ${options.timeoutMs} ms`
          : `no answer: ${networkReason(error)}`;
        return { ok: false, error_code: NO_ANSWER, description, parameters: {} };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A short reason without the request URL, which holds the bot token. */
function networkReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const name = error instanceof Error ? error.name : typeof error;
  return name;
}

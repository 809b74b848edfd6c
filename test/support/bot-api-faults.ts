import type { ServerResponse } from "node:http";

// Scripted answers to sendMessage for the loopback Bot API server (bot-api-server.ts): Telegram's real
// error shapes (429 with retry_after, 403, 400 with migrate_to_chat_id, 5xx from its front end), slow
// answers and requests that never get one, chosen per call or per chat. Every sendMessage is logged with
// its arrival time, so tests and the benchmark measure rates where Telegram would: at the server.

export type SendAnswer =
  | { kind: "ok" }
  | { kind: "too-many-requests"; retryAfter: number }
  | { kind: "forbidden"; description?: string }
  | { kind: "migrated"; to: number }
  | { kind: "bad-request"; description?: string }
  | { kind: "server-error"; status?: number }
  /** Never answered, and not accepted: a request lost on its way. The client can only time out. */
  | { kind: "hang" };

/** An answer, given after `delayMs` (a slow Bot API). Accepting or refusing is decided on arrival. */
export type ScriptedSend = SendAnswer & { delayMs?: number };

/** A sendMessage as it arrived. */
export interface ArrivedSend {
  chatId: string;
  text: string;
  payload: Record<string, unknown>;
  /** 0-based position among every sendMessage the server received. */
  index: number;
}

export interface SendRule {
  /** Only sends to this chat; every chat when absent. */
  chatId?: string | number;
  /** Applies to this many matching sends, then is used up; every one when absent. */
  times?: number;
  /** The answer, or a function choosing one (undefined: leave it to the next rule, then to "ok"). */
  answer: ScriptedSend | ((send: ArrivedSend) => ScriptedSend | undefined);
}

export interface SendRecord extends ArrivedSend {
  /** Epoch ms, fractional, at which the request began to arrive. */
  receivedAt: number;
  /** What the server decided on arrival: 200 accepted, else the error code; 0: never answered (hang). */
  status: number;
  /** The accepted message's id. */
  messageId?: number;
  /** Epoch ms at which the answer was written; absent when the client had gone first, or for a hang. */
  answeredAt?: number;
}

const preciseNow = () => performance.timeOrigin + performance.now();

export class SendFaults {
  /** Every sendMessage, in arrival order. */
  readonly log: SendRecord[] = [];
  private rules: { rule: SendRule; left: number }[] = [];

  add(rule: SendRule): void {
    this.rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** Whether a rule would answer this sendMessage (rules given as functions are not run). */
  matches(payload: Record<string, unknown>): boolean {
    const chatId = String(payload.chat_id);
    return this.rules.some(
      ({ rule, left }) => left > 0 && (rule.chatId === undefined || String(rule.chatId) === chatId),
    );
  }

  /** Answers one sendMessage: scripted if a rule says so, else accepted with the next message id. */
  async answer(
    payload: Record<string, unknown>,
    res: ServerResponse,
    nextMessageId: () => number,
    receivedAt = preciseNow(),
  ): Promise<void> {
    const send: ArrivedSend = {
      chatId: String(payload.chat_id),
      text: String(payload.text ?? ""),
      payload,
      index: this.log.length,
    };
    const scripted = this.choose(send) ?? { kind: "ok" };
    const { status, body } = this.reply(scripted, send, nextMessageId);
    const record: SendRecord = { ...send, receivedAt, status };
    if (status === 200) record.messageId = (body.result as { message_id: number }).message_id;
    this.log.push(record);
    if (scripted.kind === "hang") return; // left open until the client gives up or the server closes
    if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    if (res.destroyed) return;
    res.statusCode = status;
    if (status >= 500) {
      // Telegram's front end answers these itself, in HTML; telegraf reads only the status.
      res.setHeader("content-type", "text/html");
      res.end(`<html><body><h1>${status}</h1></body></html>`);
    } else {
      res.end(JSON.stringify(body));
    }
    record.answeredAt = preciseNow();
  }

  private choose(send: ArrivedSend): ScriptedSend | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.left <= 0) continue;
      if (rule.chatId !== undefined && String(rule.chatId) !== send.chatId) continue;
      const answer = typeof rule.answer === "function" ? rule.answer(send) : rule.answer;
      if (answer === undefined) continue;
      entry.left--;
      return answer;
    }
    return undefined;
  }

  private reply(
    scripted: ScriptedSend,
    send: ArrivedSend,
    nextMessageId: () => number,
  ): { status: number; body: Record<string, unknown> } {
    const error = (code: number, description: string, parameters?: Record<string, unknown>) => ({
      status: code,
      body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
    });
    switch (scripted.kind) {
      case "ok": {
        const id = Number(send.chatId);
        const result = {
          message_id: nextMessageId(),
          date: Math.floor(Date.now() / 1000),
          chat: { id, type: id > 0 ? "private" : "supergroup" },
          text: send.text,
        };
        return { status: 200, body: { ok: true, result } };
      }
      case "too-many-requests":
        return error(429, `Too Many Requests: retry after ${scripted.retryAfter}`, {
          retry_after: scripted.retryAfter,
        });
      case "forbidden":
        return error(403, scripted.description ?? "Forbidden: bot was blocked by the user");
      case "migrated":
        return error(400, "Bad Request: group chat was upgraded to a supergroup chat", {
          migrate_to_chat_id: scripted.to,
        });
      case "bad-request":
        return error(400, scripted.description ?? "Bad Request: chat not found");
      case "server-error":
        return error(scripted.status ?? 502, "Bad Gateway");
      case "hang":
        return { status: 0, body: {} };
    }
  }
}

/** The sends Telegram would have delivered: accepted on arrival, whether or not the answer got back. */
export function acceptedSends(log: readonly SendRecord[]): SendRecord[] {
  return log.filter((s) => s.status === 200);
}

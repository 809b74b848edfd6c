import http from "node:http";
import https from "node:https";
import { Telegram, TelegramError } from "telegraf";
import { IsblockedError } from "../core/errors.js";

// The bot's JSON calls to the Bot API over node:http(s) instead of telegraf's node-fetch. telegraf builds a
// Request, a Headers object, a URL and two streams for every call, and that took about as long as answering
// the question did (npm run bench, bot latency): node:http with a keep-alive agent sends the same request
// for a fraction of it. Only methods whose parameters are JSON by the Bot API's definition go this way;
// anything that may upload a file, long polling (getUpdates) and webhook replies stay with telegraf.
// Answers read as telegraf reads them: `ok: false` or HTTP 5xx is a TelegramError, so callers see no
// difference.

/**
 * A method's parameters as the Bot API reads them, written as telegraf writes them: null and undefined
 * fields left out.
 */
export function botApiJson(parameters: unknown): string {
  const text = JSON.stringify(parameters);
  // A replacer takes V8 off its fast path: a few times the cost for an answer's text and keyboard (npm run
  // bench, bot latency). Without "null" anywhere in the text there is no null to leave out; undefined
  // fields are left out by JSON.stringify itself.
  return text.includes("null") ? JSON.stringify(parameters, withoutNull) : text;
}

const withoutNull = (_key: string, value: unknown) => (value == null ? undefined : value);

/** Methods whose parameters never hold an InputFile. */
const JSON_METHODS: ReadonlySet<string> = new Set([
  "sendMessage",
  "editMessageText",
  "editMessageReplyMarkup",
  "deleteMessage",
  "answerCallbackQuery",
  "answerInlineQuery",
  "sendChatAction",
  "getMe",
  "getChat",
  "getChatMember",
  "getChatAdministrators",
  "setMyCommands",
  "deleteMyCommands",
  "deleteWebhook",
  "getWebhookInfo",
  "leaveChat",
]);

/**
 * setWebhook without a certificate to upload: its parameters are JSON then, and its secret_token must not
 * reach telegraf's client, whose debug output (DEBUG=telegraf:*) prints every call's parameters.
 */
function isJsonSetWebhook(method: string, payload: unknown): boolean {
  return method === "setWebhook" && (payload as { certificate?: unknown } | undefined)?.certificate == null;
}

/** As telegraf (node-fetch's `timeout`): a call with no answer at all is given up after this long. */
export const BOT_API_TIMEOUT_MS = 500_000;

/** A call that got no usable answer: the connection failed, timed out, or the answer was not JSON. */
export class BotApiError extends IsblockedError {
  override name = "BotApiError";
  /** The system error code (ECONNRESET, ETIMEDOUT, …) when there is one, as node-fetch's errors carry. */
  readonly code: string | undefined;
  constructor(method: string, reason: string, options: { cause?: unknown; code?: string } = {}) {
    super(`Bot API ${method}: ${reason}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = options.code;
  }
}

type CallApi = Telegram["callApi"];
type Agent = http.Agent | ((url: URL) => http.Agent);

/** One bot's connection to the Bot API: its agent and the URL of each method, made once. */
export class BotApiTransport {
  private readonly urls = new Map<string, URL>();
  private readonly agent: Agent;

  constructor(private readonly telegram: Pick<Telegram, "token" | "options">) {
    // As telegraf: its agent (by default a keep-alive https one) for an https:// root; for an http:// root
    // it drops that agent and node-fetch falls back on Node's global one, which keeps connections alive.
    const secure = new URL(telegram.options.apiRoot).protocol === "https:";
    this.agent = secure
      ? ((telegram.options.agent as Agent | undefined) ?? https.globalAgent)
      : http.globalAgent;
  }

  /** Sends the JSON methods of `telegram` (a client telegraf made for this bot) through this transport. */
  attach<T extends Telegram>(telegram: T): T {
    // A webhook reply is an answer to Telegram's request, which only telegraf can write: a client made for
    // a webhook update (telegraf keeps its response private) with webhookReply on is left alone.
    const response = (telegram as unknown as { response?: unknown }).response;
    const mayReplyToWebhook = telegram.options.webhookReply && response !== undefined;
    if (mayReplyToWebhook || telegram.token !== this.telegram.token) return telegram;
    const viaTelegraf: CallApi = telegram.callApi.bind(telegram);
    const call = ((method, payload, options) =>
      JSON_METHODS.has(method) || isJsonSetWebhook(method, payload)
        ? this.call(method, payload, options?.signal as AbortSignal | undefined)
        : viaTelegraf(method, payload, options)) as CallApi;
    telegram.callApi = call;
    return telegram;
  }

  /** One call: Telegram's `result`, or a TelegramError, a BotApiError or the signal's AbortError. */
  call(method: string, payload: unknown, signal?: AbortSignal): Promise<never> {
    const url = this.urlOf(method);
    const body = botApiJson(payload ?? {});
    const agent = typeof this.agent === "function" ? this.agent(url) : this.agent;
    return new Promise((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          ...(signal ? { signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => reject(networkError(method, error)));
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status >= 500) {
              const description = response.statusMessage ?? "";
              return reject(new TelegramError({ error_code: status, description }, { method, payload }));
            }
            let answer: { ok?: boolean; result?: never; error_code?: number; description?: string };
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch (error) {
              return reject(new BotApiError(method, `HTTP ${status} answer is not JSON`, { cause: error }));
            }
            if (answer?.ok === true) return resolve(answer.result as never);
            reject(
              new TelegramError(
                { error_code: status, description: "", ...answer } as ConstructorParameters<
                  typeof TelegramError
                >[0],
                { method, payload },
              ),
            );
          });
        },
      );
      request.on("error", (error) =>
        reject(error.name === "AbortError" ? error : networkError(method, error)),
      );
      request.setTimeout(BOT_API_TIMEOUT_MS, () =>
        request.destroy(
          new BotApiError(method, `no answer within ${BOT_API_TIMEOUT_MS} ms`, { code: "ETIMEDOUT" }),
        ),
      );
      request.end(body);
    });
  }

  /** As telegraf: `./<mode><token>[/test]/<method>` against the API root. */
  private urlOf(method: string): URL {
    let url = this.urls.get(method);
    if (url === undefined) {
      const { apiMode, apiRoot, testEnv } = this.telegram.options;
      url = new URL(`./${apiMode}${this.telegram.token}${testEnv ? "/test" : ""}/${method}`, apiRoot);
      this.urls.set(method, url);
    }
    return url;
  }
}

/** A failed connection, with its system code and without the URL, which holds the token. */
function networkError(method: string, error: Error): Error {
  if (error instanceof BotApiError) return error;
  const code = (error as { code?: unknown }).code;
  return new BotApiError(method, error.message, {
    cause: error,
    ...(typeof code === "string" ? { code } : {}),
  });
}

/** A telegraf client whose JSON methods go through a transport of its own: the bot's, outside a bot. */
export function botApiClient(token: string, options: Partial<Telegram["options"]> = {}): Telegram {
  const telegram = new Telegram(token, options);
  return new BotApiTransport(telegram).attach(telegram);
}

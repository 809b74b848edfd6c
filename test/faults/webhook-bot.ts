import { rmSync } from "node:fs";
import { connect } from "node:net";
import { type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import { type BotApiServer, readWebhookResponse, type WebhookResponse } from "../support/bot-api-server.js";

// What the webhook fault cases share: `isblocked start` in webhook mode against the loopback Bot API
// server, and updates posted to it as Telegram posts them.

export const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
export const WEBHOOK_SECRET = "wh_fault-Secret_5c1e9a7d";
export const WEBHOOK_PATH = "/tg/hook";
const WEBHOOK_URL = `https://bot.example.invalid${WEBHOOK_PATH}`;

/** Starts the bot on `port` and resolves once its webhook is mounted; `env` adds to or overrides the rest. */
export async function startWebhookBot(
  api: BotApiServer,
  port: number,
  storeUrl: string,
  env: Record<string, string> = {},
): Promise<StartedProcess> {
  const running = startProcess({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    WEBHOOK_URL,
    WEBHOOK_SECRET,
    WEB_PORT: String(port),
    PROBE_SCHEDULE: "off",
    STORE_URL: storeUrl,
    ...env,
  });
  try {
    await waitFor("the webhook", () => running.logs().includes("telegram bot connected"), 30_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; its output:\n${running.logs().slice(-3000)}`);
  }
  return running;
}

/** A webhook response as Telegram reads it. */
/** Posts an update as Telegram does; resolves with the response, status 0 when the connection was refused or cut. */
export async function postUpdateOnly(
  port: number,
  update: unknown,
  secret = WEBHOOK_SECRET,
): Promise<WebhookResponse> {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
      body: JSON.stringify(update),
    });
    return await readWebhookResponse(answer);
  } catch {
    return { status: 0, contentType: null, body: "" };
  }
}

/**
 * Posts an update as Telegram does, and as Telegram makes the call its response carries, at `api`.
 * Resolves with the status, 0 when the connection was refused or cut (Telegram then made no call).
 */
export async function postUpdate(
  api: Pick<BotApiServer, "followWebhookResponse">,
  port: number,
  update: unknown,
  secret = WEBHOOK_SECRET,
): Promise<number> {
  const response = await postUpdateOnly(port, update, secret);
  await api.followWebhookResponse(response);
  return response.status;
}

/**
 * Posts `body` over a raw connection in `parts` (byte offsets where one TCP write ends and the next
 * begins, `gapMs` apart), then makes the call its response carries at `api`, as Telegram does; resolves
 * with the status line's code.
 */
export async function postInParts(
  api: Pick<BotApiServer, "followWebhookResponse">,
  port: number,
  body: Buffer,
  cuts: number[],
  gapMs = 50,
): Promise<number> {
  const head = Buffer.from(
    `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\nX-Telegram-Bot-Api-Secret-Token: ${WEBHOOK_SECRET}\r\n\r\n`,
  );
  const edges = [0, ...cuts, body.length];
  const parts = [head, ...edges.slice(1).map((end, i) => body.subarray(edges[i], end))];
  const received = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
    socket.on("connect", async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
  const response = parseRawResponse(received);
  await api.followWebhookResponse(response);
  return response.status;
}

/** The status, content type and body of an HTTP/1.1 response read whole off a closed connection. */
function parseRawResponse(raw: Buffer): WebhookResponse {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString("latin1");
  let body = end === -1 ? Buffer.alloc(0) : raw.subarray(end + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    const pieces: Buffer[] = [];
    for (let at = 0; at < body.length; ) {
      const line = body.indexOf("\r\n", at);
      const size = Number.parseInt(body.subarray(at, line).toString("latin1"), 16);
      if (!(size > 0)) break;
      pieces.push(body.subarray(line + 2, line + 2 + size));
      at = line + 2 + size + 2;
    }
    body = Buffer.concat(pieces);
  }
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    contentType: /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null,
    body: body.toString("utf8"),
  };
}

/** Sends accepted by the Bot API server, by chat: what each person was shown. */
export function shownByChat(api: BotApiServer): Map<string, string[]> {
  const shown = new Map<string, string[]>();
  for (const send of api.sends.filter((s) => s.status === 200)) {
    shown.set(send.chatId, [...(shown.get(send.chatId) ?? []), send.text]);
  }
  return shown;
}

/** What a fault case started, ended after it whatever happened: call `clear()` in afterEach. */
export class Leftovers {
  processes: StartedProcess[] = [];
  api: BotApiServer | undefined;
  dir: string | undefined;

  /** `running`, kept to be killed after the case if it is still running then. */
  keep(running: StartedProcess): StartedProcess {
    this.processes.push(running);
    return running;
  }

  async clear(): Promise<void> {
    for (const running of this.processes.splice(0)) {
      if (running.child.exitCode === null && running.child.signalCode === null) {
        running.child.kill("SIGKILL");
        await running.exited;
      }
    }
    await this.api?.close();
    this.api = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

import { rmSync } from "node:fs";
import { connect } from "node:net";
import { type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import type { BotApiServer } from "../support/bot-api-server.js";

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

/** Posts an update as Telegram does; resolves with the status, 0 when the connection was refused or cut. */
export async function postUpdate(port: number, update: unknown, secret = WEBHOOK_SECRET): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Posts `body` over a raw connection in `parts` (byte offsets where one TCP write ends and the next
 * begins, `gapMs` apart); resolves with the status line's code.
 */
export function postInParts(port: number, body: Buffer, cuts: number[], gapMs = 50): Promise<number> {
  const head = Buffer.from(
    `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\nX-Telegram-Bot-Api-Secret-Token: ${WEBHOOK_SECRET}\r\n\r\n`,
  );
  const edges = [0, ...cuts, body.length];
  const parts = [head, ...edges.slice(1).map((end, i) => body.subarray(edges[i], end))];
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    let received = "";
    socket.on("data", (d) => {
      received += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.on("connect", async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
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

import { parentPort, workerData } from "node:worker_threads";
import { startBotApiServer } from "../test/support/bot-api-server.js";

// The alert benchmark's Bot API server, on its own thread: requests are then received and timed on an
// event loop of their own, as Telegram's would be, not between the dispatcher's own turns.

export interface BotApiWorkerData {
  token: string;
  /** Every n-th sendMessage is answered 429 with this retry_after. */
  tooManyEvery: number;
  retryAfterSeconds: number;
}

export interface BotApiWorkerReady {
  apiRoot: string;
}

/** What the worker sends back when asked for its log: each sendMessage, in arrival order. */
export interface LoggedSend {
  chatId: string;
  receivedAt: number;
  status: number;
}

const { token, tooManyEvery, retryAfterSeconds } = workerData as BotApiWorkerData;
const server = await startBotApiServer(token);
server.onSend({
  answer: (send) =>
    send.index % tooManyEvery === tooManyEvery - 1
      ? { kind: "too-many-requests", retryAfter: retryAfterSeconds }
      : undefined,
});
parentPort?.on("message", async (message: unknown) => {
  if (message !== "log") return;
  const log: LoggedSend[] = server.sends.map((s) => ({
    chatId: s.chatId,
    receivedAt: s.receivedAt,
    status: s.status,
  }));
  await server.close();
  parentPort?.postMessage(log);
});
parentPort?.postMessage({ apiRoot: server.apiRoot } satisfies BotApiWorkerReady);

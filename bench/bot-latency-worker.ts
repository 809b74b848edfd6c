import { parentPort, workerData } from "node:worker_threads";
import { readWebhookResponse, startBotApiServer } from "../test/support/bot-api-server.js";

// The latency benchmark's side of Telegram, on its own thread: it delivers each question to a bot's webhook
// and times it until the bot's reply begins to reach it: the webhook's response when the reply rides in it
// (made then at the loopback Bot API server, as Telegram makes it), else the bot's own sendMessage
// arriving there. Both clocks are this thread's, and the bots' event loop does none of the timing.

export interface LatencyWorkerData {
  token: string;
}

export interface LatencyWorkerReady {
  apiRoot: string;
}

export interface LatencyRun {
  /** Each bot's webhook URL, by label. */
  hooks: Record<string, string>;
  /** Sent with every update, as Telegram sends the webhook's secret token. */
  headers: Record<string, string>;
  /** Asked in turn; the same question goes to every bot in a round. */
  questions: { text: string; languageCode: string }[];
  /** Rounds measured, after `warmup` rounds that are not. */
  rounds: number;
  warmup: number;
  /**
   * Each round's question made its own by a trailing " #<round>", which the parser reads past: no answer
   * is then given again (bot/ask.ts keeps the answers of the last second per question).
   */
  distinct?: boolean;
}

/** Milliseconds from posting the update to the reply's arrival, per bot, in round order. */
export type LatencySamples = Record<string, number[]>;

const { token } = workerData as LatencyWorkerData;
const server = await startBotApiServer(token);
const preciseNow = () => performance.timeOrigin + performance.now();

const arrivals = new Map<string, () => void>();
// Every sendMessage is accepted; the rule only wakes the round waiting for that chat.
server.onSend({
  answer: (send) => {
    arrivals.get(send.chatId)?.();
    return undefined;
  },
});

async function ask(
  hook: string,
  headers: Record<string, string>,
  chatId: number,
  question: LatencyRun["questions"][number],
): Promise<number> {
  const arrived = new Promise<void>((resolve) => arrivals.set(String(chatId), resolve));
  const update = {
    update_id: chatId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Bench" },
      from: { id: chatId, is_bot: false, first_name: "Bench", language_code: question.languageCode },
      text: question.text,
    },
  };
  const postedAt = preciseNow();
  const response = await fetch(hook, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(update),
  });
  // When the response begins to arrive, as a sendMessage's arrival is timed when it begins to arrive.
  const respondedAt = preciseNow();
  const reply = await readWebhookResponse(response);
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  await server.followWebhookResponse(reply);
  await arrived;
  arrivals.delete(String(chatId));
  const send = server.sends.findLast((s) => s.chatId === String(chatId));
  if (send === undefined) throw new Error(`no sendMessage for chat ${chatId}`);
  return reply.body === "" ? send.receivedAt - postedAt : respondedAt - postedAt;
}

async function run(spec: LatencyRun): Promise<LatencySamples> {
  const labels = Object.keys(spec.hooks);
  const samples: LatencySamples = Object.fromEntries(labels.map((l) => [l, []]));
  let chatId = 1_000_000;
  for (let round = 0; round < spec.warmup + spec.rounds; round++) {
    const asked = spec.questions[round % spec.questions.length];
    if (asked === undefined) throw new Error("no questions");
    const question = spec.distinct ? { ...asked, text: `${asked.text} #${round}` } : asked;
    // Bots take turns going first, so neither always meets a warmer loopback.
    const order = round % 2 === 0 ? labels : [...labels].reverse();
    for (const label of order) {
      // A new person every time: the bots' per-person rate limits stay out of the figures.
      const ms = await ask(spec.hooks[label] ?? "", spec.headers, chatId++, question);
      if (round >= spec.warmup) samples[label]?.push(ms);
    }
  }
  return samples;
}

parentPort?.on("message", async (message: LatencyRun | "close") => {
  if (message === "close") {
    await server.close();
    parentPort?.postMessage("closed");
    return;
  }
  try {
    parentPort?.postMessage({ samples: await run(message) });
  } catch (error) {
    parentPort?.postMessage({ error: String(error) });
  }
});
parentPort?.postMessage({ apiRoot: server.apiRoot } satisfies LatencyWorkerReady);

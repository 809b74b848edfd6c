import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TELEGRAM_MESSAGE_LIMIT } from "../../bot/split.js";
import { freePort, type StartedProcess, startProcess } from "./support/start-process.js";

// End to end against an independent emulator of the Bot API, `telegram-test-api` (npm): `isblocked start`
// runs as a child process with BOT_TOKEN and TELEGRAM_API_ROOT pointing at it, and people talk to it through
// the emulator's client, as a new user would. The emulator knows private chats only and has no
// getChatMember, so the group case (a member refused, an admin allowed) is in telegram-groups.test.ts
// ("lets only the creator and administrators change subscriptions and settings"), with the updates the
// emulator cannot produce fed through handleUpdate against the loopback Bot API server.

const TOKEN = "123456789:AAHe2eE2Ee2eE2Ee2eE2Ee2eE2Ee2eE2Ee2";

/** What the emulator stored for one sendMessage: the request body, as the bot sent it. */
interface BotMessage {
  message: { chat_id: number | string; text: string; parse_mode?: string };
}

let server: TelegramServer;
let running: StartedProcess;

beforeAll(async () => {
  const port = await freePort();
  server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  running = startProcess({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: server.config.apiURL,
    PROBE_SCHEDULE: "off",
    WEB_PORT: "0",
    STORE_URL: "memory:",
    LOG_LEVEL: "info",
  });
});

afterAll(async () => {
  const { code } = await running.terminate();
  await server.stop();
  expect(code).toBe(0);
  expect(running.logs()).not.toContain(TOKEN.split(":")[1]);
});

/** A person in a private chat with the bot; their Telegram language is `languageCode`. */
function person(id: number, languageCode: string) {
  const client = server.getClient(TOKEN, {
    userId: id,
    chatId: id,
    firstName: `Person ${id}`,
    userName: `person${id}`,
    timeout: 15_000,
    interval: 50,
  });
  const from = { id, is_bot: false, first_name: `Person ${id}`, language_code: languageCode };
  /** Sends `text` (a command when it starts with "/") and resolves with the bot's reply, as HTML. */
  const ask = async (text: string): Promise<string> => {
    if (text.startsWith("/")) {
      await client.sendCommand(client.makeCommand(text, { from } as never));
    } else {
      await client.sendMessage(client.makeMessage(text, { from } as never));
    }
    const { result } = (await client.getUpdates()) as unknown as { result: BotMessage[] };
    expect(result.length).toBeGreaterThan(0);
    for (const { message } of result) {
      expect(Number(message.chat_id)).toBe(id);
      expect(message.parse_mode).toBe("HTML");
    }
    return result.map((r) => r.message.text).join("\n");
  };
  return { ask };
}

const ALLOWED_TAGS = new Set(["b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"]);

/**
 * What the person reads: the HTML checked as Telegram would parse it (only its tags, balanced; entities
 * well-formed; within the length limit), then with the tags removed and entities decoded.
 */
function readable(html: string): string {
  expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
  const open: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z-]+)[^>]*>/g)) {
    expect(ALLOWED_TAGS.has(name ?? ""), `tag <${name}>`).toBe(true);
    if (closing) expect(open.pop()).toBe(name);
    else open.push(name ?? "");
  }
  expect(open).toEqual([]);
  const text = html.replace(/<[^>]*>/g, "");
  expect(text).not.toMatch(/[<>]|&(?!(lt|gt|amp|quot);)/);
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

const QUESTION = "is whatsapp blocked in china";

describe("isblocked start against telegram-test-api", () => {
  it("answers a new user's question, in English, correctly and readably", async () => {
    const html = await person(101, "en").ask(QUESTION);
    expect(html).toContain(
      '<a href="https://www.nytimes.com/2017/09/25/business/china-whatsapp-blocked.html">',
    );
    const answer = readable(html);
    const [headline, basis] = answer.split("\n");
    expect(headline).toBe("⛔ WhatsApp in China");
    expect(basis).toBe("No fresh measurement; last known: blocked since September 2017 (source)");
    expect(answer).toContain("Instead:");
    expect(answer).toMatch(/\nHow we know: /);
  });

  it("subscribes, lists and unsubscribes", async () => {
    const anna = person(102, "en");
    expect(readable(await anna.ask("/subscribe whatsapp cn"))).toBe(
      "🔔 Subscribed: this chat gets a message when the status of WhatsApp in China changes.",
    );
    const listed = readable(await anna.ask("/subscriptions"));
    expect(listed).toMatch(/^This chat is subscribed to:\n• WhatsApp in China/);
    expect(readable(await anna.ask("/unsubscribe whatsapp cn"))).toBe(
      "Unsubscribed: this chat gets no more messages about WhatsApp in China.",
    );
    expect(readable(await anna.ask("/subscriptions"))).toMatch(
      /^This chat has no subscriptions yet\. Try \/subscribe whatsapp cn or \/subscribe all ir\.\n/,
    );
  });

  it.each([
    // language_code, user id, headline, a word only that locale's answer uses ("blocked"), what it must not
    // use, and the year of the block in the language's digits
    ["zh-hans", 201, "⛔ WhatsApp在中国", "被封锁", /[鎖測]/, "2017"],
    ["zh-TW", 202, "⛔ WhatsApp在中國", "遭封鎖", /[锁测]/, "2017"],
    ["ru", 203, "⛔ WhatsApp (Китай)", "блокировка", /blocked/, "2017"],
    ["fa", 204, "⛔ واتس‌اپ در چین", "مسدود", /blocked|2017/, "۲۰۱۷"],
  ])("answers a %s user in their language", async (languageCode, id, headline, word, foreign, year) => {
    const answer = readable(await person(id, languageCode).ask(QUESTION));
    expect(answer.split("\n")[0]).toBe(headline);
    expect(answer).toContain(word);
    expect(answer).not.toMatch(foreign);
    expect(answer).toContain(year);
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../store/open.js";
import { freePort, waitFor } from "../bot/support/start-process.js";
import { textMessage } from "../bot/support/updates.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { Leftovers, postUpdate, startWebhookBot, TOKEN } from "./webhook-bot.js";

// SIGTERM with 200 updates in flight, over the webhook: 200 people send /subscribe at once, Telegram (the
// loopback Bot API server) takes 1.5 s to accept each answer the bot sends itself, and SIGTERM comes when
// half the answers are on their way (each in its webhook response, which Telegram then shows) and the rest
// are still being handled. The process must exit within 10 s. Telegram
// redelivers every update whose webhook request got no 2xx, so those are posted again to a restarted
// process on the same store. Across both runs each person is answered exactly once and subscribed.

const IN_FLIGHT = 200;
const FIRST_PERSON = 820_000;
const STOP_BOUND_MS = 10_000;
const SUBSCRIBED = "🔔 Subscribed: this chat gets a message when the status of WhatsApp in China changes.";

const left = new Leftovers();
afterEach(() => left.clear());

/** Posts an update as Telegram does; true when it was acknowledged (2xx), so Telegram will not redeliver it. */
const deliver = async (api: BotApiServer, port: number, update: unknown) =>
  (await postUpdate(api, port, update)) === 200;

describe("SIGTERM with 200 updates in flight", () => {
  it("exits within 10 s; after a restart each update is answered once, none lost", async () => {
    const api = await startBotApiServer(TOKEN);
    left.api = api;
    api.onSend({ answer: { kind: "ok", delayMs: 1500 } });
    left.dir = mkdtempSync(join(tmpdir(), "isblocked-inflight-"));
    const storeFile = join(left.dir, "bot.sqlite");
    const port = await freePort();
    const first = left.keep(await startWebhookBot(api, port, `sqlite://${storeFile}`));

    const updates = Array.from({ length: IN_FLIGHT }, (_, n) =>
      textMessage("/subscribe whatsapp cn", {
        id: FIRST_PERSON + n,
        first_name: "Lin",
        language_code: "en",
      }),
    );
    const acknowledged = updates.map((update) => deliver(api, port, update));
    await waitFor("half the answers on their way", () => api.sends.length >= IN_FLIGHT / 2, 30_000);
    const sentAtSigterm = api.sends.length;
    const { code, ms } = await first.terminate();
    const acks = await Promise.all(acknowledged);
    const answeredByFirst = api.sends.filter((s) => s.status === 200).length;

    // Telegram's redelivery: every update whose request was not acknowledged, to the restarted bot.
    const unacknowledged = updates.filter((_, n) => !acks[n]);
    const second = left.keep(await startWebhookBot(api, port, `sqlite://${storeFile}`));
    const redelivered = await Promise.all(unacknowledged.map((update) => deliver(api, port, update)));
    const restart = await second.terminate();

    const perChat = new Map<string, string[]>();
    for (const send of api.sends.filter((s) => s.status === 200)) {
      perChat.set(send.chatId, [...(perChat.get(send.chatId) ?? []), send.text]);
    }
    const people = updates.map((_, n) => String(FIRST_PERSON + n));
    const lost = people.filter((id) => !perChat.has(id));
    const repeated = people.filter((id) => (perChat.get(id)?.length ?? 0) > 1);
    const otherAnswers = [...perChat.values()].flat().filter((text) => text !== SUBSCRIBED);
    const store = await openStore(`sqlite://${storeFile}`);
    let notSubscribed = 0;
    try {
      for (const id of people) if ((await store.subscriptionsOf(id)).length !== 1) notSubscribed++;
    } finally {
      await store.close();
    }
    console.log(
      `fault sigterm-in-flight: ${IN_FLIGHT} updates, SIGTERM with ${sentAtSigterm} answers on their way, exit ${code} after ${(ms / 1000).toFixed(2)} s, answered before exit ${answeredByFirst}, unacknowledged ${unacknowledged.length} redelivered, lost ${lost.length}, answered twice ${repeated.length}, not subscribed ${notSubscribed}`,
    );
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(first.logs()).not.toContain("stopped with updates still in flight");
    expect(redelivered.every(Boolean)).toBe(true);
    expect(restart.code).toBe(0);
    expect(lost).toEqual([]);
    expect(repeated).toEqual([]);
    expect(otherAnswers).toEqual([]);
    expect(notSubscribed).toBe(0);
  }, 120_000);
});

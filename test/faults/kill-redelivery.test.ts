import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../store/open.js";
import { freePort, waitFor } from "../bot/support/start-process.js";
import { textUpdate } from "../scale/support.js";
import { startBotApiServer } from "../support/bot-api-server.js";
import { Leftovers, postUpdate, shownByChat, startWebhookBot, TOKEN } from "./webhook-bot.js";

// kill -9 under load, 20 times (issue 15): each run of the webhook bot gets a burst of /subscribe updates
// and is killed once part of the burst is answered, at a point that differs each time. Then Telegram's
// re-delivery: every update whose webhook request got no 2xx is posted again to a fresh process on the
// same SQLite file, until acknowledged; as Telegram, the harness makes the call a response carries. Each
// person must be answered once and subscribed: the answer rides in the webhook's response (bot/webhook.ts),
// so no answer is shown for an update Telegram has not seen acknowledged.

const KILLS = 20;
const PER_RUN = 25;
const FIRST_PERSON = 930_000;
const FIRST_UPDATE = 70_000;
const SUBSCRIBED = "🔔 Subscribed: this chat gets a message when the status of WhatsApp in China changes.";
/** The answer to a re-delivered /subscribe whose subscription was stored before the kill. */
const ALREADY = "This chat is already subscribed to WhatsApp in China.";

const left = new Leftovers();
afterEach(() => left.clear());

describe(`kill -9 ${KILLS} times under load, then Telegram's re-delivery`, () => {
  it("answers every update once; no subscription lost", async () => {
    const api = await startBotApiServer(TOKEN);
    left.api = api;
    left.dir = mkdtempSync(join(tmpdir(), "isblocked-kill9-"));
    const storeUrl = `sqlite://${join(left.dir, "bot.sqlite")}`;
    const port = await freePort();
    const started = performance.now();
    const updates = Array.from({ length: KILLS * PER_RUN }, (_, n) =>
      textUpdate(FIRST_UPDATE + n, FIRST_PERSON + n, "/subscribe whatsapp cn"),
    );
    const acknowledged = new Set<number>();
    const answered = (from: number) =>
      new Set(api.sends.filter((s) => Number(s.chatId) >= from).map((s) => s.chatId)).size;

    for (let kill = 0; kill < KILLS; kill++) {
      const running = left.keep(await startWebhookBot(api, port, storeUrl));
      const burst = updates.slice(kill * PER_RUN, (kill + 1) * PER_RUN);
      const posted = burst.map(async (update) => {
        if ((await postUpdate(api, port, update)) === 200) acknowledged.add(update.update_id);
      });
      // Killed at a different point of each burst: some time after its first answer, never the same.
      const firstPerson = FIRST_PERSON + kill * PER_RUN;
      await waitFor("the burst's first answer", () => answered(firstPerson) >= 1, 20_000);
      await new Promise((r) => setTimeout(r, (kill * 53) % 200));
      running.child.kill("SIGKILL");
      await running.exited;
      await Promise.all(posted);
    }
    const killedAt = performance.now();

    // Telegram delivers what it did not see acknowledged again, and again after a 503, until it is.
    const unacknowledged = updates.filter((u) => !acknowledged.has(u.update_id));
    const final = left.keep(await startWebhookBot(api, port, storeUrl));
    const statuses = new Map<number, number>();
    await Promise.all(
      unacknowledged.map(async (update) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const status = await postUpdate(api, port, update);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
    const { code } = await final.terminate();

    const shown = shownByChat(api);
    const people = updates.map((u) => String(u.message.chat.id));
    const unanswered = people.filter((id) => !shown.has(id));
    const twice = people.filter((id) => (shown.get(id)?.length ?? 0) > 1);
    const otherAnswers = [...shown.values()].flat().filter((text) => text !== SUBSCRIBED && text !== ALREADY);
    const already = [...shown.values()].flat().filter((text) => text === ALREADY).length;
    const store = await openStore(storeUrl);
    let notSubscribed = 0;
    try {
      for (const id of people) if ((await store.subscriptionsOf(id)).length !== 1) notSubscribed++;
    } finally {
      await store.close();
    }
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `fault kill-redelivery: ${updates.length} updates, ${KILLS} kill -9s in ${seconds(killedAt - started)} s, unacknowledged ${unacknowledged.length} redelivered (answers ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}) in ${seconds(performance.now() - killedAt)} s, unanswered ${unanswered.length}, answered twice ${twice.length}, answered 'already subscribed' ${already}, other answers ${otherAnswers.length}, not subscribed ${notSubscribed}`,
    );
    expect(code).toBe(0);
    expect(unacknowledged.length).toBeGreaterThan(0);
    expect(unanswered).toEqual([]);
    expect(twice).toEqual([]);
    expect(otherAnswers).toEqual([]);
    expect(notSubscribed).toBe(0);
  }, 180_000);
});

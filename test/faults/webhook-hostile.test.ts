import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../bot/support/start-process.js";
import { textUpdate } from "../scale/support.js";
import { startBotApiServer } from "../support/bot-api-server.js";
import {
  Leftovers,
  postInParts,
  postUpdate,
  shownByChat,
  startWebhookBot,
  TOKEN,
  WEBHOOK_PATH,
} from "./webhook-bot.js";

// The webhook of a running `isblocked start` (issue 15) under what its URL alone lets anyone send: a flood
// of forged updates without the secret (or with a wrong one), some of them 10 MB, while a person's genuine
// update must still get through; and a Persian question whose bytes Telegram's TCP segments split inside
// a character.

const FORGED = 2000;
const CONCURRENCY = 50;
const FORGER = 666_000;
const PERSIAN = "آیا واتساپ در ایران مسدود است؟";

const left = new Leftovers();
afterEach(() => left.clear());

/** Runs `task(i)` for i in [0, count), at most `limit` at once. */
async function pooled(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe("the webhook, attacked", () => {
  it(`handles none of ${FORGED} forged updates and still answers the genuine one`, async () => {
    const api = await startBotApiServer(TOKEN);
    left.api = api;
    const port = await freePort();
    const running = left.keep(await startWebhookBot(api, port, "memory:"));

    const statuses = new Map<string, number>();
    const health: number[] = [];
    let flooding = true;
    const probing = (async () => {
      while (flooding) {
        const t0 = performance.now();
        await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.arrayBuffer());
        health.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const started = performance.now();
    await pooled(FORGED, CONCURRENCY, async (i) => {
      // Each forgery carries an update id a genuine update will have: were one claimed, it would be lost.
      const update = textUpdate(90_000 + i, FORGER + i, "/unsubscribe all");
      const secret = i % 2 === 0 ? "" : `guess-${i}-of-the-secret`;
      const status =
        i % 200 === 0
          ? await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
              method: "POST",
              headers: { "X-Telegram-Bot-Api-Secret-Token": secret },
              body: huge,
            }).then(
              (r) => r.status,
              () => 0,
            )
          : await postUpdate(api, port, update, secret);
      const key = i % 200 === 0 ? `10 MB ${status}` : String(status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    });
    const seconds = (performance.now() - started) / 1000;
    flooding = false;
    await probing;

    // A person's update with the id the first forgery carried.
    expect(await postUpdate(api, port, textUpdate(90_000, 4242, "is whatsapp blocked in china"))).toBe(200);
    const { code } = await running.terminate();
    const shown = shownByChat(api);
    const handled = [...shown.keys()].filter((chat) => Number(chat) >= FORGER).length;
    const worstHealth = Math.max(...health);
    console.log(
      `fault webhook-flood: ${FORGED} forged updates (${FORGED / 200} of 10 MB) in ${seconds.toFixed(1)} s, answered ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}, handled ${handled}, /healthz worst ${worstHealth.toFixed(0)} ms over ${health.length} probes, the genuine update ${shown.has("4242") ? "answered" : "lost"}`,
    );
    expect(statuses.get("403")).toBe(FORGED - FORGED / 200);
    // A 10 MB body is refused from its headers and its connection closed: the client, still sending,
    // may see the close before the 403.
    expect((statuses.get("10 MB 403") ?? 0) + (statuses.get("10 MB 0") ?? 0)).toBe(FORGED / 200);
    expect(handled).toBe(0);
    expect(shown.get("4242")?.[0]).toMatch(/^⛔ <b>WhatsApp in China<\/b>/);
    expect(worstHealth).toBeLessThan(1000);
    expect(code).toBe(0);
  }, 90_000);

  it("answers a Persian question split inside a character across two TCP writes as if it came whole", async () => {
    const api = await startBotApiServer(TOKEN);
    left.api = api;
    const port = await freePort();
    const running = left.keep(await startWebhookBot(api, port, "memory:"));
    const whole = Buffer.from(JSON.stringify(textUpdate(91_001, 5001, PERSIAN, "fa")));
    const split = Buffer.from(JSON.stringify(textUpdate(91_002, 5002, PERSIAN, "fa")));
    // Every cut inside a two-byte character: the first byte of "ا" (0xD8 0xA7) ends a write.
    const cuts: number[] = [];
    for (let at = split.indexOf(0xd8); at !== -1; at = split.indexOf(0xd8, at + 2)) cuts.push(at + 1);
    expect(await postUpdate(api, port, JSON.parse(whole.toString()))).toBe(200);
    expect(await postInParts(api, port, split, cuts.slice(0, 3), 40)).toBe(200);
    await running.terminate();
    const shown = shownByChat(api);
    const [reference] = shown.get("5001") ?? [];
    const [answer] = shown.get("5002") ?? [];
    console.log(
      `fault split-character: a Persian question in ${Math.min(cuts.length, 3) + 1} TCP writes, each cut inside a character: answered ${answer === reference ? "as the whole question" : "differently"}, U+FFFD ${answer?.includes("\uFFFD") ? "present" : "absent"}`,
    );
    expect(reference).toBeDefined();
    expect(answer).toBe(reference);
    expect(answer).not.toContain("\uFFFD");
  }, 60_000);
});

import { describe, expect, it } from "vitest";
import { ANSWER_REUSE_MS, ask } from "../../bot/ask.js";
import type { ServiceStatus } from "../../model/status.js";
import type { Store } from "../../model/store.js";
import type { AnswerContext } from "../../pipeline/answer.js";
import { openStore } from "../../store/open.js";
import { measuredInChina, miniKb } from "../helpers.js";

// The answers of the last second (bot/ask.ts, RecentAnswers): the same question gets the same answer
// without reading the store again, until a status, a report or a second changes it.

const kb = miniKb();
const START = Date.parse("2026-11-21T10:05:00.000Z");

const measured = (status: ServiceStatus["status"]) => measuredInChina("chatapp", status);

/** The store, counting its status reads; `hideGeneration` makes it one that cannot say what changed. */
function counting(store: Store, hideGeneration = false) {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      if (name === "changeGeneration" && hideGeneration) return undefined;
      const value = Reflect.get(target, name, receiver);
      if (name === "getStatuses") reads++;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: counted, reads: () => reads };
}

async function setUp(hideGeneration = false) {
  const opened = await openStore("memory:");
  await opened.putStatus(measured("blocked"));
  const { store, reads } = counting(opened, hideGeneration);
  let nowMs = START;
  const ctx: AnswerContext = { kb, store, defaultCountry: "CN", now: () => nowMs };
  return { opened, ctx, reads, advance: (ms: number) => (nowMs += ms) };
}

describe("answers of the last second", () => {
  it("gives the same question the same answer without reading the store again", async () => {
    const { opened, ctx, reads } = await setUp();
    const first = await ask("is chatapp blocked", "en", ctx);
    const readsOnce = reads();
    expect(readsOnce).toBeGreaterThan(0);
    const again = await ask("is chatapp blocked", "en", ctx);
    expect(again.html).toBe(first.html);
    expect(again.answer).toBe(first.answer);
    expect(reads()).toBe(readsOnce);
    // Another language, another default country or another wording is another answer.
    await ask("is chatapp blocked", "ru", ctx);
    await ask("is chatapp blocked", "en", { ...ctx, defaultCountry: "IR" });
    await ask("chatapp blocked?", "en", ctx);
    expect(reads()).toBe(readsOnce + 3);
    await opened.close();
  });

  it("answers with a status written meanwhile at once, however recent the kept answer", async () => {
    const { opened, ctx } = await setUp();
    expect((await ask("is chatapp blocked", "en", ctx)).answer.status).toBe("blocked");
    await opened.putStatus(measured("accessible"));
    const after = await ask("is chatapp blocked", "en", ctx);
    expect(after.answer.status).toBe("accessible");
    await opened.close();
  });

  it("builds the answer again once a second has passed", async () => {
    const { opened, ctx, reads, advance } = await setUp();
    await ask("is chatapp blocked", "en", ctx);
    const readsOnce = reads();
    advance(ANSWER_REUSE_MS - 1);
    await ask("is chatapp blocked", "en", ctx);
    expect(reads()).toBe(readsOnce);
    advance(1);
    const later = await ask("is chatapp blocked", "en", ctx);
    expect(reads()).toBeGreaterThan(readsOnce);
    expect(later.answer.at).toBe(new Date(START + ANSWER_REUSE_MS).toISOString());
    await opened.close();
  });

  it("never reuses an answer where the store cannot tell what changed", async () => {
    const { opened, ctx, reads } = await setUp(true);
    await ask("is chatapp blocked", "en", ctx);
    const readsOnce = reads();
    await ask("is chatapp blocked", "en", ctx);
    expect(reads()).toBe(2 * readsOnce);
    await opened.close();
  });
});

import { describe, expect, it } from "vitest";
import { ask, askJson } from "../../bot/ask.js";
import { parseQuestion } from "../../bot/parse.js";
import { buildAnswer } from "../../pipeline/answer.js";
import { openStore } from "../../store/open.js";
import { measuredInChina, miniKb } from "../helpers.js";

const kb = miniKb();

const measured = measuredInChina;

async function context() {
  const store = await openStore("memory:");
  return { kb, store, defaultCountry: "CN" };
}

describe("buildAnswer", () => {
  it("answers from history when nothing was measured, and says so", async () => {
    const answer = await buildAnswer(parseQuestion("is chatapp blocked", kb), await context());
    expect(answer).toMatchObject({
      service: "chatapp",
      country: "CN",
      status: "blocked",
      basis: "history",
      since: "2017-09-25",
      checkedAt: null,
    });
    expect(answer.event?.source).toBe("https://example.org/b");
    expect(answer.history.map((e) => e.date)).toEqual(["2017-09-25", "2017-07"]);
  });

  it("prefers a confirmed measurement over history", async () => {
    const ctx = await context();
    await ctx.store.putStatus(measured("chatapp", "partial"));
    const answer = await buildAnswer(parseQuestion("chatapp china", kb), ctx);
    expect(answer).toMatchObject({
      status: "partial",
      basis: "measurement",
      checkedAt: "2026-11-21T10:00:00.000Z",
    });
  });

  it("orders alternatives by what works, then by privacy, and lists circumvention only when blocked", async () => {
    const ctx = await context();
    await ctx.store.putStatus(measured("openchat", "accessible"));
    await ctx.store.putStatus(measured("safechat", "accessible"));
    const blocked = await buildAnswer(parseQuestion("chatapp", kb), ctx);
    expect(blocked.alternatives.map((a) => [a.service, a.status, a.e2ee])).toEqual([
      ["safechat", "accessible", "yes"],
      ["openchat", "accessible", "no"],
    ]);
    expect(blocked.circumvention.map((c) => c.service)).toEqual(["tunnel"]);

    await ctx.store.putStatus(measured("chatapp", "accessible"));
    const fine = await buildAnswer(parseQuestion("chatapp", kb), ctx);
    expect(fine.circumvention).toEqual([]);
  });

  it("says unknown, with no basis, for a service with neither measurement nor history", async () => {
    const answer = await buildAnswer(parseQuestion("safechat in germany", kb), await context());
    expect(answer).toMatchObject({ service: "safechat", country: "DE", status: "unknown", basis: "none" });
  });

  it("uses the default country only when the question names none", async () => {
    const ctx = { ...(await context()), defaultCountry: "DE" };
    expect((await buildAnswer(parseQuestion("chatapp", kb), ctx)).country).toBe("DE");
    expect((await buildAnswer(parseQuestion("chatapp in china", kb), ctx)).country).toBe("CN");
  });
});

describe("askJson", () => {
  it("has exactly the contract's fields plus the status's fields as the API shapes them, suggestions and ooni", async () => {
    const json = askJson(await ask("chatapp in beijing", "en", await context()));
    expect(Object.keys(json).sort()).toEqual(
      [
        "alternatives",
        "basis",
        "checkedAt",
        "confidence",
        "country",
        "domain",
        "features",
        "measuredAt",
        "mechanism",
        "method",
        "networks",
        "ooni",
        "region",
        "regions",
        "service",
        "since",
        "source",
        "sources",
        "stale",
        "status",
        "suggestions",
        "text",
        "understood",
      ].sort(),
    );
    expect(json).toMatchObject({
      service: "chatapp",
      country: "CN",
      region: "beijing",
      status: "blocked",
      ooni: null,
    });
    expect(json.text).not.toMatch(/<\/?[bi]>/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply } from "../../bot/conversation.js";
import { encodeCheck, parseCheck } from "../../bot/features/check-now.js";
import type { Store } from "../../model/store.js";
import { realKb } from "../helpers.js";
import { labOnDemand, type OnDemandLab, startOnDemandLab } from "../pipeline/check-now-lab.js";
import { callbackData, type Harness, startHarness, texts } from "./support/harness.js";
import { ANNA, buttonPress, textMessage } from "./support/updates.js";

// The bot flow: a question about a domain outside the knowledge base, its Check-now button, and the
// answer the press produces, against the loopback lab (DNS censored for the CN vantage).

const BLOCKED_BY_DNS = [
  "⛔ <b>example.org in China, checked just now: blocked</b>",
  "What failed: DNS",
  "<i>From 1 vantage(s) in the country, compared with vantages outside it.</i>",
].join("\n");

let lab: OnDemandLab;
let harness: Harness;
const kb = realKb();

const onDemandOver = (store: Store, now?: () => number) => labOnDemand(lab, kb, store, now ? { now } : {});

beforeAll(async () => {
  lab = await startOnDemandLab();
  harness = await startHarness({ kb, onDemand: (store) => onDemandOver(store) });
});

afterAll(async () => {
  await harness.close();
  await lab.close();
});

describe("Check now in Telegram", () => {
  it("offers Check now under a domain's answer, runs the probe on a press, and answers with the verdict", async () => {
    const asked = await harness.send(textMessage("is example.org blocked in China?", ANNA));
    const answer = asked.find((c) => c.method === "sendMessage");
    expect(callbackData(answer)).toEqual([["chk:example.org:CN"]]);

    const pressed = await harness.send(buttonPress("chk:example.org:CN", ANNA));
    expect(pressed.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe(
      "Checking example.org…",
    );
    expect(texts(pressed)).toEqual([BLOCKED_BY_DNS]);

    // A second press within the window probes nothing: it gets the same result, dated.
    const served = lab.served.get("example.org");
    const again = await harness.send(buttonPress("chk:example.org:CN", ANNA));
    expect(texts(again)).toEqual([BLOCKED_BY_DNS.replace("checked just now", "checked 0 s ago")]);
    expect(lab.served.get("example.org")).toBe(served);
  });

  it("refuses a forged button aimed at a private address, without probing", async () => {
    const pressed = await harness.send(buttonPress("chk:127.0.0.1:CN", ANNA));
    expect(texts(pressed)).toEqual(["I can only check public web sites, and 127.0.0.1 is not one."]);
  });

  it("answers /check like the button", async () => {
    const done = await harness.send(textMessage("/check open.example cn", ANNA));
    expect(texts(done)).toHaveLength(1);
    expect(texts(done)[0]).toContain("open.example in China, checked just now: accessible");
  });

  it("parses its callback data strictly", () => {
    expect(parseCheck("chk:example.org:CN")).toEqual({ domain: "example.org", country: "CN" });
    expect(parseCheck("chk:[2001:db8::1]:IR")).toEqual({ domain: "2001:db8::1", country: "IR" });
    expect(parseCheck("chk:example.org:cn")).toBeUndefined();
    expect(parseCheck("chk:exa mple.org:CN")).toBeUndefined();
    expect(parseCheck("chk:example.org:CN:x")).toBeUndefined();
    expect(encodeCheck({ domain: `${"a".repeat(60)}.org`, country: "CN" })).toBeUndefined();
  });
});

describe("Check now in the console chat", () => {
  it("hints /check under a domain's answer and answers it, politely limited to 5 a minute", async () => {
    const { openStore } = await import("../../store/open.js");
    const store = await openStore("memory:");
    let clock = Date.UTC(2026, 0, 1);
    const ctx = {
      kb,
      store,
      defaultCountry: "CN",
      now: () => clock,
      onDemand: onDemandOver(store, () => clock),
    };
    try {
      const answer = await reply("is example.org blocked in China?", "en", ctx);
      expect(answer.split("\n").at(-1)).toBe("To check it now from our vantages: /check example.org CN");
      expect(await reply("/check example.org CN", "en", ctx)).toBe(BLOCKED_BY_DNS);
      for (let i = 0; i < 4; i++) await reply("/check example.org CN", "en", ctx);
      clock += 10_000;
      expect(await reply("/check example.org CN", "en", ctx)).toBe(
        "You have used your on-demand checks for now; try again in 50 s.",
      );
      expect(await reply("/check example.org", "ru", ctx)).toBe(
        "Вы исчерпали проверки по запросу; попробуйте снова через 50 с.",
      );
    } finally {
      await store.close();
    }
  });
});

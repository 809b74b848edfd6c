import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callbackData, type Harness, startHarness, texts } from "./support/harness.js";
import { ANNA, buttonPress, IVAN, LIN, textMessage } from "./support/updates.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const chat = String(ANNA.id);

describe("subscriptions", () => {
  it("subscribes to a service, to every service of a country, and lists them", async () => {
    expect(texts(await h.send(textMessage("/subscribe whatsapp")))).toEqual([
      "🔔 Subscribed: this chat gets a message when the status of WhatsApp in China changes.",
    ]);
    expect(texts(await h.send(textMessage("/subscribe whatsapp cn")))).toEqual([
      "This chat is already subscribed to WhatsApp in China.",
    ]);
    expect(texts(await h.send(textMessage("/subscribe all ir")))).toEqual([
      "🔔 Subscribed: this chat gets a message when the status of every service in Iran changes.",
    ]);
    expect(await h.store.subscriptionsOf(chat)).toEqual([
      { service: "whatsapp", country: "CN" },
      { service: "*", country: "IR" },
    ]);
    expect(await h.store.subscribers({ service: "*", country: "IR" })).toEqual([chat]);

    const list = await h.send(textMessage("/subscriptions"));
    expect(texts(list)[0]).toBe(
      [
        "<b>This chat is subscribed to:</b>",
        "• WhatsApp in China",
        "• every service in Iran",
        "",
        "Delivery for this chat: a message at once when a status changes. Change it with /delivery immediate or /delivery digest.",
      ].join("\n"),
    );
    expect(callbackData(list[0])).toEqual([["uns:whatsapp:CN"], ["uns:*:IR"], ["dlv:digest"]]);
  });

  it("unsubscribes by command and by button, and explains what is missing", async () => {
    await h.send(textMessage("/subscribe telegram ir"));
    expect(texts(await h.send(textMessage("/unsubscribe telegram ir")))).toEqual([
      "Unsubscribed: this chat gets no more messages about Telegram in Iran.",
    ]);
    expect(texts(await h.send(textMessage("/unsubscribe telegram ir")))).toEqual([
      "This chat is not subscribed to Telegram in Iran.",
    ]);
    await h.send(textMessage("/subscribe all"));
    const pressed = await h.send(buttonPress("uns:*:CN"));
    expect(pressed.map((c) => c.method)).toEqual(["answerCallbackQuery", "editMessageText"]);
    expect(pressed[0]?.payload.text).toBe(
      "Unsubscribed: this chat gets no more messages about every service in China.",
    );
    expect(await h.store.subscriptionsOf(chat)).toEqual([]);
    expect(texts(await h.send(textMessage("/subscribe")))).toEqual([
      "What should this chat subscribe to? For example: /subscribe whatsapp cn, or /subscribe all ir for every service in Iran.",
    ]);
    expect(texts(await h.send(textMessage("/subscribe blorpchat")))[0]).toMatch(
      /^I could not tell which service/,
    );
    expect(texts(await h.send(textMessage("/subscribe all atlantis")))).toEqual([
      'I do not know the country "atlantis". Use a two-letter code such as CN, IR or RU.',
    ]);
  });

  it("subscribes with the Subscribe button under an answer", async () => {
    const calls = await h.send(buttonPress("sub:signal:IR"));
    expect(calls).toEqual([
      {
        method: "answerCallbackQuery",
        payload: {
          callback_query_id: expect.any(String),
          text: "🔔 Subscribed: this chat gets a message when the status of Signal in Iran changes.",
        },
      },
    ]);
    expect(await h.store.subscribers({ service: "signal", country: "IR" })).toEqual([chat]);
    expect((await h.store.getChat(chat))?.active).toBe(true);
  });

  it("stores the delivery mode, by command and by button", async () => {
    expect(texts(await h.send(textMessage("/delivery digest")))).toEqual([
      "Delivery for this chat: one daily digest.",
    ]);
    expect((await h.store.getChat(chat))?.delivery).toBe("digest");
    expect(texts(await h.send(textMessage("/delivery")))).toEqual([
      "Delivery for this chat: one daily digest. Change it with /delivery immediate or /delivery digest.",
    ]);
    const pressed = await h.send(buttonPress("dlv:immediate"));
    expect(pressed[0]?.payload.text).toBe("Delivery for this chat: a message at once when a status changes.");
    expect((await h.store.getChat(chat))?.delivery).toBe("immediate");
  });
});

describe("/report", () => {
  it("takes one report per person per service per hour and shows the count, never as a verdict", async () => {
    expect(texts(await h.send(textMessage("/report whatsapp")))).toEqual([
      [
        "Thank you. Your report about WhatsApp in China is noted.",
        "👥 1 person in China reported problems in the last hour.",
        "<i>Reports are shown beside our measurements, never as a verdict on their own.</i>",
      ].join("\n"),
    ]);
    h.advance(10 * 60_000);
    expect(
      texts(await h.send(textMessage("/report whatsapp cn")))[0]
        ?.split("\n")
        .slice(0, 2),
    ).toEqual([
      "You already reported WhatsApp in China within the last hour; it counts once.",
      "👥 1 person in China reported problems in the last hour.",
    ]);
    await h.send(textMessage("/report whatsapp", LIN));
    const [russian] = texts(await h.send(textMessage("/report whatsapp китай", IVAN)));
    expect(russian?.split("\n")[1]).toBe("👥 Китай: за последний час о проблемах сообщили 3 человека.");

    // The answer about the service shows the count beside the verdict, which stays the measured one.
    const [answer] = texts(await h.send(textMessage("is whatsapp blocked in china")));
    expect(answer?.split("\n").slice(0, 3)).toEqual([
      "⛔ <b>WhatsApp in China</b>",
      expect.stringMatching(/^No fresh measurement; last known: blocked since September 2017/),
      "👥 3 people in China reported problems in the last hour.",
    ]);

    h.advance(61 * 60_000);
    expect(texts(await h.send(textMessage("/report whatsapp")))[0]).toMatch(/^Thank you\./);
    const [later] = texts(await h.send(textMessage("whatsapp china")));
    expect(later).toContain("👥 1 person in China reported problems in the last hour.");
  });

  it("stores a keyed hash of the person, never their id", async () => {
    const addReport = vi.spyOn(h.store, "addReport");
    await h.send(textMessage("/report telegram ru"));
    await h.send(textMessage("/report telegram ru", LIN));
    const [anna, lin] = addReport.mock.calls.map(([reporter]) => reporter);
    expect(anna).toMatch(/^[0-9a-f]{32}$/);
    expect(anna).not.toContain(String(ANNA.id));
    expect(lin).not.toBe(anna);
  });
});

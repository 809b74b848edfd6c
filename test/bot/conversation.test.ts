import { describe, expect, it } from "vitest";
import { reply } from "../../bot/conversation.js";
import type { ServiceStatus } from "../../model/status.js";
import { openStore } from "../../store/open.js";
import { miniKb } from "../helpers.js";

// The console chat (cli/start.ts without BOT_TOKEN) answers as the bot does in a private chat.

async function context() {
  return {
    kb: miniKb(),
    store: await openStore("memory:"),
    defaultCountry: "CN",
    now: () => Date.UTC(2026, 10, 21),
  };
}

describe("console reply", () => {
  it("answers /start, /help and /about", async () => {
    const ctx = await context();
    expect(await reply("/start", "en", ctx)).toMatch(/^Hello! Ask me whether a service is blocked/);
    expect(await reply("/start", "en", ctx)).toContain(
      "Language: English (/lang) · default country: China (/country)",
    );
    expect(await reply("/help", "en", ctx)).toContain(
      "/status &lt;service&gt; [country] — Is a service blocked?",
    );
    expect(await reply("/help", "en", ctx)).not.toContain("In any chat, type @");
    expect((await reply("/about", "ru", ctx)).split("\n")[0]).toBe("<b>Откуда isblocked это знает</b>");
  });

  it("answers /status like the question, and asks which service when none is named", async () => {
    const ctx = await context();
    expect(await reply("/status chatapp", "en", ctx)).toBe(await reply("is chatapp blocked", "en", ctx));
    expect(await reply("/status", "en", ctx)).toBe("Which service? For example: /status whatsapp cn");
  });

  it("answers /list and /alternatives", async () => {
    const ctx = await context();
    const measured: ServiceStatus = {
      service: "safechat",
      country: "CN",
      status: "accessible",
      mechanism: null,
      since: "2026-11-20T08:00:00.000Z",
      checkedAt: "2026-11-21T10:00:00.000Z",
      features: [],
      regions: [],
      confidence: 1,
    };
    await ctx.store.putStatus(measured);
    expect((await reply("/list", "en", ctx)).split("\n")[1]).toBe(
      "<b>Messaging</b>: ⛔ ChatApp*, ❔ OpenChat &lt;beta&gt;, ✅ SafeChat",
    );
    expect(await reply("/list atlantis", "en", ctx)).toBe(
      'I do not know the country "atlantis". Use a two-letter code such as CN, IR or RU.',
    );
    expect((await reply("/alternatives chatapp", "en", ctx)).split("\n").slice(0, 3)).toEqual([
      "🔀 <b>Instead of ChatApp in China</b>",
      "• SafeChat: accessible · end-to-end encrypted",
      "• OpenChat &lt;beta&gt;: unknown · not end-to-end encrypted",
    ]);
  });

  it("says which commands work only in Telegram", async () => {
    const ctx = await context();
    for (const command of ["/subscribe", "/report", "/lang", "/country"]) {
      expect(await reply(`${command} chatapp`, "en", ctx)).toBe(
        `${command} needs Telegram: alerts and chat settings belong to a Telegram chat. Set BOT_TOKEN to run the bot there.`,
      );
    }
  });
});

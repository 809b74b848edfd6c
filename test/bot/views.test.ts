import { describe, expect, it } from "vitest";
import { renderAbout } from "../../bot/views/about.js";
import { renderAlternatives } from "../../bot/views/alternatives.js";
import { renderDetails } from "../../bot/views/details.js";
import { renderGroupGreeting, renderHelp, renderWelcome } from "../../bot/views/help.js";
import { renderHistory } from "../../bot/views/history.js";
import { renderList } from "../../bot/views/list.js";
import { renderReportReceipt } from "../../bot/views/reports.js";
import { renderSubscriptions } from "../../bot/views/subscriptions.js";
import { targetLabel } from "../../bot/views/targets.js";
import type { ServiceStatus } from "../../model/status.js";
import { ALL_SERVICES } from "../../model/store.js";
import type { ListedService } from "../../pipeline/read-model.js";
import { miniKb } from "../helpers.js";

const kb = miniKb();
const CHATAPP_CN = { service: "chatapp", country: "CN" };

const overview: ListedService[] = [
  { service: "chatapp", status: "blocked", basis: "history", stale: false },
  { service: "openchat", status: "accessible", basis: "measurement", stale: false },
  { service: "safechat", status: "unknown", basis: "none", stale: false },
  { service: "tunnel", status: "partial", basis: "measurement", stale: false },
];

const measured: ServiceStatus = {
  ...CHATAPP_CN,
  status: "partial",
  mechanism: "tls",
  since: "2026-11-20T08:00:00.000Z",
  checkedAt: "2026-11-21T10:05:00.000Z",
  features: [
    { feature: "text", status: "ok", mechanism: null },
    { feature: "media", status: "blocked", mechanism: "tls" },
  ],
  regions: [{ region: "beijing", status: "blocked" }],
  confidence: 0.87,
};

describe("renderList", () => {
  it("puts every service under its category, tools last, with a legend and the history mark", () => {
    expect(renderList(kb, "CN", overview, "en")).toBe(
      [
        "<b>China: every service by category</b>",
        "<b>Messaging</b>: ⛔ ChatApp*, ✅ OpenChat &lt;beta&gt;, ❔ SafeChat",
        "<b>Ways around the block</b>: 🟠 Tunnel",
        "",
        "✅ accessible · 🟠 partially blocked · ⛔ blocked · 🔻 down everywhere · ❔ unknown",
        "* last known from dated history, not measured by us",
      ].join("\n"),
    );
  });

  it("uses Chinese punctuation in Chinese and isolates Latin names in Persian", () => {
    expect(renderList(kb, "CN", overview, "zh-Hans").split("\n").slice(0, 3)).toEqual([
      "<b>中国：按类别列出的所有服务</b>",
      "<b>即时通讯</b>：⛔ 聊天应用*、✅ 开聊、❔ SafeChat",
      "<b>翻墙工具</b>：🟠 隧道",
    ]);
    expect(renderList(kb, "CN", overview, "fa").split("\n")[1]).toBe(
      "<b>پیام‌رسان‌ها</b>: ⛔ چت‌اپ*، ✅ اپن‌چت، ❔ \u2068SafeChat\u2069",
    );
  });

  it("leaves out the history note when everything was measured", () => {
    const lines = renderList(
      kb,
      "CN",
      [{ service: "tunnel", status: "blocked", basis: "measurement", stale: false }],
      "en",
    );
    expect(lines.split("\n").at(-1)).toBe(
      "✅ accessible · 🟠 partially blocked · ⛔ blocked · 🔻 down everywhere · ❔ unknown",
    );
  });
});

describe("renderDetails", () => {
  it("shows per-feature and per-region evidence and what each mechanism means", () => {
    expect(renderDetails(kb, CHATAPP_CN, measured, "en")).toBe(
      [
        "🔍 <b>ChatApp in China: details</b>",
        "Status: partially blocked · confidence 87%",
        "Since 20 November 2026 08:00 UTC · last checked 21 November 2026 10:05 UTC",
        "",
        "By feature:",
        "• Text messages: works",
        "• Photos, video and voice notes: blocked (TLS)",
        "",
        "By region:",
        "• Beijing: blocked",
        "",
        "How it fails:",
        "• TLS: the encrypted handshake was cut off or answered by an impostor",
      ].join("\n"),
    );
  });

  it("says there is no measurement yet and lists what will be measured", () => {
    expect(renderDetails(kb, CHATAPP_CN, undefined, "en")).toBe(
      [
        "🔍 <b>ChatApp in China: details</b>",
        "No measurement of ChatApp in China yet, so there is no per-feature or per-region evidence.",
        "",
        "By feature:",
        "• Text messages: not measured yet",
        "• Photos, video and voice notes: not measured yet",
      ].join("\n"),
    );
  });

  it("speaks Russian", () => {
    expect(renderDetails(kb, CHATAPP_CN, measured, "ru").split("\n").slice(0, 3)).toEqual([
      "🔍 <b>ЧатАпп (Китай): подробности</b>",
      "Статус: частичная блокировка · уверенность 87%",
      "С 20 ноября 2026 г. 08:00 UTC · последняя проверка: 21 ноября 2026 г. 10:05 UTC",
    ]);
  });
});

describe("renderHistory", () => {
  it("lists measured changes, then dated events with sources, newest first", () => {
    const timeline = [
      { at: "2026-11-20T08:00:00.000Z", from: null, to: "accessible", mechanism: null },
      { at: "2026-11-21T08:00:00.000Z", from: "accessible", to: "partial", mechanism: "tls" },
    ] as const;
    expect(renderHistory(kb, CHATAPP_CN, [...timeline], kb.eventsFor("chatapp", "CN"), "en")).toBe(
      [
        "📜 <b>ChatApp in China: history</b>",
        "Measured changes:",
        "• 21 November 2026 08:00 UTC: accessible → partially blocked (TLS)",
        "• 20 November 2026 08:00 UTC: first measured: accessible",
        "",
        "Recorded events:",
        '• 25 September 2017: Blocked entirely. (<a href="https://example.org/b">source</a>)',
        '• July 2017: Photos &amp; videos stopped &lt;loading&gt;. (<a href="https://example.org/a?x=1&amp;y=2">source</a>)',
      ].join("\n"),
    );
  });

  it("says when nothing is recorded", () => {
    expect(renderHistory(kb, { service: "safechat", country: "CN" }, [], [], "en")).toBe(
      ["📜 <b>SafeChat in China: history</b>", "Nothing is recorded yet for SafeChat in China."].join("\n"),
    );
  });
});

describe("renderAlternatives", () => {
  it("lists alternatives with privacy, then the ways around blocking with the legal caution", () => {
    const view = {
      ...CHATAPP_CN,
      alternatives: [
        { service: "safechat", status: "accessible", basis: "measurement", stale: false, e2ee: "yes" },
        { service: "openchat", status: "blocked", basis: "history", stale: false, e2ee: "no" },
      ] as const,
      circumvention: [
        { service: "tunnel", status: "unknown", basis: "none", stale: false, e2ee: "no" },
      ] as const,
    };
    expect(
      renderAlternatives(
        kb,
        { ...view, alternatives: [...view.alternatives], circumvention: [...view.circumvention] },
        "en",
      ),
    ).toBe(
      [
        "🔀 <b>Instead of ChatApp in China</b>",
        "• SafeChat: accessible · end-to-end encrypted",
        "• OpenChat &lt;beta&gt;: blocked (last known) · not end-to-end encrypted",
        "",
        "Ways around the block:",
        "• Tunnel: unknown · the app alone, no server of your own",
        '⚠️ Caution: Unauthorised VPNs are illegal. (<a href="https://example.org/risk">source</a>)',
      ].join("\n"),
    );
  });

  it("says when none are listed", () => {
    const view = { service: "tunnel", country: "DE", alternatives: [], circumvention: [] };
    expect(renderAlternatives(kb, view, "en")).toBe(
      ["🔀 <b>Instead of Tunnel in Germany</b>", "No alternatives are listed for Tunnel yet."].join("\n"),
    );
  });
});

describe("subscriptions", () => {
  it("labels a service and every service of a country", () => {
    expect(targetLabel(kb, CHATAPP_CN, "en")).toBe("ChatApp in China");
    expect(targetLabel(kb, { service: ALL_SERVICES, country: "CN" }, "en")).toBe("every service in China");
    expect(targetLabel(kb, { service: "safechat", country: "CN" }, "fa")).toBe("\u2068SafeChat\u2069 در چین");
  });

  it("lists what a chat is subscribed to and how it is delivered", () => {
    expect(
      renderSubscriptions(kb, [CHATAPP_CN, { service: ALL_SERVICES, country: "CN" }], "digest", "en"),
    ).toBe(
      [
        "<b>This chat is subscribed to:</b>",
        "• ChatApp in China",
        "• every service in China",
        "",
        "Delivery for this chat: one daily digest. Change it with /delivery immediate or /delivery digest.",
      ].join("\n"),
    );
    expect(renderSubscriptions(kb, [], "immediate", "en")).toBe(
      [
        "This chat has no subscriptions yet. Try /subscribe whatsapp cn or /subscribe all ir.",
        "",
        "Delivery for this chat: a message at once when a status changes. Change it with /delivery immediate or /delivery digest.",
      ].join("\n"),
    );
  });
});

describe("renderReportReceipt", () => {
  it("thanks, counts people and says reports are not a verdict", () => {
    expect(renderReportReceipt(kb, CHATAPP_CN, true, 3, "en")).toBe(
      [
        "Thank you. Your report about ChatApp in China is noted.",
        "👥 3 people in China reported problems in the last hour.",
        "<i>Reports are shown beside our measurements, never as a verdict on their own.</i>",
      ].join("\n"),
    );
    expect(renderReportReceipt(kb, CHATAPP_CN, true, 1, "en").split("\n")[1]).toBe(
      "👥 1 person in China reported problems in the last hour.",
    );
  });

  it("counts once per hour and uses each language's plural forms", () => {
    expect(renderReportReceipt(kb, CHATAPP_CN, false, 1, "ru").split("\n").slice(0, 2)).toEqual([
      "Вы уже сообщали о проблеме (ЧатАпп, Китай) за последний час; учитывается один раз.",
      "👥 Китай: за последний час о проблемах сообщил 1 человек.",
    ]);
    const russian = (n: number) => renderReportReceipt(kb, CHATAPP_CN, true, n, "ru").split("\n")[1];
    expect(russian(3)).toBe("👥 Китай: за последний час о проблемах сообщили 3 человека.");
    expect(russian(5)).toBe("👥 Китай: за последний час о проблемах сообщили 5 человек.");
    expect(russian(21)).toBe("👥 Китай: за последний час о проблемах сообщил 21 человек.");
    expect(renderReportReceipt(kb, CHATAPP_CN, true, 2, "zh-Hans").split("\n")[1]).toBe(
      "👥 过去一小时内，中国有 2 人报告遇到问题。",
    );
  });

  it("shows no count before anyone reported", () => {
    expect(renderReportReceipt(kb, CHATAPP_CN, true, 0, "en").split("\n")).toHaveLength(2);
  });
});

describe("welcome, help, greeting, about", () => {
  it("welcomes with the chat's language and default country", () => {
    expect(renderWelcome(kb, "en", "CN")).toBe(
      [
        'Hello! Ask me whether a service is blocked, for example "is WhatsApp blocked in China?". I answer from network probes and a knowledge base of censorship history, and I say unknown when I do not know.',
        "",
        "Language: English (/lang) · default country: China (/country)",
        "/help lists every command; /about says how I know.",
      ].join("\n"),
    );
  });

  it("lists every command with its arguments", () => {
    expect(renderHelp("en", "isblocked_bot")).toBe(
      [
        'Ask in your own words: "is Telegram blocked in Iran?", "YouTube Russia", or send a link.',
        "",
        "<b>Commands:</b>",
        "/status &lt;service&gt; [country] — Is a service blocked? With evidence",
        "/list [country] — Every service in a country, by category",
        "/alternatives &lt;service&gt; [country] — What works instead of a service",
        "/history &lt;service&gt; [country] — The last 30 days as a chart, and dated history",
        "/report &lt;service&gt; [country] — Tell us a service does not work for you",
        "/check &lt;domain&gt; [country] — Check any website now from the country's vantages",
        "/subscribe &lt;service&gt; [country] — Get a message when a status changes",
        "/unsubscribe &lt;service&gt; [country] — Stop those messages",
        "/subscriptions — What this chat is subscribed to",
        "/delivery [immediate|digest] — Alerts at once or as a daily digest",
        "/country [code] — Default country of this chat",
        "/lang [code] — Language of this chat",
        "/about — How verdicts are made, and the sources",
        "/help — How to ask, and every command",
        "/start — Welcome, language and default country",
        "/subscribe_channel &lt;@channel&gt; &lt;service&gt; [country] — Subscribe a channel you administer",
        "/unsubscribe_channel &lt;@channel&gt; &lt;service&gt; [country] — Unsubscribe a channel you administer",
        "",
        "Instead of a service, all means every service: /subscribe all ir.",
        "In any chat, type @isblocked_bot whatsapp iran to share a status.",
        "In groups anyone may ask; only admins change subscriptions and settings.",
      ].join("\n"),
    );
  });

  it("puts the description first in Persian, so each line stays right to left", () => {
    const lines = renderHelp("fa").split("\n");
    expect(lines[3]).toBe("• آیا سرویسی مسدود است؟ همراه با شواهد: /status &lt;سرویس&gt; [کشور]");
    // Without the bot's name (the console), inline mode is not mentioned.
    expect(lines.at(-2)).toBe("به جای نام سرویس، all یعنی همهٔ سرویس‌ها: /subscribe all ir");
  });

  it("greets a group by its escaped name", () => {
    expect(renderGroupGreeting("en", "A <b> & Co")).toBe(
      "👋 Hello, A &lt;b&gt; &amp; Co! Anyone here can ask whether a service is blocked: /status whatsapp cn, or mention me with a question. Admins can set this group's language (/lang) and default country (/country IR), and subscribe it to changes: /subscribe whatsapp cn, /subscribe all ir, /delivery digest for one message a day.",
    );
  });

  it("explains how verdicts are made", () => {
    const about = renderAbout("en").split("\n");
    expect(about[0]).toBe("<b>How isblocked knows</b>");
    expect(about).toHaveLength(7);
    expect(about[5]).toBe(
      "• Sources: our own probes, public OONI measurements, and a knowledge base of dated events, each linked to its reporting (news, Citizen Lab, Freedom House).",
    );
  });
});

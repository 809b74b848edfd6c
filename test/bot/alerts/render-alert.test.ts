import { describe, expect, it } from "vitest";
import type { StatusChange } from "../../../analysis/status-engine.js";
import { type AlertView, renderAlert, renderDigest } from "../../../bot/alerts/render-alert.js";
import type { Lang } from "../../../kb/schema.js";
import { miniKb } from "../../helpers.js";

const kb = miniKb();
const CHATAPP_CN = { service: "chatapp", country: "CN" };

/** The WhatsApp-in-China-2017 story on the fixture's ChatApp: text works, media is blocked at TLS. */
const partial: StatusChange = {
  id: "chatapp/CN/2026-11-21T08:20:00.000Z",
  target: CHATAPP_CN,
  from: "accessible",
  to: "partial",
  since: "2026-11-21T08:00:00.000Z",
  at: "2026-11-21T08:20:00.000Z",
  mechanism: "tls",
  features: [
    { feature: "text", status: "ok", mechanism: null },
    { feature: "media", status: "blocked", mechanism: "tls" },
  ],
};

const view: AlertView = {
  change: partial,
  alternatives: [
    { service: "safechat", status: "accessible", basis: "measurement", stale: false, e2ee: "yes" },
    { service: "openchat", status: "blocked", basis: "history", stale: false, e2ee: "no" },
  ],
  circumvention: [{ service: "tunnel", status: "unknown", basis: "none", stale: false, e2ee: "no" }],
};

describe("renderAlert", () => {
  it.each<[Lang, string[]]>([
    [
      "en",
      [
        "🟠 <b>ChatApp in China is now partially blocked</b> (since 21 November 2026 08:00 UTC)",
        "Before: accessible.",
        "Blocked: photos, video and voice notes (TLS).",
        "Working: text messages.",
        "Instead: SafeChat (accessible, end-to-end encrypted); OpenChat &lt;beta&gt; (blocked, last known, not end-to-end encrypted).",
        "Ways around the block: Tunnel (unknown, the app alone, no server of your own).",
        "Details: /status chatapp cn",
      ],
    ],
    [
      "zh-Hans",
      [
        "🟠 <b>聊天应用在中国的状态变为：部分被封锁</b>（自2026年11月21日 08:00 UTC起）",
        "此前：可访问。",
        "被封锁：图片、视频和语音消息（TLS）。",
        "正常：文字消息。",
        "替代选择：SafeChat（可访问，端到端加密）；开聊（被封锁，最后已知状态，无端到端加密）。",
        "翻墙方法：隧道（未知，只需应用，无需自备服务器）。",
        "详情：/status chatapp cn",
      ],
    ],
    [
      "zh-Hant",
      [
        "🟠 <b>聊天應用在中國的狀態變為：部分遭封鎖</b>（自2026年11月21日 08:00 UTC起）",
        "此前：可連線。",
        "遭封鎖：照片、影片和語音訊息（TLS）。",
        "正常：文字訊息。",
        "替代選擇：SafeChat（可連線，端對端加密）；開聊（遭封鎖，最後已知狀態，無端對端加密）。",
        "翻牆方法：隧道（未知，只需 App，無需自備伺服器）。",
        "詳情：/status chatapp cn",
      ],
    ],
    [
      "ru",
      [
        "🟠 <b>ЧатАпп (Китай): теперь частичная блокировка</b> (с 21 ноября 2026 г. 08:00 UTC)",
        "Раньше: доступ есть.",
        "Блокировка: фото, видео и голосовые сообщения (TLS).",
        "Работает: текстовые сообщения.",
        "Альтернативы: SafeChat (доступ есть, сквозное шифрование); ОпенЧат (блокировка, по последним данным, без сквозного шифрования).",
        "Как обойти блокировку: Туннель (неизвестно, только приложение, свой сервер не нужен).",
        "Подробнее: /status chatapp cn",
      ],
    ],
    [
      "fa",
      [
        "🟠 <b>وضعیت چت‌اپ در چین اکنون: تا حدی مسدود</b> (از ۲۱ نوامبر ۲۰۲۶ ۰۸:۰۰ UTC)",
        "پیش‌تر: در دسترس.",
        "مسدود: عکس، ویدیو و پیام صوتی (TLS).",
        "کار می‌کند: پیام‌های متنی.",
        // The Latin name keeps its direction inside the Persian line: first-strong isolates around it.
        "جایگزین‌ها: \u2068SafeChat\u2069 (در دسترس، با رمزنگاری سرتاسری)؛ اپن‌چت (مسدود، آخرین وضعیت شناخته‌شده، بدون رمزنگاری سرتاسری).",
        "راه‌های دور زدن سانسور: تونل (نامشخص، فقط اپ، بدون نیاز به سرور شخصی).",
        "جزئیات: /status chatapp cn",
      ],
    ],
  ])("says what changed, since when, which features, what works instead (%s)", (lang, lines) => {
    expect(renderAlert(kb, view, lang)).toBe(lines.join("\n"));
  });

  it("says only what changed when a service is accessible again: nothing to avoid, nothing to use instead", () => {
    const back: StatusChange = {
      ...partial,
      from: "blocked",
      to: "accessible",
      mechanism: null,
      features: [{ feature: "text", status: "ok", mechanism: null }],
    };
    expect(renderAlert(kb, { ...view, change: back }, "en")).toBe(
      [
        "✅ <b>ChatApp in China is now accessible</b> (since 21 November 2026 08:00 UTC)",
        "Before: blocked.",
        "Details: /status chatapp cn",
      ].join("\n"),
    );
  });

  it("tells an outage from a block: alternatives, but no ways around a block that is not there", () => {
    const outage: StatusChange = {
      ...partial,
      to: "outage",
      mechanism: null,
      features: [
        { feature: "text", status: "down", mechanism: "tcp" },
        { feature: "api", status: "unknown", mechanism: null },
        { feature: "not-in-locales", status: "blocked", mechanism: null },
      ],
    };
    expect(renderAlert(kb, { ...view, change: outage }, "en")).toBe(
      [
        "🔻 <b>ChatApp in China is now down everywhere (an outage, not censorship)</b> (since 21 November 2026 08:00 UTC)",
        "Before: accessible.",
        "Blocked: not-in-locales.",
        "Down everywhere: text messages (TCP).",
        "Unknown: API.",
        "Instead: SafeChat (accessible, end-to-end encrypted); OpenChat &lt;beta&gt; (blocked, last known, not end-to-end encrypted).",
        "Details: /status chatapp cn",
      ].join("\n"),
    );
  });

  it("has no 'before' for the first status ever confirmed, and names at most three alternatives", () => {
    // Encryption is the knowledge base's (OpenChat has none), and said only of messaging: not of Tunnel.
    const first: StatusChange = { ...partial, from: null, to: "blocked", features: [] };
    const many = ["safechat", "openchat", "tunnel", "chatapp"].map((service) => ({
      service,
      status: "accessible" as const,
      basis: "measurement" as const,
      stale: false,
      e2ee: "yes" as const,
    }));
    expect(renderAlert(kb, { change: first, alternatives: many, circumvention: [] }, "en")).toBe(
      [
        "⛔ <b>ChatApp in China is now blocked</b> (since 21 November 2026 08:00 UTC)",
        "Instead: SafeChat (accessible, end-to-end encrypted); OpenChat &lt;beta&gt; (accessible, not end-to-end encrypted); Tunnel (accessible, the app alone, no server of your own).",
        "Details: /status chatapp cn",
      ].join("\n"),
    );
  });

  it("isolates a Latin service name in a Persian headline, so the line stays right to left", () => {
    const latin: StatusChange = {
      ...partial,
      target: { service: "safechat", country: "CN" },
      from: null,
      features: [],
    };
    const text = renderAlert(kb, { change: latin, alternatives: [], circumvention: [] }, "fa");
    expect(text).toBe(
      [
        "🟠 <b>وضعیت \u2068SafeChat\u2069 در چین اکنون: تا حدی مسدود</b> (از ۲۱ نوامبر ۲۰۲۶ ۰۸:۰۰ UTC)",
        "جزئیات: /status safechat cn",
      ].join("\n"),
    );
  });
});

describe("an alert from OONI's data", () => {
  it("names the source, like an alert from our probes", () => {
    const fromOoni: StatusChange = {
      ...partial,
      sources: [
        {
          kind: "ooni",
          status: "partial",
          vantages: ["ooni:AS4134"],
          networks: [{ asn: 4134, name: "Chinanet" }],
          measurements: 1,
          latestAt: "2026-11-21T07:50:00.000Z",
          earliestAt: "2026-11-21T07:50:00.000Z",
        },
      ],
    };
    const lines = renderAlert(kb, { ...view, change: fromOoni }, "en").split("\n");
    expect(lines.slice(2, 5)).toEqual([
      "Blocked: photos, video and voice notes (TLS).",
      "Working: text messages.",
      "Measured by OONI volunteers on 1 network in the last 1 h (Chinanet AS4134).",
    ]);
    expect(renderAlert(kb, { ...view, change: fromOoni }, "zh-Hans")).toContain(
      "由 OONI 志愿者在 1 个网络上于过去 1 小时内测量（Chinanet AS4134）。",
    );
  });
});

describe("renderDigest", () => {
  const blocked: StatusChange = {
    ...partial,
    id: "chatapp/CN/2026-11-21T09:20:00.000Z",
    from: null,
    to: "blocked",
    since: "2026-11-21T09:00:00.000Z",
    features: [],
  };

  it.each<[Lang, string[]]>([
    [
      "en",
      [
        "🗓 <b>Daily digest: status changes</b>",
        "🟠 ChatApp in China: accessible → partially blocked (21 November 2026 08:00 UTC)",
        "⛔ ChatApp in China: blocked (21 November 2026 09:00 UTC)",
        "Details: /status and the service, e.g. /status chatapp cn. Your subscriptions: /subscriptions",
      ],
    ],
    [
      "zh-Hans",
      [
        "🗓 <b>每日摘要：状态变化</b>",
        "🟠 聊天应用在中国：可访问 → 部分被封锁（2026年11月21日 08:00 UTC）",
        "⛔ 聊天应用在中国：被封锁（2026年11月21日 09:00 UTC）",
        "详情请用 /status 加服务名，例如 /status chatapp cn。你的订阅：/subscriptions",
      ],
    ],
    [
      "zh-Hant",
      [
        "🗓 <b>每日摘要：狀態變化</b>",
        "🟠 聊天應用在中國：可連線 → 部分遭封鎖（2026年11月21日 08:00 UTC）",
        "⛔ 聊天應用在中國：遭封鎖（2026年11月21日 09:00 UTC）",
        "詳情請用 /status 加服務名稱，例如 /status chatapp cn。你的訂閱：/subscriptions",
      ],
    ],
    [
      "ru",
      [
        "🗓 <b>Ежедневная сводка: изменения статусов</b>",
        "🟠 ЧатАпп (Китай): доступ есть → частичная блокировка (21 ноября 2026 г. 08:00 UTC)",
        "⛔ ЧатАпп (Китай): блокировка (21 ноября 2026 г. 09:00 UTC)",
        "Подробнее: /status и название сервиса, например /status chatapp cn. Ваши подписки: /subscriptions",
      ],
    ],
    [
      "fa",
      [
        "🗓 <b>خلاصهٔ روزانه: تغییرات وضعیت</b>",
        // Read right to left: from "accessible" to "partially blocked".
        "🟠 چت‌اپ در چین: در دسترس ← تا حدی مسدود (۲۱ نوامبر ۲۰۲۶ ۰۸:۰۰ UTC)",
        "⛔ چت‌اپ در چین: مسدود (۲۱ نوامبر ۲۰۲۶ ۰۹:۰۰ UTC)",
        "برای جزئیات /status و نام سرویس را بفرستید، مثلاً /status chatapp cn. اشتراک‌های شما: /subscriptions",
      ],
    ],
  ])("lists every change of the day, oldest first (%s)", (lang, lines) => {
    expect(renderDigest(kb, [partial, blocked], lang)).toBe(lines.join("\n"));
  });

  it("leaves out the oldest changes, and counts them, when they do not fit in one message", () => {
    const changes = Array.from({ length: 5 }, (_, n) => ({
      ...blocked,
      id: `c${n}`,
      since: `2026-11-2${n}T09:00:00.000Z`,
    }));
    const text = renderDigest(kb, changes, "en", 300);
    expect(text).toBe(
      [
        "🗓 <b>Daily digest: status changes</b>",
        "Earlier changes not shown: 3.",
        "⛔ ChatApp in China: blocked (23 November 2026 09:00 UTC)",
        "⛔ ChatApp in China: blocked (24 November 2026 09:00 UTC)",
        "Details: /status and the service, e.g. /status chatapp cn. Your subscriptions: /subscriptions",
      ].join("\n"),
    );
    expect(text.length).toBeLessThanOrEqual(300);
    expect(renderDigest(kb, changes, "en").split("\n")).toHaveLength(7);
  });

  it("refuses an empty digest: there is nothing to send", () => {
    expect(() => renderDigest(kb, [], "en")).toThrow(RangeError);
  });
});

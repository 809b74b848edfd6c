import { describe, expect, it } from "vitest";
import { parseQuestion } from "../../bot/parse.js";
import { renderAnswer } from "../../bot/render.js";
import { renderAbout } from "../../bot/views/about.js";
import { LANGS, type Lang } from "../../kb/schema.js";
import { buildAnswer } from "../../pipeline/answer.js";
import { statusView } from "../../pipeline/status-view.js";
import { htmlToPlainText, relatedNote } from "../../present/text.js";
import { openStore } from "../../store/open.js";
import { renderServicePage, type ServicePageModel } from "../../web/views/service-page.js";
import { measuredPartialAnswer } from "../bot/answer-fixtures.js";
import { renamedKb } from "../bot/renamed-kb.js";
import { miniKb, realKb } from "../helpers.js";

// One answer and one service page in each of the five languages, exact: the language's own punctuation,
// dates (a year alone, a Solar Hijri date beside the Gregorian one in Persian) and digits (Persian digits
// in Persian text; Latin in URLs, commands and names), a Russian feminine and neuter name read with a
// status that needs no agreement, and the fixture's English-only events and caution marked as English.
// The alert in each language is pinned in test/bot/alerts/render-alert.test.ts.

const mini = miniKb();
// In Russian, ChatApp and SafeChat go by a feminine and a neuter name.
const kb = renamedKb(mini, "ru", { chatapp: "Википедия", safechat: "Радио Свобода" });
const answer = measuredPartialAnswer();

const target = { service: "chatapp", country: "CN" };
const NOW = new Date("2026-06-30T12:00:00.000Z");
const page: ServicePageModel = {
  ...target,
  status: statusView(
    kb,
    target,
    {
      ...target,
      status: "partial",
      mechanism: "tls",
      since: "2026-06-15T12:00:00.000Z",
      checkedAt: "2026-06-30T11:50:00.000Z",
      features: [
        { feature: "text", status: "ok", mechanism: null },
        { feature: "media", status: "blocked", mechanism: "tls" },
      ],
      regions: [{ region: "beijing", status: "partial" }],
      confidence: 0.75,
      method: { vantages: 2, controls: 1, measurements: 12, positive: 0, direct: 0 },
    },
    NOW.getTime(),
  ),
  timeline: [{ at: "2026-06-15T12:00:00.000Z", from: "accessible", to: "partial", mechanism: "tls" }],
  events: mini.eventsFor("chatapp", "CN"),
  chart: { svg: "<svg></svg>", availability: 0.5, measuredMs: 21 * 86_400_000 },
  alternatives: [{ service: "safechat", status: "accessible" }],
  circumvention: [{ service: "tunnel", status: "blocked" }],
  now: NOW,
};

// English, the same answer, is pinned in test/bot/render.test.ts.
const ANSWERS: [Lang, string[]][] = [
  [
    "zh-Hans",
    [
      "🟠 <b>聊天应用在中国：部分被封锁</b>",
      "自2026年11月20日 08:00 UTC起 · 最后检查：2026年11月21日 10:05 UTC",
      "• 文字消息：正常",
      "• 图片、视频和语音消息：被封锁（TLS）",
      "",
      "历史记录：",
      '• 2017年9月25日：（英文原文）Blocked entirely.（<a href="https://example.org/b">来源</a>）',
      '• 2017年7月：（英文原文）Photos &amp; videos stopped &lt;loading&gt;.（<a href="https://example.org/a?x=1&amp;y=2">来源</a>）',
      "",
      "替代选择：",
      "• SafeChat：可访问 · 端到端加密",
      "• 开聊：可访问（最后已知状态） · 无端到端加密",
      "",
      "翻墙方法：",
      "• 隧道：未知 · 只需应用，无需自备服务器",
      '⚠️ 注意：（英文原文）Unauthorised VPNs are illegal.（<a href="https://example.org/risk">来源</a>）',
      "",
      "<i>判断依据：中国境内探测点的结果与一个未受审查的对照网络作了比较，借此区分封锁与故障。/about</i>",
    ],
  ],
  [
    "zh-Hant",
    [
      "🟠 <b>聊天應用在中國：部分遭封鎖</b>",
      "自2026年11月20日 08:00 UTC起 · 最後檢查：2026年11月21日 10:05 UTC",
      "• 文字訊息：正常",
      "• 照片、影片和語音訊息：遭封鎖（TLS）",
      "",
      "歷史紀錄：",
      '• 2017年9月25日：（英文原文）Blocked entirely.（<a href="https://example.org/b">來源</a>）',
      '• 2017年7月：（英文原文）Photos &amp; videos stopped &lt;loading&gt;.（<a href="https://example.org/a?x=1&amp;y=2">來源</a>）',
      "",
      "替代選擇：",
      "• SafeChat：可連線 · 端對端加密",
      "• 開聊：可連線（最後已知狀態） · 無端對端加密",
      "",
      "翻牆方法：",
      "• 隧道：未知 · 只需 App，無需自備伺服器",
      '⚠️ 注意：（英文原文）Unauthorised VPNs are illegal.（<a href="https://example.org/risk">來源</a>）',
      "",
      "<i>判斷依據：中國境內探測點的結果與一個未受審查的對照網路作了比較，藉此區分封鎖與服務中斷。/about</i>",
    ],
  ],
  [
    "ru",
    [
      "🟠 <b>Википедия (Китай): частичная блокировка</b>",
      "С 20 ноября 2026 г. 08:00 UTC · последняя проверка: 21 ноября 2026 г. 10:05 UTC",
      "• Текстовые сообщения: работает",
      "• Фото, видео и голосовые сообщения: блокировка (TLS)",
      "",
      "История:",
      '• 25 сентября 2017 г.: (на английском) Blocked entirely. (<a href="https://example.org/b">источник</a>)',
      '• июль 2017 г.: Фото и видео перестали загружаться. (<a href="https://example.org/a?x=1&amp;y=2">источник</a>)',
      "",
      "Альтернативы:",
      "• Радио Свобода: доступ есть · сквозное шифрование",
      "• ОпенЧат: доступ есть (по последним данным) · без сквозного шифрования",
      "",
      "Как обойти блокировку:",
      "• Туннель: неизвестно · только приложение, свой сервер не нужен",
      '⚠️ Внимание: (на английском) Unauthorised VPNs are illegal. (<a href="https://example.org/risk">источник</a>)',
      "",
      "<i>Откуда мы знаем: измерения внутри страны «Китай» сравнили с контрольной сетью без цензуры — так блокировку отличают от сбоя. /about</i>",
    ],
  ],
  [
    "fa",
    [
      "🟠 <b>چت‌اپ در چین: تا حدی مسدود</b>",
      "از ۲۰ نوامبر ۲۰۲۶ ۰۸:۰۰ UTC · آخرین بررسی: ۲۱ نوامبر ۲۰۲۶ ۱۰:۰۵ UTC",
      "• پیام‌های متنی: کار می‌کند",
      "• عکس، ویدیو و پیام صوتی: مسدود (TLS)",
      "",
      "تاریخچه:",
      '• ۲۵ سپتامبر ۲۰۱۷ (۳ مهر ۱۳۹۶): (به انگلیسی) \u2068Blocked entirely.\u2069 (<a href="https://example.org/b">منبع</a>)',
      '• ژوئیه ۲۰۱۷: (به انگلیسی) \u2068Photos &amp; videos stopped &lt;loading&gt;.\u2069 (<a href="https://example.org/a?x=1&amp;y=2">منبع</a>)',
      "",
      "جایگزین‌ها:",
      "• \u2068SafeChat\u2069: در دسترس · با رمزنگاری سرتاسری",
      "• اپن‌چت: در دسترس (آخرین وضعیت شناخته‌شده) · بدون رمزنگاری سرتاسری",
      "",
      "راه‌های دور زدن سانسور:",
      "• تونل: نامشخص · فقط اپ، بدون نیاز به سرور شخصی",
      '⚠️ هشدار: (به انگلیسی) \u2068Unauthorised VPNs are illegal.\u2069 (<a href="https://example.org/risk">منبع</a>)',
      "",
      "<i>از کجا می‌دانیم: نتایج نقاط سنجش در چین با یک شبکهٔ مرجع بدون سانسور مقایسه شد؛ همین مقایسه مسدودسازی را از قطعی جدا می‌کند. \u2066/about\u2069</i>",
    ],
  ],
];

const PAGE_PARTS: [Lang, string[]][] = [
  [
    "en",
    [
      "<h1>ChatApp in China</h1>",
      '<p class="status-line" data-basis="measurement"><span class="muted">Status</span>: <span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> Partially blocked</span> (<span class="mechanism">TLS</span>)</p>',
      "<ul><li>Since 15 June 2026 12:00 UTC</li><li>Last checked 30 June 2026 11:50 UTC</li><li>Confidence: 75%</li></ul>",
      '<li data-to="partial"><time datetime="2026-06-15T12:00:00.000Z">15 June 2026 12:00 UTC</time>: Accessible → Partially blocked (TLS)</li>',
      '<li><time datetime="2017-09-25">25 September 2017</time>: <span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> Blocked</span> <span>Blocked entirely.</span> (<a href="https://example.org/b" rel="noopener noreferrer">source</a>)</li>',
      '<th scope="row"><a href="/s/safechat/CN?lang=en">SafeChat</a><br><span class="muted small">end-to-end encrypted</span></th>',
    ],
  ],
  [
    "zh-Hans",
    [
      "<h1>聊天应用在中国</h1>",
      '<p class="status-line" data-basis="measurement"><span class="muted">状态</span>：<span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> 部分被封锁</span>（<span class="mechanism">TLS</span>）</p>',
      "<ul><li>自2026年6月15日 12:00 UTC起</li><li>最后检查：2026年6月30日 11:50 UTC</li><li>可信度：75%</li></ul>",
      '<li data-to="partial"><time datetime="2026-06-15T12:00:00.000Z">2026年6月15日 12:00 UTC</time>：可访问 → 部分被封锁（TLS）</li>',
      '<li><time datetime="2017-09-25">2017年9月25日</time>：<span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> 被封锁</span> （英文原文）<span lang="en" dir="ltr">Blocked entirely.</span>（<a href="https://example.org/b" rel="noopener noreferrer">来源</a>）</li>',
      '<th scope="row"><a href="/s/safechat/CN?lang=zh-Hans">SafeChat</a><br><span class="muted small">端到端加密</span></th>',
    ],
  ],
  [
    "zh-Hant",
    [
      "<h1>聊天應用在中國</h1>",
      '<p class="status-line" data-basis="measurement"><span class="muted">狀態</span>：<span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> 部分遭封鎖</span>（<span class="mechanism">TLS</span>）</p>',
      "<ul><li>自2026年6月15日 12:00 UTC起</li><li>最後檢查：2026年6月30日 11:50 UTC</li><li>可信度：75%</li></ul>",
      '<li data-to="partial"><time datetime="2026-06-15T12:00:00.000Z">2026年6月15日 12:00 UTC</time>：可連線 → 部分遭封鎖（TLS）</li>',
      '<li><time datetime="2017-09-25">2017年9月25日</time>：<span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> 遭封鎖</span> （英文原文）<span lang="en" dir="ltr">Blocked entirely.</span>（<a href="https://example.org/b" rel="noopener noreferrer">來源</a>）</li>',
      '<th scope="row"><a href="/s/safechat/CN?lang=zh-Hant">SafeChat</a><br><span class="muted small">端對端加密</span></th>',
    ],
  ],
  [
    "ru",
    [
      "<h1>Википедия (Китай)</h1>",
      '<p class="status-line" data-basis="measurement"><span class="muted">Состояние</span>: <span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> Частичная блокировка</span> (<span class="mechanism">TLS</span>)</p>',
      "<ul><li>С 15 июня 2026 г. 12:00 UTC</li><li>Последняя проверка: 30 июня 2026 г. 11:50 UTC</li><li>Уверенность: 75 %</li></ul>",
      '<li data-to="partial"><time datetime="2026-06-15T12:00:00.000Z">15 июня 2026 г. 12:00 UTC</time>: Доступ есть → Частичная блокировка (TLS)</li>',
      '<li><time datetime="2017-09-25">25 сентября 2017 г.</time>: <span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> Блокировка</span> (на английском) <span lang="en" dir="ltr">Blocked entirely.</span> (<a href="https://example.org/b" rel="noopener noreferrer">источник</a>)</li>',
      '<th scope="row"><a href="/s/safechat/CN?lang=ru">Радио Свобода</a><br><span class="muted small">сквозное шифрование</span></th>',
    ],
  ],
  [
    "fa",
    [
      "<h1>چت‌اپ در چین</h1>",
      '<p class="status-line" data-basis="measurement"><span class="muted">وضعیت</span>: <span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> تا حدی مسدود</span> (<span class="mechanism">TLS</span>)</p>',
      "<ul><li>از ۱۵ ژوئن ۲۰۲۶ ۱۲:۰۰ UTC</li><li>آخرین بررسی: ۳۰ ژوئن ۲۰۲۶ ۱۱:۵۰ UTC</li><li>اطمینان: ۷۵٪</li></ul>",
      '<li data-to="partial"><time datetime="2026-06-15T12:00:00.000Z">۱۵ ژوئن ۲۰۲۶ ۱۲:۰۰ UTC</time>: در دسترس ← تا حدی مسدود (TLS)</li>',
      '<li><time datetime="2017-09-25">۲۵ سپتامبر ۲۰۱۷ (۳ مهر ۱۳۹۶)</time>: <span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> مسدود</span> (به انگلیسی) <span lang="en" dir="ltr">Blocked entirely.</span> (<a href="https://example.org/b" rel="noopener noreferrer">منبع</a>)</li>',
      '<th scope="row"><a href="/s/safechat/CN?lang=fa">\u2068SafeChat\u2069</a><br><span class="muted small">با رمزنگاری سرتاسری</span></th>',
    ],
  ],
];

describe("an answer in each language", () => {
  it.each(ANSWERS)("%s", (lang, lines) => {
    expect(renderAnswer(kb, answer, lang)).toBe(lines.join("\n"));
  });
});

describe("the service page in each language", () => {
  it.each(PAGE_PARTS)(
    "%s: title, status, facts, a measured change, a dated event, an alternative",
    (lang, parts) => {
      const html = renderServicePage(kb, page, lang).value;
      for (const part of parts) expect(html).toContain(part);
    },
  );
});

describe("no English sentence inside another language's answer", () => {
  // Everything an answer shows for each service with recorded history in each country with a legal
  // caution, from the shipped knowledge base: with nothing measured, the history, the alternatives, the
  // ways around the block and the caution are all there. Names, URLs, domains and commands may be Latin;
  // a sentence may not. A run of three or more Latin words, two of them starting in lower case, is taken
  // for a sentence: names are capitalised ("South China Morning Post", "Red Shield VPN"), and English
  // prose is not.
  const SENTENCE = /[A-Za-z][\w'’-]*(?:[\s,;:()&<>"]+[A-Za-z][\w'’-]*){2,}/g;
  const isSentence = (run: string) => run.split(/[\s,;:()&<>"]+/).filter((w) => /^[a-z]/.test(w)).length >= 2;

  it("finds none in Chinese, Russian or Persian for any country with a caution", async () => {
    const real = realKb();
    const store = await openStore("memory:");
    const found: string[] = [];
    let answers = 0;
    for (const country of real.countries.filter((c) => c.circumventionRisk)) {
      for (const service of real.services) {
        if (real.eventsFor(service.id, country.code).length === 0) continue;
        const parsed = parseQuestion(`${service.id} ${country.code}`, real);
        const shown = await buildAnswer(parsed, { kb: real, store, defaultCountry: country.code });
        for (const lang of LANGS.filter((l) => l !== "en")) {
          answers++;
          const text = htmlToPlainText(renderAnswer(real, shown, lang))
            .replace(/https?:\/\/\S+/g, "")
            .replace(/\/\w+/g, "")
            .replace(/\b[\w-]+(?:\.[\w-]+)+\b/g, "");
          for (const [run] of text.matchAll(SENTENCE)) {
            if (isSentence(run)) found.push(`${lang} ${service.id}/${country.code}: ${run}`);
          }
        }
      }
    }
    expect(answers).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it("would find an English caution passed off as the reader's language", () => {
    const text = htmlToPlainText(renderAnswer(kb, answer, "zh-Hans"));
    const runs = [...text.matchAll(SENTENCE)].map(([run]) => run).filter(isSentence);
    // The fixture's caution has no Chinese text: it is shown, and marked as the English original.
    expect(runs).toEqual(["Photos & videos stopped <loading", "Unauthorised VPNs are illegal"]);
    expect(text).toContain("⚠️ 注意：（英文原文）Unauthorised VPNs are illegal.");
  });
});

describe("what is worth knowing about a service offered instead", () => {
  const real = realKb();
  it.each<[string, Lang, string | null]>([
    ["signal", "en", "end-to-end encrypted"],
    ["proton-mail", "ru", "сквозное шифрование по выбору"],
    ["telegram", "zh-Hans", "可选端到端加密"],
    // A news site: how to reach it, not encryption.
    [
      "bbc",
      "fa",
      "نشانی پیازی در تور: \u2068www.bbcnewsd73hkzno2ini43t4gblxvycyac5aw4gnv7t2rccijh7745uqd.onion\u2069",
    ],
    ["reuters", "ru", null],
    // A way around the block: nothing about encryption, which would mislead about its safety, but whether
    // it needs a server abroad of one's own.
    ["psiphon", "ru", "только приложение, свой сервер не нужен"],
    ["tor", "en", "the app alone, no server of your own"],
    ["outline", "fa", "به سروری در خارج نیاز دارد (از خودتان یا یک دوست)"],
    ["mullvad", "zh-Hant", "只需 App，無需自備伺服器"],
  ])("%s in %s: %s", (service, lang, note) => {
    expect(relatedNote(real, service, lang)?.text ?? null).toBe(note);
  });

  it("puts the onion address under a news site on the page, and no privacy column without messaging", () => {
    const news = { service: "bbc", country: "CN" };
    const html = renderServicePage(
      real,
      {
        ...news,
        status: statusView(real, news, undefined, NOW.getTime()),
        timeline: [],
        events: [],
        chart: { svg: "<svg></svg>", availability: null, measuredMs: 0 },
        alternatives: [{ service: "dw", status: "blocked" }],
        circumvention: [],
        now: NOW,
      },
      "en",
    ).value;
    expect(html).toContain(
      '<th scope="row"><a href="/s/dw/CN?lang=en">Deutsche Welle</a><br><span class="muted small">on Tor: <code>www.dwnewsgngmhlplxy6o2twtfgjnrnjxbegbwqx6wnotdhkzt562tszfid.onion</code></span></th>',
    );
    expect(html).toContain('<thead><tr><th scope="col">Service</th>');
    expect(html).not.toContain("Privacy");
  });
});

describe("the reports line tells what is stored", () => {
  it.each<[Lang, string]>([
    [
      "en",
      "With each report we store a one-way hash (HMAC) of the person's Telegram account id, never the id itself.",
    ],
    ["zh-Hans", "每条报告只保存报告者 Telegram 账号 ID 的单向哈希值（HMAC），从不保存 ID 本身。"],
    ["zh-Hant", "每則回報只儲存回報者 Telegram 帳號 ID 的單向雜湊值（HMAC），從不儲存 ID 本身。"],
    [
      "ru",
      "С каждым сообщением хранится только односторонний хеш (HMAC) идентификатора аккаунта Telegram, а не сам идентификатор.",
    ],
    ["fa", "همراه هر گزارش فقط هش یک‌طرفهٔ (HMAC) شناسهٔ حساب تلگرام گزارش‌دهنده ذخیره می‌شود، نه خودِ شناسه."],
  ])("%s", (lang, sentence) => {
    const about = renderAbout(lang);
    expect(about).toContain(sentence);
    // Not a "key", which the reader would take for something that unlocks the account.
    expect(about).not.toMatch(/one-way key|单向密钥|單向金鑰|односторонн\S* ключ|کلید یک‌طرفه/);
  });
});

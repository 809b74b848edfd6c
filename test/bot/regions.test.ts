import { describe, expect, it } from "vitest";
import { renderAnswer } from "../../bot/render.js";
import { renderDetails } from "../../bot/views/details.js";
import type { Lang } from "../../kb/schema.js";
import type { RegionStatus, ServiceStatus, VantageStatus } from "../../model/status.js";
import type { Answer } from "../../pipeline/answer.js";
import { statusView } from "../../pipeline/status-view.js";
import { disagreementSummary, listOf, regionLines, regionSummary } from "../../present/regions.js";
import { renderServicePage, type ServicePageModel } from "../../web/views/service-page.js";
import { answerWithNothingKnown, realKb } from "../helpers.js";

// Region detail and disagreement, pinned word for word in every locale. Telegram, China, July 2015: the
// web version was blocked from Beijing and Shenzhen while it still worked elsewhere.

const kb = realKb();

const telegram2015: RegionStatus[] = [
  { region: "shanghai", status: "accessible" },
  { region: "beijing", status: "blocked" },
  { region: "shenzhen", status: "blocked" },
];
const split: VantageStatus[] = [
  { vantage: "bj-1", region: "beijing", status: "blocked" },
  { vantage: "sz-1", region: "shenzhen", status: "blocked" },
  { vantage: "sh-1", region: "shanghai", status: "accessible" },
  { vantage: "hk-agent", region: null, status: "unknown" },
];

describe("regionSummary", () => {
  it.each<[Lang, string]>([
    ["en", "By region: blocked in Beijing and Shenzhen; accessible in Shanghai."],
    ["zh-Hans", "按地区：北京和深圳被封锁；上海可访问。"],
    ["zh-Hant", "依地區：北京和深圳遭封鎖；上海可連線。"],
    ["ru", "По регионам: блокировка — Пекин и Шэньчжэнь; доступ есть — Шанхай."],
    ["fa", "به تفکیک منطقه: در پکن و شنژن مسدود؛ در شانگهای در دسترس."],
  ])("%s: worst news first, places listed in the language's own words", (lang, expected) => {
    expect(regionSummary(kb, "CN", telegram2015, lang)).toBe(expected);
  });

  it("names a region the knowledge base does not know by its id, and says nothing without regions", () => {
    expect(regionSummary(kb, "CN", [{ region: "xinjiang-x", status: "outage" }], "en")).toBe(
      "By region: down in xinjiang-x.",
    );
    expect(regionSummary(kb, "CN", [], "en")).toBeNull();
  });

  it.each<[Lang, string]>([
    ["en", "Beijing, Shenzhen and Shanghai"],
    ["zh-Hans", "北京、深圳和上海"],
    ["ru", "Пекин, Шэньчжэнь и Шанхай"],
    ["fa", "پکن، شنژن و شانگهای"],
  ])("%s: a list of three", (lang, expected) => {
    const names = ["beijing", "shenzhen", "shanghai"].map((id) => kb.region("CN", id)?.name[lang] ?? id);
    expect(listOf(names, lang)).toBe(expected);
  });
});

describe("disagreementSummary", () => {
  it.each<[Lang, string]>([
    ["en", "Our vantages disagree: blocked at 2; accessible at 1; unknown at 1."],
    ["zh-Hans", "我们的探测点结果不一致：2 个探测点显示被封锁；1 个探测点显示可访问；1 个探测点显示未知。"],
    ["zh-Hant", "我們的探測點結果不一致：2 個探測點顯示遭封鎖；1 個探測點顯示可連線；1 個探測點顯示未知。"],
    ["ru", "Наши точки измерения расходятся: блокировка — 2; доступ есть — 1; неизвестно — 1."],
    ["fa", "نقاط سنجش ما هم‌نظر نیستند: مسدود: ۲؛ در دسترس: ۱؛ نامشخص: ۱."],
  ])("%s", (lang, expected) => {
    expect(disagreementSummary(split, lang)).toBe(expected);
  });

  it("is silent when the vantages agree, or only an undecided one differs", () => {
    const agreeing: VantageStatus[] = [
      { vantage: "bj-1", region: "beijing", status: "blocked" },
      { vantage: "sz-1", region: "shenzhen", status: "blocked" },
      { vantage: "hk-agent", region: null, status: "unknown" },
    ];
    expect(disagreementSummary(agreeing, "en")).toBeNull();
    expect(disagreementSummary(undefined, "en")).toBeNull();
  });
});

describe("regionLines", () => {
  it("adds nothing when the only region says what the country says", () => {
    const same = {
      country: "CN",
      status: "blocked" as const,
      regions: [{ region: "beijing", status: "blocked" as const }],
    };
    expect(regionLines(kb, same, "en")).toEqual([]);
  });

  it("shows a single region whose status is not the country's", () => {
    const differs = {
      country: "CN",
      status: "partial" as const,
      regions: [{ region: "beijing", status: "blocked" as const }],
    };
    expect(regionLines(kb, differs, "en")).toEqual(["📍 By region: blocked in Beijing."]);
  });
});

const base: Answer = answerWithNothingKnown("telegram", "CN");

const status: ServiceStatus = {
  service: "telegram",
  country: "CN",
  status: "partial",
  mechanism: "tcp",
  since: "2015-07-09T08:00:00.000Z",
  checkedAt: "2015-07-10T10:05:00.000Z",
  features: [{ feature: "web", status: "blocked", mechanism: "tcp" }],
  regions: telegram2015,
  confidence: 0.75,
  vantages: split,
};

describe("the answer and Details", () => {
  const answer: Answer = {
    ...base,
    status: "partial",
    basis: "measurement",
    since: "2015-07-09T08:00:00.000Z",
    checkedAt: "2015-07-10T10:05:00.000Z",
    mechanism: "tcp",
    features: [{ feature: "web", status: "blocked", mechanism: "tcp" }],
    regions: telegram2015,
    vantages: split,
  };

  it("the answer says where it is blocked and that the vantages disagree", () => {
    expect(renderAnswer(kb, answer, "en").split("\n").slice(0, 5)).toEqual([
      "🟠 <b>Telegram in China: partially blocked</b>",
      "Since 9 July 2015 08:00 UTC · last checked 10 July 2015 10:05 UTC",
      "• Website: blocked (TCP)",
      "📍 By region: blocked in Beijing and Shenzhen; accessible in Shanghai.",
      "⚠️ Our vantages disagree: blocked at 2; accessible at 1; unknown at 1.",
    ]);
  });

  it.each<[Lang, string[]]>([
    [
      "en",
      [
        "By vantage (they disagree):",
        "• bj-1 (Beijing): blocked",
        "• sz-1 (Shenzhen): blocked",
        "• sh-1 (Shanghai): accessible",
        "• hk-agent: unknown",
      ],
    ],
    [
      "zh-Hans",
      [
        "按探测点（结果不一致）：",
        "• bj-1（北京）：被封锁",
        "• sz-1（深圳）：被封锁",
        "• sh-1（上海）：可访问",
        "• hk-agent：未知",
      ],
    ],
    [
      "zh-Hant",
      [
        "依探測點（結果不一致）：",
        "• bj-1（北京）：遭封鎖",
        "• sz-1（深圳）：遭封鎖",
        "• sh-1（上海）：可連線",
        "• hk-agent：未知",
      ],
    ],
    [
      "ru",
      [
        "По точкам измерения (они расходятся):",
        "• bj-1 (Пекин): блокировка",
        "• sz-1 (Шэньчжэнь): блокировка",
        "• sh-1 (Шанхай): доступ есть",
        "• hk-agent: неизвестно",
      ],
    ],
    [
      "fa",
      [
        "به تفکیک نقطهٔ سنجش (هم‌نظر نیستند):",
        "• bj-1 (پکن): مسدود",
        "• sz-1 (شنژن): مسدود",
        "• sh-1 (شانگهای): در دسترس",
        "• hk-agent: نامشخص",
      ],
    ],
  ])("%s: Details lists each vantage after the regions", (lang, expected) => {
    const lines = renderDetails(kb, { service: "telegram", country: "CN" }, status, lang).split("\n");
    const at = lines.indexOf(expected[0] as string);
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at, at + expected.length)).toEqual(expected);
    expect(
      lines
        .slice(0, at)
        .some(
          (l) =>
            l.includes("Shanghai") || l.includes("上海") || l.includes("Шанхай") || l.includes("شانگهای"),
        ),
    ).toBe(true);
  });

  it("Details says nothing about vantages that agree", () => {
    const agreeing = { ...status, vantages: undefined };
    expect(renderDetails(kb, { service: "telegram", country: "CN" }, agreeing, "en")).not.toContain(
      "vantage",
    );
  });
});

describe("the web service page", () => {
  it("shows the same region line and disagreement as the bot, escaped", () => {
    const model: ServicePageModel = {
      service: "telegram",
      country: "CN",
      status: statusView(kb, { service: "telegram", country: "CN" }, status, Date.parse(status.checkedAt)),
      timeline: [],
      events: [],
      chart: { svg: "<svg></svg>", availability: null, measuredMs: 0 },
      alternatives: [],
      circumvention: [],
      now: new Date(status.checkedAt),
    };
    const page = renderServicePage(kb, model, "zh-Hans").value;
    expect(page).toContain('<p class="region-line">按地区：北京和深圳被封锁；上海可访问。</p>');
    expect(page).toContain(
      '<p class="disagreement">我们的探测点结果不一致：2 个探测点显示被封锁；1 个探测点显示可访问；1 个探测点显示未知。</p>',
    );
  });
});

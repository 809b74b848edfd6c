import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "../../model/status.js";
import {
  ALT_STRETCHES,
  CHART_HEIGHT,
  CHART_WIDTH,
  PNG_SCALE,
  renderTimelinePng,
  renderTimelineSvg,
} from "../../present/chart.js";
import { CAPTION_LIMIT, historyChart, historyChartSvg } from "../../present/history-chart.js";
import { miniKb } from "../helpers.js";
import { decodePng } from "../support/png.js";
import { CHECKED_AT, daysAgo, NOW, seedStore, seedTarget } from "../web/seed.js";

const base = { service: "WhatsApp", country: "China", lang: "en" as const, now: NOW };
const change = (
  days: number,
  to: TimelineEntry["to"],
  from: TimelineEntry["from"] = null,
): TimelineEntry => ({
  at: daysAgo(days),
  from,
  to,
  mechanism: null,
});
const marks = (svg: string) => [
  ...svg.matchAll(/<rect x="([\d.]+)" y="96" width="([\d.]+)"[^>]*data-status="(\w+)"/g),
];

describe("timeline chart (SVG)", () => {
  it("an empty history is one stretch of no data, said so in words", () => {
    const chart = renderTimelineSvg([], base);
    expect(marks(chart.svg).map((m) => m[3])).toEqual(["noData"]);
    expect(chart.availability.ratio).toBeNull();
    expect(chart.alt).toBe(
      "WhatsApp in China: last 30 days. No data from 31 May until now. No measurements in these 30 days.",
    );
    expect(chart.svg).toContain(">No measurements in these 30 days</text>");
    expect(chart.svg).toContain(">No data 100%</text>");
    expect([chart.width, chart.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it("a single point is a visible sliver at the end, and the rest no data", () => {
    const chart = renderTimelineSvg([change(0.01, "blocked")], base);
    const [noData, blocked] = marks(chart.svg);
    expect(noData?.[3]).toBe("noData");
    expect(blocked?.[3]).toBe("blocked");
    const x = Number(blocked?.[1]);
    const width = Number(blocked?.[2]);
    expect(width).toBeGreaterThanOrEqual(6);
    expect(x + width).toBeLessThanOrEqual(CHART_WIDTH - 24 + 0.01);
    expect(chart.alt).toBe(
      "WhatsApp in China: last 30 days. No data from 31 May to 30 Jun; Blocked from 30 Jun 11:45 UTC until now. Accessible 0% of the measured time.",
    );
  });

  it("draws each stretch with its own pattern and lists the share of each in the legend", () => {
    const chart = renderTimelineSvg(
      [change(45, "accessible"), change(15, "partial", "accessible"), change(5, "blocked", "partial")],
      base,
    );
    expect(marks(chart.svg).map((m) => m[3])).toEqual(["accessible", "partial", "blocked"]);
    expect(chart.svg).toContain('fill="url(#p-partial)" data-status="partial"');
    expect(chart.svg).toContain(">✓ Accessible 50%</text>");
    expect(chart.svg).toContain(">◐ Partially blocked 33.3%</text>");
    expect(chart.svg).toContain(">✕ Blocked 16.6%</text>");
    expect(chart.alt).toBe(
      "WhatsApp in China: last 30 days. Accessible from 31 May to 15 Jun; Partially blocked from 15 Jun to 25 Jun; Blocked from 25 Jun until now. Accessible 50% of the measured time.",
    );
  });

  it("names at most the latest stretches in the alt text and counts the rest", () => {
    const timeline = Array.from({ length: 10 }, (_, i) =>
      change(
        20 - i * 2,
        i % 2 === 0 ? "blocked" : "accessible",
        i === 0 ? null : i % 2 === 0 ? "accessible" : "blocked",
      ),
    );
    const chart = renderTimelineSvg(timeline, base);
    expect(chart.segments).toHaveLength(11);
    expect(chart.alt).toMatch(
      /^WhatsApp in China: last 30 days\. Earlier stretches not listed: 5; Blocked from 18 Jun/,
    );
    expect(chart.alt.split("; ")).toHaveLength(ALT_STRETCHES + 1);
  });

  it("escapes names", () => {
    const chart = renderTimelineSvg([], { ...base, service: '<b>"Chat" & co</b>' });
    expect(chart.svg).toContain("&lt;b&gt;&quot;Chat&quot; &amp; co&lt;/b&gt; in China: last 30 days");
    expect(chart.svg).not.toContain("<b>");
  });

  it("writes Persian right to left, isolated so that resvg orders the line from the right", () => {
    const chart = renderTimelineSvg([change(3, "blocked")], {
      ...base,
      service: "واتساپ",
      country: "چین",
      lang: "fa",
    });
    expect(chart.svg).toContain(
      'text-anchor="end" font-weight="bold">\u2067واتساپ در چین: ۳۰ روز گذشته\u2069</text>',
    );
    expect(chart.alt).toBe(
      "واتساپ در چین: ۳۰ روز گذشته. بدون داده از ۳۱ مه تا ۲۷ ژوئن؛ مسدود از ۲۷ ژوئن تا اکنون. ۰٪ از زمانِ سنجش در دسترس.",
    );
    // A stretch within one day gets its hour, in Persian digits like the rest of the line.
    const sliver = renderTimelineSvg([change(0.01, "blocked")], {
      ...base,
      service: "واتساپ",
      country: "چین",
      lang: "fa",
    });
    expect(sliver.alt).toContain("مسدود از ۳۰ ژوئن ۱۱:۴۵ UTC تا اکنون");
  });

  it("speaks every language of the bot", () => {
    const timeline = [change(10, "accessible"), change(2, "outage", "accessible")];
    expect(renderTimelineSvg(timeline, { ...base, country: "中国", lang: "zh-Hans" }).alt).toBe(
      "WhatsApp在中国：最近 30 天。5月31日至6月20日：无数据；6月20日至6月28日：可访问；6月28日至今：服务故障。在有测量的时间里有 80% 可以访问。",
    );
    expect(renderTimelineSvg(timeline, { ...base, country: "Китай", lang: "ru" }).alt).toBe(
      "WhatsApp (Китай): последние 30 дн. Нет данных с 31 мая по 20 июн.; Доступ есть с 20 июн. по 28 июн.; Сбой с 28 июн. по сей день. Доступ был 80\u00a0% времени измерений.",
    );
  });
});

describe("timeline chart (PNG)", () => {
  it.each([
    ["empty", [] as TimelineEntry[]],
    ["single point", [change(0.01, "blocked")]],
    ["several changes", [change(40, "accessible"), change(10, "blocked", "accessible")]],
  ])("%s: a valid PNG of the expected size", (_name, timeline) => {
    const chart = renderTimelinePng(timeline, base);
    const png = decodePng(chart.png);
    expect([png.width, png.height]).toEqual([CHART_WIDTH * PNG_SCALE, CHART_HEIGHT * PNG_SCALE]);
    expect([chart.width, chart.height]).toEqual([png.width, png.height]);
    expect(chart.alt).toContain("WhatsApp in China: last 30 days.");
  });
});

describe("historyChart (the bot's /history)", () => {
  it("reads the target from the store, names it from the knowledge base in the chat's language", async () => {
    const store = await seedStore([
      seedTarget("chatapp", "CN", [
        [20, "accessible"],
        [5, "blocked"],
      ]),
    ]);
    const chart = await historyChart(store, miniKb(), { service: "chatapp", country: "CN" }, "ru", {
      now: NOW,
    });
    expect(decodePng(chart.png).width).toBe(CHART_WIDTH * PNG_SCALE);
    expect(chart.alt).toBe(
      "ЧатАпп (Китай): последние 30 дн. Нет данных с 31 мая по 10 июн.; Доступ есть с 10 июн. по 25 июн.; Блокировка с 25 июн. по сей день. Доступ был 75\u00a0% времени измерений.",
    );
    const svg = await historyChartSvg(store, miniKb(), { service: "chatapp", country: "CN" }, "en", {
      now: NOW,
    });
    expect(svg.alt).toContain("ChatApp in China: last 30 days.");
    await store.close();
  });

  it("a target never measured gets the empty chart, and a stale last check ends in no data", async () => {
    const stale = seedTarget("chatapp", "CN", [[20, "blocked"]], { checkedAt: daysAgo(3) });
    const store = await seedStore([stale]);
    const never = await historyChart(store, miniKb(), { service: "openchat", country: "CN" }, "en", {
      now: NOW,
    });
    expect(never.alt).toBe(
      "OpenChat <beta> in China: last 30 days. No data from 31 May until now. No measurements in these 30 days.",
    );
    const chart = await historyChart(store, miniKb(), { service: "chatapp", country: "CN" }, "en", {
      now: NOW,
    });
    expect(chart.alt).toContain("Blocked from 10 Jun to 27 Jun; No data from 27 Jun until now.");
    expect(CHECKED_AT).not.toBe(daysAgo(3));
    expect(chart.alt.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    await store.close();
  });
});

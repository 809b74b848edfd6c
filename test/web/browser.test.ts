import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_HEIGHT, CHART_WIDTH, PNG_SCALE } from "../../present/chart.js";
import { type WebMessageKey, wt } from "../../present/page-i18n/index.js";
import { contrast, DARK, LIGHT } from "../../present/palette.js";
import { realKb } from "../helpers.js";
import { decodePng } from "../support/png.js";
import { type RunningServer, realKbTargets, startSeededServer } from "./seed.js";

// What a person sees, in Debian's Chromium driven by playwright-core (no downloaded browser): the board
// with seeded statuses, a service page and back, the language switcher, a phone-sized screen, and the
// PNG chart. Nothing leaves loopback: the server binds 127.0.0.1, and Chromium's own background traffic
// is switched off by its flags. .ci/run installs /usr/bin/chromium; without it this suite skips.

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`,
  );
}

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The page's globals as the callbacks below use them (tsconfig has no DOM library; these run in Chromium).
interface PageElement {
  textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getBoundingClientRect(): { left: number };
}
interface PageGlobals {
  document: {
    documentElement: { scrollWidth: number };
    querySelector(selector: string): { naturalWidth: number; naturalHeight: number } | null;
  };
  innerWidth: number;
  getComputedStyle(element: unknown): { color: string; backgroundColor: string };
}

/** "rgb(254, 226, 226)" → "#fee2e2", to compare computed colours with the palette. */
function hex(rgb: string): string {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!m) return rgb;
  return `#${m
    .slice(1, 4)
    .map((n) => Number(n).toString(16).padStart(2, "0"))
    .join("")}`;
}

describe.skipIf(!hasChromium)(`status page in Chromium (${CHROMIUM})`, () => {
  let running: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shots: string;

  beforeAll(async () => {
    running = await startSeededServer(realKb(), realKbTargets());
    userDataDir = mkdtempSync(join(tmpdir(), "isblocked-chromium-"));
    shots = mkdtempSync(join(tmpdir(), "isblocked-screenshots-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1100, height: 900 },
      locale: "en-GB",
      colorScheme: "light",
    });
    page = context.pages()[0] ?? (await context.newPage());
    console.info(`browser screenshots: ${shots}`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await running?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("shows the board: statuses as text, icon and colour, with the right counts", async () => {
    await page.goto(`${running.base}/?lang=en`);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator("h1").textContent()).toBe("Status board");

    const china = page.locator('section[data-country="CN"]');
    expect(await china.locator("h2").textContent()).toBe("China");
    // Each row: the service, its status in words beside an icon, 30-day availability, newest measurement;
    // a status from the knowledge base's history instead says "last known" and its date.
    const rowsOf = (section: typeof china, basis: string) =>
      section
        .locator(`tbody tr[data-basis="${basis}"]`)
        .evaluateAll((trs: PageElement[]) =>
          trs.map((tr) => Array.from(tr.querySelectorAll("th, td")).map((c) => (c.textContent ?? "").trim())),
        );
    const partly = `◐ ${wt("en", "status.partial")}`;
    expect(await rowsOf(china, "measurement")).toEqual([
      ["Google", "✕ Blocked", "0% of 20 days", "30 Jun 11:50 UTC"],
      ["Telegram", "✕ Blocked", "0% of 30 days", "30 Jun 11:50 UTC"],
      ["WhatsApp", partly, "50% of 30 days", "30 Jun 11:50 UTC"],
      ["WeChat", "✓ Accessible", "96.6% of 30 days", "30 Jun 11:50 UTC"],
    ]);
    const history = await rowsOf(china, "history");
    expect(history.length).toBeGreaterThan(10);
    for (const [, , , checked] of history) expect(checked).toMatch(/^last known, /);

    // Worst first, and the counts are the rows': blocked, then partly blocked, then the rest.
    const statuses = await china
      .locator("tbody tr .badge")
      .evaluateAll((badges: PageElement[]) =>
        badges.map((b) => (b as unknown as { dataset: { status: string } }).dataset.status),
      );
    const order = ["blocked", "partial", "outage", "unknown", "accessible"];
    expect(statuses).toEqual([...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const counts = await china.locator(".counts li").allTextContents();
    const label = (status: string) => wt("en", `status.${status}` as WebMessageKey);
    expect(counts).toEqual([
      ...order.flatMap((status) => {
        const n = statuses.filter((x) => x === status).length;
        return n === 0 ? [] : [`${label(status)}: ${n}`];
      }),
      `${wt("en", "status.none")}: ${realKb().services.length - statuses.length}`,
    ]);
    const iran = page.locator('section[data-country="IR"]');
    expect(await rowsOf(iran, "measurement")).toEqual([
      ["Instagram", "✕ Blocked", "0% of 30 days", "30 Jun 11:50 UTC"],
    ]);

    // Every watched country is on the board, listed first with a link to each, and each has its feed.
    const sections = await page.locator("section[data-country]").count();
    expect(sections).toBeGreaterThan(10);
    expect(await page.locator('nav[aria-label="Countries on this page"] a').count()).toBe(sections);
    expect(await page.locator('head link[rel="alternate"][type="application/atom+xml"]').count()).toBe(
      sections,
    );
    expect(await china.locator(".feed a").getAttribute("href")).toBe("/feed/CN.atom?lang=en");
    const feed = await page.request.get(`${running.base}/feed/CN.atom?lang=en`);
    expect(feed.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");

    // Colour backs up the words, and each pair of colours is readable (WCAG AA, 4.5:1).
    for (const status of ["blocked", "partial", "accessible"] as const) {
      const badge = china.locator(`.badge[data-status="${status}"]`).first();
      const colours = await badge.evaluate((el) => {
        const style = (globalThis as unknown as PageGlobals).getComputedStyle(el);
        return { fg: style.color, bg: style.backgroundColor };
      });
      expect(hex(colours.bg)).toBe(LIGHT.status[status].bg);
      expect(hex(colours.fg)).toBe(LIGHT.status[status].fg);
      expect(contrast(hex(colours.fg), hex(colours.bg))).toBeGreaterThanOrEqual(4.5);
      expect(await badge.locator(".icon").getAttribute("aria-hidden")).toBe("true");
    }

    // Landmarks a screen reader jumps between.
    expect(await page.locator("header").count()).toBe(1);
    expect(await page.locator("main#main").count()).toBe(1);
    expect(await page.locator("footer").count()).toBe(1);
    expect(await page.locator('nav[aria-label="Language"] a').count()).toBe(5);
    await page.screenshot({ path: join(shots, "board-en.png"), fullPage: true });
  });

  it("clicks through to a service page and back", async () => {
    await page.goto(`${running.base}/?lang=en`);
    await page.locator('section[data-country="CN"] tbody a', { hasText: "WhatsApp" }).click();
    await page.waitForURL("**/s/whatsapp/CN?lang=en");
    expect(await page.locator("h1").textContent()).toBe("WhatsApp in China");
    expect(await page.locator(".status-line .badge").textContent()).toBe(`◐ ${wt("en", "status.partial")}`);

    const media = page.locator('tr[data-feature="media"]');
    expect((await media.locator("th, td").allTextContents()).map((s) => s.trim())).toEqual([
      "Photos, video and voice notes",
      "✕ Blocked",
      "TLS",
    ]);
    expect(await page.locator('tr[data-region="beijing"] th').textContent()).toBe("Beijing");
    // Its feed, for a reader in <head> and for a person under the measured changes.
    expect(await page.locator('head link[rel="alternate"]').getAttribute("href")).toBe(
      "/feed/CN/whatsapp.atom?lang=en",
    );
    expect(await page.locator('section[aria-labelledby="h-timeline"] .feed a').textContent()).toBe(
      "Atom feed of changes",
    );

    const chart = page.locator("figure svg[role=img]");
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator("title").textContent()).toBe("WhatsApp in China: last 30 days");
    expect(await page.locator("figcaption").textContent()).toContain(
      "Accessible 50% of the 30 days measured in the last 30 days.",
    );
    // The knowledge base's dated history, each event with its source.
    const events = page.locator('section[aria-labelledby="h-history"] li');
    expect(await events.count()).toBeGreaterThan(0);
    expect(await events.first().locator("a").getAttribute("href")).toMatch(/^https?:\/\//);
    expect(await page.locator('section[aria-labelledby="h-alternatives"] tbody tr').count()).toBeGreaterThan(
      0,
    );
    await page.screenshot({ path: join(shots, "service-whatsapp-cn.png"), fullPage: true });

    await page.locator("a.back").click();
    await page.waitForURL("**/?lang=en");
    expect(await page.locator("h1").textContent()).toBe("Status board");
    await page.goBack();
    expect(await page.locator("h1").textContent()).toBe("WhatsApp in China");
    await page.goBack();
    expect(await page.locator("h1").textContent()).toBe("Status board");
  });

  it("switches language: simplified Chinese, then Persian right to left", async () => {
    await page.goto(`${running.base}/?lang=en`);
    await page.locator('nav[aria-label="Language"] a[hreflang="zh-Hans"]').click();
    await page.waitForURL("**/?lang=zh-Hans");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    expect(await page.locator("h1").textContent()).toBe("状态总览");
    expect(await page.locator('section[data-country="CN"] .counts li').first().textContent()).toMatch(
      /^被封锁：\d+$/,
    );
    expect(await page.locator('nav a[aria-current="true"]').textContent()).toBe("简体中文");
    await page.screenshot({ path: join(shots, "board-zh-Hans.png"), fullPage: true });

    await page.locator('nav[aria-label="语言"] a[hreflang="fa"]').click();
    await page.waitForURL("**/?lang=fa");
    expect(await page.locator("html").getAttribute("lang")).toBe("fa");
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(await page.locator("h1").textContent()).toBe("تابلوی وضعیت");
    // Right to left for real: the table's first column is on the right.
    const [service, status] = await page
      .locator('section[data-country="CN"] tbody tr')
      .first()
      .locator("th, td")
      .evaluateAll((cells: PageElement[]) => cells.slice(0, 2).map((c) => c.getBoundingClientRect().left));
    expect(service).toBeGreaterThan(status ?? Number.POSITIVE_INFINITY);
    await page.screenshot({ path: join(shots, "board-fa.png"), fullPage: true });

    // The language goes with the links: the service page opens in Persian too.
    await page.locator('section[data-country="CN"] tbody a').first().click();
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(page.url()).toContain("lang=fa");
    // Its chart's every line of text lies inside the chart: a right-to-left title anchored at the right
    // margin once ran off it, leaving two letters of it showing.
    await page.goto(`${running.base}/s/whatsapp/CN?lang=fa`);
    const outside = await page.locator("figure svg[role=img]").evaluate((svg) => {
      type Rect = { left: number; right: number; top: number; bottom: number; width: number };
      type Box = { getBoundingClientRect(): Rect; textContent: string | null };
      const chart = (svg as unknown as Box).getBoundingClientRect();
      const texts = Array.from((svg as unknown as PageElement).querySelectorAll("text")) as unknown as Box[];
      return {
        count: texts.length,
        outside: texts
          .filter((t) => {
            const r = t.getBoundingClientRect();
            return r.width === 0 || r.left < chart.left - 1 || r.right > chart.right + 1;
          })
          .map((t) => t.textContent),
      };
    });
    expect(outside.count).toBeGreaterThan(3);
    expect(outside.outside).toEqual([]);
    await page.screenshot({ path: join(shots, "service-fa.png"), fullPage: true });
  });

  it("follows a dark system theme, still readable", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${running.base}/?lang=en`);
    const colours = await page
      .locator('section[data-country="CN"] .badge[data-status="blocked"]')
      .first()
      .evaluate((el) => {
        const style = (globalThis as unknown as PageGlobals).getComputedStyle(el);
        return { fg: style.color, bg: style.backgroundColor };
      });
    expect([hex(colours.fg), hex(colours.bg)]).toEqual([DARK.status.blocked.fg, DARK.status.blocked.bg]);
    await page.screenshot({ path: join(shots, "board-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("reads on a 360 px phone: nothing wider than the screen, the board's tables included", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ["/?lang=en", "/s/whatsapp/CN?lang=en", "/?lang=ru", "/?lang=fa", "/?lang=zh-Hant"]) {
      await page.goto(`${running.base}${path}`);
      const overflow = await page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals;
        return w.document.documentElement.scrollWidth - w.innerWidth;
      });
      expect(overflow, path).toBeLessThanOrEqual(0);
      // A table may scroll inside its own box; on the board none needs to.
      if (path.startsWith("/?")) {
        const scrolling = await page.locator(".scroll").evaluateAll(
          (boxes: PageElement[]) =>
            boxes.filter((b) => {
              const box = b as unknown as { scrollWidth: number; clientWidth: number };
              return box.scrollWidth > box.clientWidth;
            }).length,
        );
        expect(scrolling, path).toBe(0);
      }
    }
    await page.goto(`${running.base}/?lang=fa`);
    await page.screenshot({ path: join(shots, "board-phone-fa.png"), fullPage: true });
    await page.goto(`${running.base}/s/whatsapp/CN?lang=en`);
    await page.screenshot({ path: join(shots, "service-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it("serves the chart as a PNG that decodes to the expected size", async () => {
    const response = await page.request.get(`${running.base}/s/whatsapp/CN/chart.png?lang=zh-Hans`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("image/png");
    const png = decodePng(Buffer.from(await response.body()));
    expect([png.width, png.height]).toEqual([CHART_WIDTH * PNG_SCALE, CHART_HEIGHT * PNG_SCALE]);

    // And the browser decodes it too.
    await page.goto(`${running.base}/s/whatsapp/CN/chart.png?lang=en`);
    const size = await page.evaluate(() => {
      const img = (globalThis as unknown as PageGlobals).document.querySelector("img");
      return img ? [img.naturalWidth, img.naturalHeight] : null;
    });
    expect(size).toEqual([CHART_WIDTH * PNG_SCALE, CHART_HEIGHT * PNG_SCALE]);
    await page.screenshot({ path: join(shots, "chart-png.png") });
  });
});

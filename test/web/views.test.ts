import { describe, expect, it } from "vitest";
import { statusView } from "../../pipeline/status-view.js";
import { escapeHtml, html, safeUrl, trusted } from "../../present/html.js";
import { renderBoard } from "../../web/views/board.js";
import { renderErrorPage } from "../../web/views/error-page.js";
import { hrefIn, renderPage, statusBadge } from "../../web/views/layout.js";
import {
  groupEvidence,
  renderServicePage,
  type ServicePageModel,
  tallyEvidence,
} from "../../web/views/service-page.js";
import { miniKb } from "../helpers.js";
import { CHECKED_AT, daysAgo, NOW } from "./seed.js";

// The views are pure: a model in, HTML out. Exact strings where a fragment matters, structure elsewhere.

describe("html", () => {
  it("escapes every interpolated value unless it is SafeHtml", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(html`<b title="${name}">${name}</b>`.value).toBe(
      '<b title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</b>',
    );
    expect(
      html`<p>${[html`<i>${"<"}</i>`, 1, null, undefined, false, ["a", trusted("<br>")]]}</p>`.value,
    ).toBe("<p><i>&lt;</i>1a<br></p>");
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("links only http and https URLs", () => {
    expect(safeUrl("https://example.org/a?x=1&y=2")).toBe("https://example.org/a?x=1&y=2");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl("not a url")).toBeUndefined();
  });
});

describe("layout", () => {
  it("shows a status as icon, words and colour together", () => {
    expect(statusBadge("blocked", "en").value).toBe(
      '<span class="badge st-blocked" data-status="blocked"><span class="icon" aria-hidden="true">✕</span> Blocked</span>',
    );
    expect(statusBadge("none", "zh-Hant", true).value).toBe(
      '<span class="badge big st-none" data-status="none"><span class="icon" aria-hidden="true">–</span> 尚未測量</span>',
    );
  });

  it("carries the language in links", () => {
    expect(hrefIn("/s/chatapp/CN", "zh-Hans")).toBe("/s/chatapp/CN?lang=zh-Hans");
    expect(hrefIn("/", "fa", { country: "IR" })).toBe("/?country=IR&lang=fa");
  });

  it("frames a page: language and direction, skip link, landmarks, language switcher", () => {
    const page = renderPage({
      lang: "fa",
      title: "عنوان <x>",
      hrefForLang: (l) => hrefIn("/", l),
      main: html`<h1>سلام</h1>`,
      apiCountry: "IR",
    });
    expect(page.startsWith('<!doctype html>\n<html lang="fa" dir="rtl">\n')).toBe(true);
    expect(page).toContain("<title>عنوان &lt;x&gt; · isblocked</title>");
    expect(page).toContain('<a class="skip" href="#main">رفتن به محتوا</a>');
    expect(page).toContain('<main id="main" tabindex="-1">\n<h1>سلام</h1>\n</main>');
    expect(page).toContain(
      '<nav aria-label="زبان"><ul><li><a href="/?lang=en" lang="en" hreflang="en" dir="ltr">English</a></li>',
    );
    expect(page).toContain(
      '<a href="/?lang=fa" lang="fa" hreflang="fa" dir="rtl" aria-current="true">فارسی</a>',
    );
    expect(page).toContain('<a href="/api/v1/status?country=IR">رابط JSON</a>');
    expect(page.match(/<(header|main|footer)[ >]/g)).toEqual(["<header>", "<main ", "<footer>"]);
    expect(page).not.toContain("<script");
  });

  it("has a page for what is not there", () => {
    const { title, main } = renderErrorPage("notFound", "ru");
    expect(title).toBe("Не найдено");
    expect(main.value).toBe(
      '<h1>Не найдено</h1>\n<p>Такой страницы нет.</p>\n<p><a href="/?lang=ru">Назад к сводке</a></p>',
    );
  });
});

describe("board", () => {
  const model = {
    countries: [
      {
        code: "CN",
        rows: [
          {
            service: "chatapp",
            status: "partial" as const,
            basis: "measurement" as const,
            measuredAt: CHECKED_AT,
            stale: false,
            since: null,
            availability: 0.5,
            measuredMs: 4 * 60_000,
          },
          {
            service: "openchat",
            status: "blocked" as const,
            basis: "history" as const,
            measuredAt: null,
            stale: false,
            since: "2017-09",
            availability: null,
            measuredMs: 0,
          },
          {
            service: "safechat",
            status: "unknown" as const,
            basis: "measurement" as const,
            measuredAt: CHECKED_AT,
            stale: false,
            since: null,
            availability: null,
            measuredMs: 0,
          },
        ],
        unmeasured: ["tunnel"],
      },
    ],
    allCountries: ["CN", "DE"],
  };

  it("lists a country's services worst first, with counts, availability and last check", () => {
    const board = renderBoard(miniKb(), model, "en").value;
    expect(board).toContain(
      '<ul class="counts"><li data-status="blocked">Blocked: 1</li><li data-status="partial">Partially blocked: 1</li><li data-status="unknown">Unknown: 1</li><li data-status="none">Not measured: 1</li></ul>',
    );
    const rows = [...board.matchAll(/<tr data-service="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(["openchat", "chatapp", "safechat"]);
    // The share is of the time measured, and says how much that was.
    expect(board).toContain(`<tr data-service="chatapp" data-basis="measurement">
<th scope="row"><a href="/s/chatapp/CN?lang=en">ChatApp</a></th>
<td><span class="badge st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> Partially blocked</span></td>
<td>50% of 4 minutes</td>
<td><time datetime="${CHECKED_AT}">30 Jun 11:50 UTC</time></td>
</tr>`);
    // A status from history is dated and marked as last known, never as a check.
    expect(board).toContain(`<tr data-service="openchat" data-basis="history">`);
    expect(board).toContain('<td class="muted">last known, September 2017</td>');
    expect(board).toContain('<td class="muted">No data</td>');
    expect(board).toContain('<a href="/s/openchat/CN?lang=en">OpenChat &lt;beta&gt;</a>');
    expect(board).toContain(
      '<details><summary>Not measured yet in China: 1</summary>\n<ul><li><a href="/s/tunnel/CN?lang=en">Tunnel</a></li></ul>',
    );
    expect(board).toContain('<li><a href="/?country=DE&amp;lang=en">Germany</a></li>');
    expect(board).toContain(
      '<section id="c-CN" aria-labelledby="h-CN" data-country="CN">\n<h2 id="h-CN">China</h2>',
    );
  });

  it("says when a country has no measurement", () => {
    const board = renderBoard(
      miniKb(),
      { countries: [{ code: "CN", rows: [], unmeasured: ["chatapp"] }], allCountries: ["CN"] },
      "zh-Hans",
    ).value;
    expect(board).toContain("<p>在中国还没有任何测量结果。各服务的页面仍会列出已记录的历史。</p>");
    expect(board).not.toContain("<table>");
  });
});

describe("service page", () => {
  const target = { service: "chatapp", country: "CN" };
  const measured = statusView(
    miniKb(),
    target,
    {
      ...target,
      status: "partial",
      mechanism: "tls",
      since: daysAgo(15),
      checkedAt: CHECKED_AT,
      features: [
        { feature: "text", status: "ok", mechanism: null },
        { feature: "media", status: "blocked", mechanism: "tls" },
      ],
      regions: [{ region: "beijing", status: "partial" }],
      confidence: 0.75,
      method: { vantages: 2, controls: 1, measurements: 12, positive: 0, direct: 0 },
      evidence: [
        "bj-1 tls://media.chatapp.example:443: probe: connection_reset at TLS; control: handshake ok",
        "bj-1 tls://chat.chatapp.example:443: probe and control: handshake ok",
        "sh-1 tls://media.chatapp.example:443: probe: <reset>",
      ],
    },
    NOW.getTime(),
  );
  const model: ServicePageModel = {
    ...target,
    status: measured,
    timeline: [
      { at: daysAgo(45), from: null, to: "accessible", mechanism: null },
      { at: daysAgo(15), from: "accessible", to: "partial", mechanism: "tls" },
    ],
    events: miniKb().eventsFor("chatapp", "CN"),
    chart: { svg: '<svg role="img"></svg>', availability: 0.5, measuredMs: 21 * 86_400_000 },
    alternatives: [
      { service: "safechat", status: "accessible" },
      { service: "openchat", status: "none" },
    ],
    circumvention: [{ service: "tunnel", status: "blocked" }],
    now: NOW,
  };

  it("shows the verdict, per feature and per region", () => {
    const page = renderServicePage(miniKb(), model, "en").value;
    expect(page).toContain("<h1>ChatApp in China</h1>");
    expect(page).toContain(
      '<p class="status-line" data-basis="measurement"><span class="muted">Status</span>: <span class="badge big st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> Partially blocked</span> (<span class="mechanism">TLS</span>)</p>',
    );
    expect(page).toContain("<li>Since 15 June 2026 12:00 UTC</li>");
    expect(page).toContain("<li>Confidence: 75%</li>");
    expect(page).toContain(
      '<p class="method"><i>How we know: probes in China were compared with an uncensored control network, which tells blocked from down. /about</i></p>',
    );
    expect(page).toContain(
      '<tr data-feature="media"><th scope="row">Photos, video and voice notes</th><td><span class="badge st-blocked" data-verdict="blocked"><span class="icon" aria-hidden="true">✕</span> Blocked</span></td><td>TLS</td></tr>',
    );
    expect(page).toContain('<tr data-region="beijing"><th scope="row">Beijing</th>');
  });

  it("sums up what the vantages saw, then shows which vantage saw what behind a <details>, escaped", () => {
    const page = renderServicePage(miniKb(), model, "en").value;
    expect(page).toContain(
      '<p>The latest check, outcome by outcome:</p><ul class="tally"><li><code lang="en" dir="ltr">probe: connection_reset at TLS; control: handshake ok</code> — checks: 1 · vantages: 1</li><li><code lang="en" dir="ltr">probe and control: handshake ok</code> — checks: 1 · vantages: 1</li><li><code lang="en" dir="ltr">probe: &lt;reset&gt;</code> — checks: 1 · vantages: 1</li></ul>\n<details><summary>Every line, by vantage (3)</summary>',
    );
    expect(page).toContain(
      '<dl class="evidence" lang="en" dir="ltr"><dt>bj-1</dt><dd>tls://media.chatapp.example:443: probe: connection_reset at TLS; control: handshake ok</dd><dd>tls://chat.chatapp.example:443: probe and control: handshake ok</dd><dt>sh-1</dt><dd>tls://media.chatapp.example:443: probe: &lt;reset&gt;</dd></dl></details>',
    );
    // The same outcome at many endpoints and vantages is one line of the summary.
    expect(
      tallyEvidence([
        {
          vantage: "bj-1",
          lines: ["tcp://a:443: connect ok", "tcp://b:443: connect ok", "tls://m:443: reset"],
        },
        { vantage: "sh-1", lines: ["tcp://a:443: connect ok", "tls://m:443: reset"] },
        { vantage: "gz-1", lines: ["tcp://a:443: connect ok"] },
      ]),
    ).toEqual([
      { outcome: "connect ok", checks: 4, vantages: 3 },
      { outcome: "reset", checks: 2, vantages: 2 },
    ]);
    const without = renderServicePage(
      miniKb(),
      { ...model, status: { ...model.status, evidence: [] } },
      "en",
    ).value;
    expect(without).toContain(
      "<p>No per-vantage detail was kept for the latest check; the result above comes from the rule below.</p>",
    );
  });

  it("shows the chart, the measured timeline newest first, and the dated history with sources", () => {
    const page = renderServicePage(miniKb(), model, "en").value;
    expect(page).toContain(
      '<figure><svg role="img"></svg><figcaption>Accessible 50% of the 21 days measured in the last 30 days. <a href="/s/chatapp/CN/chart.png?lang=en">Download the chart (PNG)</a></figcaption></figure>',
    );
    expect(page).toContain(
      `<ul><li data-to="partial"><time datetime="${daysAgo(15)}">15 June 2026 12:00 UTC</time>: Accessible → Partially blocked (TLS)</li><li data-to="accessible"><time datetime="${daysAgo(45)}">16 May 2026 12:00 UTC</time>: First measured: Accessible</li></ul>`,
    );
    expect(page).toContain(
      '<li><time datetime="2017-07">July 2017</time>: <span class="badge st-partial" data-status="partial"><span class="icon" aria-hidden="true">◐</span> Partially blocked</span> <span>Photos &amp; videos stopped &lt;loading&gt;.</span> (<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer">source</a>)</li>',
    );
  });

  it("marks an event summary shown in English on a page in another language", () => {
    const page = renderServicePage(miniKb(), model, "zh-Hans").value;
    expect(page).toContain('<span lang="en" dir="ltr">Blocked entirely.</span>');
    const ru = renderServicePage(miniKb(), model, "ru").value;
    expect(ru).toContain("<span>Фото и видео перестали загружаться.</span>");
  });

  it("lists alternatives with privacy and tools with the country's legal risk", () => {
    const page = renderServicePage(miniKb(), model, "en").value;
    expect(page).toContain(
      '<tr data-service="safechat"><th scope="row"><a href="/s/safechat/CN?lang=en">SafeChat</a><br><span class="muted small">end-to-end encrypted</span></th><td><span class="badge st-accessible" data-status="accessible"><span class="icon" aria-hidden="true">✓</span> Accessible</span></td></tr>',
    );
    expect(page).toContain('<th scope="col">Service · Privacy</th>');
    expect(page).toContain(
      '<p>⚠ Caution: Unauthorised VPNs are illegal. (<a href="https://example.org/risk" rel="noopener noreferrer">source</a>)</p>',
    );
  });

  it("a target never measured shows the history's last known status, dated and sourced, and says how it knows", () => {
    const page = renderServicePage(
      miniKb(),
      { ...model, status: statusView(miniKb(), target, undefined), timeline: [] },
      "en",
    ).value;
    expect(page).toContain('<p class="status-line" data-basis="history">');
    expect(page).toContain(
      '<li>Last known since 25 September 2017, from a dated report (<a href="https://example.org/b" rel="noopener noreferrer">source</a>)</li>',
    );
    expect(page).not.toContain("Confidence");
    expect(page).toContain(
      "How we know: no fresh measurement from inside China; this is the last known status from a dated, sourced report. /about",
    );
    expect(page).toContain("<p>No change measured yet.</p>");
    expect(page).not.toContain('id="h-features"');
    expect(page).not.toContain('id="h-evidence"');
    expect(page).toContain('id="h-history"');
  });

  it("groups evidence lines by vantage", () => {
    expect(groupEvidence(["a x: 1", "b y: 2", "a z: 3", "bare", "a: offline"])).toEqual([
      { vantage: "a", lines: ["x: 1", "z: 3", "offline"] },
      { vantage: "b", lines: ["y: 2"] },
      { vantage: "", lines: ["bare"] },
    ]);
  });
});

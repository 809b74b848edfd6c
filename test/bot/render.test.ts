import { describe, expect, it } from "vitest";
import { renderAnswer } from "../../bot/render.js";
import type { KbEvent, Lang } from "../../kb/schema.js";
import type { Answer } from "../../pipeline/answer.js";
import { formatDate, htmlToPlainText } from "../../present/text.js";
import { answerWithNothingKnown, miniKb } from "../helpers.js";
import { measuredPartialAnswer } from "./answer-fixtures.js";

const kb = miniKb();
// The fixture has exactly these two events, oldest first.
const [partialEvent, blockedEvent] = kb.eventsFor("chatapp", "CN") as [KbEvent, KbEvent];

const base: Answer = answerWithNothingKnown("chatapp", "CN");

describe("renderAnswer", () => {
  it("renders a measured partial block with features, history, alternatives and circumvention", () => {
    const answer = measuredPartialAnswer();
    expect(renderAnswer(kb, answer, "en")).toBe(
      [
        "🟠 <b>ChatApp in China: partially blocked</b>",
        "Since 20 November 2026 08:00 UTC · last checked 21 November 2026 10:05 UTC",
        "• Text messages: works",
        "• Photos, video and voice notes: blocked (TLS)",
        "",
        "History:",
        '• 25 September 2017: Blocked entirely. (<a href="https://example.org/b">source</a>)',
        '• July 2017: Photos &amp; videos stopped &lt;loading&gt;. (<a href="https://example.org/a?x=1&amp;y=2">source</a>)',
        "",
        "Instead:",
        "• SafeChat: accessible · end-to-end encrypted",
        "• OpenChat &lt;beta&gt;: accessible (last known) · not end-to-end encrypted",
        "",
        "Ways around the block:",
        "• Tunnel: unknown · the app alone, no server of your own",
        '⚠️ Caution: Unauthorised VPNs are illegal. (<a href="https://example.org/risk">source</a>)',
        "",
        "<i>How we know: probes in China were compared with an uncensored control network, which tells blocked from down. /about</i>",
      ].join("\n"),
    );
  });

  // Measured by OONI's volunteers alone: who, on which networks, how long ago; a network that disagrees.
  const byOoni: Answer = {
    ...base,
    at: "2026-11-21T12:00:00.000Z",
    status: "partial",
    basis: "measurement",
    since: "2026-11-21T09:00:00.000Z",
    checkedAt: "2026-11-21T11:17:00.000Z",
    measuredAt: "2026-11-21T10:40:00.000Z",
    mechanism: "tls",
    method: { vantages: 4, controls: 4, measurements: 4, positive: 0, direct: 0 },
    sources: [
      {
        kind: "ooni",
        status: "partial",
        vantages: ["ooni:AS4134", "ooni:AS4837", "ooni:AS9808", "ooni:AS4812"],
        networks: [
          { asn: 4134, name: "Chinanet" },
          { asn: 4837, name: "China Unicom <CU>" },
          { asn: 9808, name: "China Mobile" },
          { asn: 4812, name: "AS4812" },
        ],
        measurements: 4,
        latestAt: "2026-11-21T10:40:00.000Z",
        earliestAt: "2026-11-20T13:10:00.000Z",
      },
    ],
    networks: [
      { asn: 4134, name: "Chinanet", status: "blocked" },
      { asn: 4837, name: "China Unicom <CU>", status: "blocked" },
      { asn: 9808, name: "China Mobile", status: "accessible" },
    ],
  };

  it("says who measured, on which networks and how long ago, escaped", () => {
    expect(renderAnswer(kb, byOoni, "en").split("\n").slice(0, 5)).toEqual([
      "🟠 <b>ChatApp in China: partially blocked</b>",
      "Since 21 November 2026 09:00 UTC · last checked 21 November 2026 11:17 UTC · newest measurement 21 November 2026 10:40 UTC",
      "Measured by OONI volunteers on 4 networks in the last 23 h (Chinanet AS4134, China Unicom &lt;CU&gt; AS4837, China Mobile AS9808, 1 more).",
      "By network: blocked on Chinanet AS4134, China Unicom &lt;CU&gt; AS4837; works on China Mobile AS9808.",
      "",
    ]);
    expect(
      renderAnswer(
        kb,
        { ...byOoni, sources: byOoni.sources.map((source) => ({ ...source, vantages: ["ooni:AS4134"] })) },
        "ru",
      ),
    ).toContain(
      "\nИзмерено добровольцами OONI в 1 сети за последние 23 ч (Chinanet AS4134, China Unicom &lt;CU&gt; AS4837, China Mobile AS9808, ещё 1).\n",
    );
  });

  it("shows both when our probes and OONI's volunteers disagree, never an average", () => {
    const probes = {
      kind: "probe" as const,
      status: "accessible" as const,
      vantages: ["bj-1"],
      networks: [],
      measurements: 12,
      latestAt: "2026-11-21T11:17:00.000Z",
      earliestAt: "2026-11-21T11:17:00.000Z",
    };
    const lines = renderAnswer(kb, { ...byOoni, sources: [probes, ...byOoni.sources] }, "en").split("\n");
    expect(lines[2]).toBe("Measured by our probes from 1 vantage in the last 1 h.");
    expect(lines[4]).toBe(
      "The sources disagree, so both are shown: our probes: accessible; OONI volunteers: partially blocked.",
    );
  });

  it("tells a status whose newest measurement is older than 48 h as the last known one", () => {
    const old = { ...byOoni, at: "2026-11-24T12:00:00.000Z", stale: true };
    const lines = renderAnswer(kb, old, "en").split("\n");
    expect(lines[0]).toBe("🟠 <b>ChatApp in China: partially blocked (last known)</b>");
    expect(lines[2]).toBe(
      "Measured by OONI volunteers on 4 networks in the last 95 h (Chinanet AS4134, China Unicom &lt;CU&gt; AS4837, China Mobile AS9808, 1 more).",
    );
    expect(lines[4]).toBe(
      "The newest measurement is from 21 November 2026 10:40 UTC, more than 48 hours ago: this is the last known status, not necessarily today's.",
    );
    expect(renderAnswer(kb, old, "fa")).toContain("بیش از ۴۸ ساعت پیش");
  });

  it("says there is no fresh measurement and answers from history, never pretending to have measured", () => {
    const answer: Answer = {
      ...base,
      status: "blocked",
      basis: "history",
      since: "2017-09-25",
      event: blockedEvent,
      history: [blockedEvent, partialEvent],
    };
    expect(renderAnswer(kb, answer, "en")).toBe(
      [
        "⛔ <b>ChatApp in China</b>",
        'No fresh measurement; last known: blocked since 25 September 2017 (<a href="https://example.org/b">source</a>)',
        "",
        "History:",
        '• July 2017: Photos &amp; videos stopped &lt;loading&gt;. (<a href="https://example.org/a?x=1&amp;y=2">source</a>)',
        "",
        "<i>How we know: no fresh measurement from inside China; this is the last known status from a dated, sourced report. /about</i>",
      ].join("\n"),
    );
  });

  it("says when there is neither a measurement nor history, with the region named", () => {
    const answer: Answer = { ...base, service: "safechat", region: "beijing" };
    expect(renderAnswer(kb, answer, "en")).toBe(
      [
        "❔ <b>SafeChat in Beijing, China</b>",
        "No measurement yet and no recorded history for SafeChat in Beijing, China.",
        "",
        "<i>How we know: nothing measured in Beijing, China and no recorded history, so we say unknown rather than guess. /about</i>",
      ].join("\n"),
    );
  });

  it.each([
    [
      "a control took part",
      {
        status: "blocked",
        basis: "measurement",
        method: { vantages: 1, controls: 1, measurements: 4, positive: 0, direct: 0 },
      },
      "How we know: probes in China were compared with an uncensored control network, which tells blocked from down. /about",
    ],
    [
      "accessible with no control: the probe reached the service itself",
      {
        status: "accessible",
        basis: "measurement",
        method: { vantages: 1, controls: 0, measurements: 4, positive: 0, direct: 4 },
      },
      "How we know: probes in China reached the service itself (a working connection, a valid TLS session); no control is needed for that. /about",
    ],
    [
      "blocked on positive evidence, no control",
      {
        status: "blocked",
        basis: "measurement",
        method: { vantages: 1, controls: 0, measurements: 4, positive: 2, direct: 0 },
      },
      "How we know: positive evidence of censorship seen from China (such as a forged DNS answer or a known block page); no control took part. /about",
    ],
    [
      "unknown for want of a control",
      {
        status: "unknown",
        basis: "measurement",
        method: { vantages: 1, controls: 0, measurements: 4, positive: 0, direct: 0 },
      },
      "How we know: probes in China could not reach it, and with no control network to compare with, blocked cannot be told from down. /about",
    ],
    [
      "unknown: vantages offline",
      {
        status: "unknown",
        basis: "measurement",
        method: { vantages: 0, controls: 0, measurements: 0, positive: 0, direct: 0 },
      },
      "How we know: the vantages in China could not tell (offline, or in disagreement). /about",
    ],
    [
      "history beside a measurement that could not tell",
      {
        status: "blocked",
        basis: "history",
        since: "2017-09-25",
        event: blockedEvent,
        undecidedAt: "2026-11-21T10:05:00.000Z",
      },
      "How we know: our last measurement in China (21 November 2026 10:05 UTC) could not tell, so this is the last known status from a dated, sourced report. /about",
    ],
  ] as [string, Partial<Answer>, string][])(
    "says how it knows, true for the evidence: %s",
    (_what, known, sentence) => {
      const lines = renderAnswer(kb, { ...base, ...known }, "en").split("\n");
      expect(lines.at(-1)).toBe(`<i>${sentence}</i>`);
      // "Compared with a control" appears only where a control took part.
      const controlled = (known.method?.controls ?? 0) > 0;
      expect(lines.some((l) => l.includes("uncensored control network, which"))).toBe(controlled);
    },
  );

  it("offers suggestions when the question was not understood", () => {
    const answer: Answer = {
      ...base,
      understood: false,
      service: null,
      suggestions: ["chatapp", "safechat"],
    };
    expect(renderAnswer(kb, answer, "en")).toBe(
      [
        "I could not tell which service you mean.",
        "Did you mean: ChatApp, SafeChat?",
        'Try: "is WhatsApp blocked in China?"',
      ].join("\n"),
    );
  });

  it("answers an unknown domain honestly", () => {
    const answer: Answer = { ...base, service: null, domain: "example.org" };
    expect(renderAnswer(kb, answer, "en")).toBe(
      [
        "❔ example.org is not in the knowledge base yet and has no measurement in China, so its status is unknown.",
        "<i>How we know: nothing measured in China and no recorded history, so we say unknown rather than guess. /about</i>",
      ].join("\n"),
    );
  });

  it("isolates a Latin service name inside right-to-left Persian text", () => {
    const answer: Answer = { ...base, service: "safechat" };
    const firstLine = renderAnswer(kb, answer, "fa").split("\n")[0];
    expect(firstLine).toContain("\u2068SafeChat\u2069");
  });

  it("isolates an unknown domain in Persian too", () => {
    const answer: Answer = { ...base, service: null, domain: "example.org" };
    expect(renderAnswer(kb, answer, "fa").split("\n")[0]).toBe(
      "❔ دامنهٔ \u2068example.org\u2069 هنوز در پایگاه دانش نیست و در چین سنجشی برای آن انجام نشده است؛ بنابراین وضعیتش نامشخص است.",
    );
  });

  it("counts people's recent reports beside the status, never in place of it", () => {
    const answer: Answer = {
      ...base,
      status: "blocked",
      basis: "history",
      since: "2017-09-25",
      event: blockedEvent,
      history: [blockedEvent],
      recentReports: 4,
    };
    expect(renderAnswer(kb, answer, "en").split("\n").slice(0, 4)).toEqual([
      "⛔ <b>ChatApp in China</b>",
      'No fresh measurement; last known: blocked since 25 September 2017 (<a href="https://example.org/b">source</a>)',
      "👥 4 people in China reported problems in the last hour.",
      "",
    ]);
    expect(renderAnswer(kb, { ...answer, recentReports: 0 }, "en")).not.toContain("👥");
  });
});

describe("formatDate", () => {
  it.each([
    ["2009", "2009"],
    ["2017-09", "September 2017"],
    ["2017-09-25", "25 September 2017"],
    ["2026-11-21T10:05:33.000Z", "21 November 2026 10:05 UTC"],
  ])("%s → %s", (input, expected) => {
    expect(formatDate(input, "en")).toBe(expected);
  });
});

describe("htmlToPlainText", () => {
  it("drops tags, spells out links and decodes entities", () => {
    expect(
      htmlToPlainText('<b>A &amp; B</b> (<a href="https://x.example/?a=1&amp;b=2">source</a>) &lt;3'),
    ).toBe("A & B (source: https://x.example/?a=1&b=2) <3");
  });
});

describe("other languages", () => {
  it.each([
    ["ru", "2017-09", "сентябрь 2017 г."],
    ["ru", "2017-09", "сентября 2017 г.", true],
    ["ru", "2017-09-25", "25 сентября 2017 г."],
    ["zh-Hans", "2017-09-25", "2017年9月25日"],
    ["zh-Hant", "2017-09", "2017年9月"],
    ["fa", "2017-09-25", "۲۵ سپتامبر ۲۰۱۷ (۳ مهر ۱۳۹۶)"],
    // A year alone, on its own and inside a sentence ("since 2009"), in each language's words and digits.
    ["en", "2009", "2009"],
    ["en", "2009", "2009", true],
    ["zh-Hans", "2009", "2009年"],
    ["zh-Hant", "2009", "2009年", true],
    ["ru", "2009", "2009 г."],
    ["ru", "2009", "2009 года", true],
    ["fa", "2009", "۲۰۰۹"],
    ["fa", "2009", "سال ۲۰۰۹", true],
    ["fa", "2018-04", "آوریل ۲۰۱۸"],
    // A timestamp has no Solar Hijri date beside it: the day is the Gregorian one in UTC only.
    ["fa", "2018-04-30T08:05:00.000Z", "۳۰ آوریل ۲۰۱۸ ۰۸:۰۵ UTC"],
    ["zh-Hans", "2018-04-30T08:05:00.000Z", "2018年4月30日 08:05 UTC"],
  ] as [Lang, string, string, boolean?][])("%s formats %s as %s", (lang, input, expected, inline = false) => {
    expect(formatDate(input, lang, { inline })).toBe(expected);
  });

  it("names a region before its country in Russian and after it in Chinese", () => {
    const answer: Answer = { ...base, service: "safechat", region: "beijing" };
    expect(renderAnswer(kb, answer, "ru").split("\n")[0]).toContain("Пекин, Китай");
    expect(renderAnswer(kb, answer, "zh-Hans").split("\n")[0]).toContain("中国北京");
  });
});

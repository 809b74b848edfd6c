import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply } from "../../bot/conversation.js";
import { renderAnswer } from "../../bot/render.js";
import { splitMessage, TELEGRAM_MESSAGE_LIMIT } from "../../bot/split.js";
import { LANGS, type Lang } from "../../kb/schema.js";
import { MECHANISMS, SERVICE_STATUSES, SOURCE_KINDS, VERDICTS } from "../../model/status.js";
import type { Store } from "../../model/store.js";
import type { Answer, Basis, RelatedService } from "../../pipeline/answer.js";
import { keepRightToLeft } from "../../present/bidi.js";
import { isRtl, locales } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { FUZZ_TIMEOUT_MS, fuzzText, RUNS } from "./arbitraries.js";
import { telegramHtmlProblems, textOf } from "./telegram-html.js";

// What the bot sends, for any question and any answer: split into messages Telegram accepts (at most
// 4,096 characters each, valid HTML), and nothing the user typed comes back as a raw control or bidi
// character. The path is the bot's own: reply() → keepRightToLeft for Persian → splitMessage.

const kb = realKb();
const BASES: Basis[] = ["measurement", "history", "none"];
// The invisible characters the bot itself writes: first-strong isolates around Latin names in Persian
// (render.ts), the right-to-left mark in front of Persian lines (bidi.ts), and those its own texts hold
// (Persian's zero-width non-joiner). No other format character, and no control character but the line
// break, may reach a message.
const OWN_FORMAT = new Set([
  "\u2068",
  "\u2069",
  "\u200f",
  ...(JSON.stringify([locales, kb.services, kb.countries, kb.events]).match(/\p{Cf}/gu) ?? []),
]);

/** What Telegram would refuse or a reader would be fooled by, in one message. */
function messageProblems(message: string): string[] {
  const problems = telegramHtmlProblems(message);
  if (message.length > TELEGRAM_MESSAGE_LIMIT) problems.push(`${message.length} characters`);
  if (message.trim() === "") problems.push("an empty message");
  for (const char of message) {
    if (char !== "\n" && /\p{Cc}/u.test(char)) problems.push(`control U+${hex(char)}`);
    if (/\p{Cf}/u.test(char) && !OWN_FORMAT.has(char)) problems.push(`format character U+${hex(char)}`);
  }
  return problems;
}

const hex = (char: string) => (char.codePointAt(0) ?? 0).toString(16).padStart(4, "0");

/** The messages sendHtml would send for this HTML in this language. */
const messagesOf = (html: string, lang: Lang) => splitMessage(isRtl(lang) ? keepRightToLeft(html) : html);

function expectSendable(html: string, lang: Lang): void {
  const messages = messagesOf(html, lang);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(messageProblems(message), message).toEqual([]);
}

const lang = fc.constantFrom(...LANGS);
const serviceId = fc.constantFrom(...kb.services.map((s) => s.id));
const countryCode = fc.oneof(
  fc.constantFrom(...kb.countries.map((c) => c.code)),
  fc.stringMatching(/^[A-Z]{2}$/),
);
const status = fc.constantFrom(...SERVICE_STATUSES);
const mechanism = fc.option(fc.constantFrom(...MECHANISMS));
const date = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
  fc.constantFrom("2017", "2017-09", "2017-09-25"),
);

describe("messages of any question", () => {
  let store: Store;
  beforeAll(async () => {
    // Every service measured in a few countries, each status in turn, so answers show every shape.
    store = await openStore("memory:");
    let n = 0;
    for (const country of ["CN", "IR", "RU"]) {
      for (const service of kb.services) {
        const value = SERVICE_STATUSES[n++ % SERVICE_STATUSES.length] ?? "unknown";
        await store.putStatus({
          service: service.id,
          country,
          status: value,
          mechanism: value === "blocked" || value === "partial" ? "tls" : null,
          since: "2026-11-20T08:00:00.000Z",
          checkedAt: "2026-11-21T10:05:00.000Z",
          features: service.features.map((f, i) => ({
            feature: f.id,
            status: VERDICTS[(n + i) % VERDICTS.length] ?? "unknown",
            mechanism: null,
          })),
          regions: [],
          confidence: 1,
        });
      }
    }
  });
  afterAll(async () => {
    await store?.close();
  });

  it(
    "are valid Telegram HTML of at most 4,096 characters, with no control character echoed",
    async () => {
      const command = fc.constantFrom(
        "",
        "",
        "/status ",
        "/list ",
        "/alternatives ",
        "/start",
        "/help",
        "/about",
      );
      const words = [...new Set(kb.aliases.map((a) => a.text))];
      await fc.assert(
        fc.asyncProperty(command, fuzzText(words), lang, async (prefix, text, lang) => {
          const html = await reply(prefix + text, lang, { kb, store, defaultCountry: "CN", now: () => 0 });
          expectSendable(html, lang);
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe("messages of any answer", () => {
  const related = fc.record<RelatedService>({
    service: serviceId,
    status,
    basis: fc.constantFrom(...BASES),
    stale: fc.boolean(),
    e2ee: fc.constantFrom("yes", "optional", "no"),
  });
  // Network names come from a dataset and OONI: any text, escaped like every other value from outside.
  const network = fc.record({ asn: fc.nat(), name: fuzzText() });
  const source = fc.record({
    kind: fc.constantFrom(...SOURCE_KINDS),
    status,
    vantages: fc.array(fc.string(), { maxLength: 40 }),
    networks: fc.array(network, { maxLength: 40 }),
    measurements: fc.nat({ max: 100_000 }),
    latestAt: date,
    earliestAt: date,
  });
  const answer = serviceId.chain((service) =>
    fc.record<Answer>({
      at: date,
      understood: fc.boolean(),
      service: fc.option(fc.constant(service), { freq: 5 }),
      domain: fc.option(fc.domain()),
      country: countryCode,
      region: fc.option(fc.constantFrom(...kb.countries.flatMap((c) => c.regions.map((r) => r.id)))),
      status,
      basis: fc.constantFrom(...BASES),
      since: fc.option(date),
      checkedAt: fc.option(date),
      mechanism,
      features: fc.array(
        fc.record({
          feature: fc.constantFrom(...(kb.service(service)?.features.map((f) => f.id) ?? [])),
          status: fc.constantFrom(...VERDICTS),
          mechanism,
        }),
        { maxLength: 6 },
      ),
      regions: fc.constant([]),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      method: fc.option(
        fc.record({
          vantages: fc.nat({ max: 50 }),
          controls: fc.nat({ max: 5 }),
          measurements: fc.nat({ max: 5000 }),
          positive: fc.nat({ max: 100 }),
          direct: fc.nat({ max: 100 }),
        }),
      ),
      event: fc.option(fc.constantFrom(...kb.events)),
      undecidedAt: fc.option(date),
      evidence: fc.constant([]),
      sources: fc.array(source, { maxLength: 3 }),
      networks: fc.array(fc.record({ asn: fc.nat(), name: fuzzText(), status }), { maxLength: 40 }),
      measuredAt: fc.option(date),
      stale: fc.boolean(),
      history: fc.subarray([...kb.events], { maxLength: 3 }),
      alternatives: fc.array(related, { maxLength: 8 }),
      circumvention: fc.array(related, { maxLength: 8 }),
      suggestions: fc.uniqueArray(serviceId, { maxLength: 3 }),
      recentReports: fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }),
    }),
  );

  it(
    "are valid Telegram HTML of at most 4,096 characters",
    () => {
      fc.assert(
        fc.property(answer, lang, (answer, lang) => {
          expectSendable(renderAnswer(kb, answer, lang), lang);
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe("splitMessage", () => {
  // Valid HTML the way the renderer writes it: escaped text (long runs without spaces included, surrogate
  // pairs, right-to-left scripts) in the renderer's tags, nested up to two deep, on many lines.
  const text = fc
    .string({
      unit: fc.oneof(
        { weight: 5, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
        { weight: 2, arbitrary: fc.constantFrom(" ", " ", "😀", "👩‍👩‍👧", "微", "ب", "<", "&", ">") },
      ),
      maxLength: 250,
    })
    .map((s) => escapeHtml(s.replace(/\n/g, " ")));
  const inline = fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 1, arbitrary: text.map((t) => `<code>${t}</code>`) },
  );
  const element = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      inline,
      fc
        .tuple(fc.constantFrom("b", "i", "u", "s"), fc.array(tie("node"), { maxLength: 3 }))
        .map(([tag, children]) => `<${tag}>${children.join("")}</${tag}>`),
      fc
        .tuple(fc.webUrl(), text)
        .map(([href, label]) => `<a href="${escapeHtml(href).replace(/"/g, "&quot;")}">${label || "x"}</a>`),
    ),
  })).node;
  const line = fc.array(element, { maxLength: 6 }).map((parts) => parts.join(""));
  const document = fc.oneof(
    { weight: 4, arbitrary: fc.array(line, { maxLength: 24 }).map((lines) => lines.join("\n")) },
    // One line far over the limit with no space in it, as Chinese is written.
    { weight: 1, arbitrary: fc.nat({ max: 9000 }).map((n) => `<b>${"微".repeat(n)}</b>`) },
  );
  const limit = fc.oneof(fc.constant(TELEGRAM_MESSAGE_LIMIT), fc.integer({ min: 300, max: 4096 }));
  const squeeze = (html: string) => textOf(html).replace(/\s+/g, "");

  it(
    "cuts any valid HTML into valid parts within the limit, losing no text",
    () => {
      fc.assert(
        fc.property(document, limit, (html, limit) => {
          expect(telegramHtmlProblems(html)).toEqual([]);
          const parts = splitMessage(html, limit);
          if (html.length <= limit && html.trim() !== "") expect(parts).toEqual([html]);
          for (const part of parts) {
            expect(part.length).toBeLessThanOrEqual(limit);
            expect(part.trim()).not.toBe("");
            expect(telegramHtmlProblems(part), part).toEqual([]);
          }
          expect(parts.map(squeeze).join("")).toBe(squeeze(html));
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_COMPARISONS, type ParseMeter, parseQuestion } from "../../bot/parse.js";
import { realKb } from "../helpers.js";
import { FUZZ_TIMEOUT_MS, fuzzText, RUNS } from "./arbitraries.js";

// The parser's work per message is bounded: however a message of up to 4,096 characters (Telegram's limit)
// is made, the comparisons it costs (counted by the parser itself, not timed) stay under MAX_COMPARISONS.
// The messages are what makes the parser work hardest: made-up words in every script (each one weighed as a
// misspelling), aliases and one-edit misses of them, long words, Han text with no spaces, mixed scripts.

const kb = realKb();
const LENGTH = 4096;
const aliases = [...new Set(kb.aliases.map((a) => a.text))];

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const ALPHABETS = [
  range(0x61, 0x7a),
  range(0x430, 0x44f),
  [..."ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"],
  [..."的一是在不了有人中大上国我能用吗被封墙飞机油管维基连威信微电报推特谷歌脸书美国内大陆"],
];
const MIXED = ALPHABETS.flat();

const madeUp = fc
  .constantFrom(...ALPHABETS, MIXED)
  .chain((alphabet) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 14 }));

/** An alias with one letter changed, dropped, doubled or swapped with the next. */
const nearMiss = fc
  .tuple(fc.constantFrom(...aliases), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.constantFrom(...MIXED))
  .map(([alias, at, kind, letter]) => {
    const chars = [...alias];
    const i = at % chars.length;
    if (kind === 0) chars[i] = letter;
    else if (kind === 1) chars.splice(i, 1);
    else if (kind === 2) chars.splice(i, 0, chars[i] ?? "");
    else if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1] ?? "", chars[i] ?? ""];
    return chars.join("");
  });

const longWord = fc
  .tuple(fc.constantFrom(...ALPHABETS), fc.integer({ min: 20, max: 600 }))
  .map(([alphabet, length]) =>
    Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]).join(""),
  );

const word = fc.oneof(
  { weight: 6, arbitrary: madeUp },
  { weight: 2, arbitrary: fc.constantFrom(...aliases) },
  { weight: 3, arbitrary: nearMiss },
  { weight: 1, arbitrary: longWord },
  {
    weight: 1,
    arbitrary: fc.constantFrom("is", "blocked", "in", "能用吗", "в", "در", "vpn", "a.b.com", "."),
  },
);

/** A message of words joined by one separator (none, for Chinese), filled up to LENGTH characters or not. */
const message = fc
  .tuple(
    fc.array(word, { minLength: 1, maxLength: 200 }),
    fc.constantFrom(" ", "", "\n", ", ", "。", "\u200b"),
    fc.boolean(),
  )
  .map(([words, separator, fill]) => {
    let text = words.join(separator);
    if (fill) while (text.length < LENGTH) text += separator + words.join(separator);
    return text.slice(0, LENGTH);
  });

function comparisons(question: string): number {
  const meter: ParseMeter = { comparisons: 0 };
  parseQuestion(question, kb, meter);
  return meter.comparisons;
}

describe("parseQuestion's work per message", () => {
  it(
    "stays under MAX_COMPARISONS for any message of made-up words, aliases and near misses up to 4,096 characters",
    () => {
      fc.assert(
        fc.property(message, (question) => {
          expect(question.length).toBeLessThanOrEqual(LENGTH);
          expect(comparisons(question)).toBeLessThanOrEqual(MAX_COMPARISONS);
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "stays under MAX_COMPARISONS for any text up to 4,096 characters",
    () => {
      const words = [...aliases, "is", "blocked", "in", "vpn", "翻墙"];
      fc.assert(
        fc.property(
          fuzzText(words).map((s) => s.slice(0, LENGTH)),
          (question) => {
            expect(comparisons(question)).toBeLessThanOrEqual(MAX_COMPARISONS);
          },
        ),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("counts work on every message that holds words, and stays under the cap past 4,096 characters", () => {
    expect(comparisons("is whatsapp blocked in china?")).toBeGreaterThan(0);
    expect(comparisons("微信在中国被封了吗".repeat(1_200))).toBeLessThanOrEqual(MAX_COMPARISONS);
    expect(comparisons("signall telegarm ".repeat(1_000))).toBeLessThanOrEqual(MAX_COMPARISONS);
  });
});

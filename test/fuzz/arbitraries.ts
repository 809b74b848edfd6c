import fc from "fast-check";

// Generators the fuzzers share: text as people, clients and attackers send it.

/** Every fuzzer runs this many cases (issue 7). */
export const RUNS = 10_000;

/**
 * A fuzz test is bounded by its case count, not by time; this only stops one that hangs. Generous because
 * 10,000 cases take a minute or more on a busy 2-core machine, far past vitest's 30 s default here.
 */
export const FUZZ_TIMEOUT_MS = 900_000;

/** Zero-width and bidi formatting characters: invisible, and able to reorder or join what is around them. */
export const INVISIBLE = [
  "\u00ad",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\ufeff",
];

/** Characters that break naive text handling: controls, bidi overrides, zero-width, markup, lone surrogates. */
const TRICKY = [
  ...INVISIBLE,
  "\u0000",
  "\u0007",
  "\u001b",
  "\r",
  "\n",
  "\t",
  "\u0085",
  "\u2028",
  "\u2029",
  "\ufffd",
  "\ue000",
  "\u212a",
  "\u017f",
  "<",
  ">",
  "&",
  '"',
  "'",
  "/",
  ".",
  ":",
  "@",
  "<b>",
  "</i>",
  "&amp;",
  "&#0;",
  "https://",
  ".com",
  "😀",
  "👩‍👩‍👧",
  "🇮🇷",
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** One unit of fuzzed text: any code point, a grapheme, a tricky character or a lone surrogate. */
export function textUnit(words: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
    { weight: 1, arbitrary: loneSurrogate },
    { weight: 3, arbitrary: fc.constantFrom(" ", " ", "  ", "\u3000", "\u00a0") },
    ...(words.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...words) }] : []),
  );
}

/**
 * Fuzzed text: mostly up to 300 units, sometimes exactly 10,000 characters (a hostile message far over
 * Telegram's own 4,096-character limit).
 */
export function fuzzText(words: readonly string[] = []): fc.Arbitrary<string> {
  const unit = textUnit(words);
  return fc.oneof(
    { weight: 60, arbitrary: fc.string({ unit, maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit, minLength: 10_000, maxLength: 10_000 }).map((s) => s.slice(0, 10_000)),
    },
  );
}

// A paragraph's direction is set by its first strong character (Unicode bidi rules P2/P3, which Telegram's
// clients follow per line). A Persian line that starts with a command or a Latin name would turn left to
// right and scramble the rest; a right-to-left mark (U+200F) in front keeps it right to left. Characters
// inside isolates (U+2066..U+2068 … U+2069) do not count, which is how render.ts wraps Latin names.

const RLM = "\u200f";
const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const LETTER = /\p{L}/u;

/** The direction a line of Telegram HTML starts in, or undefined when it has no strong character. */
export function firstStrongDirection(line: string): "ltr" | "rtl" | undefined {
  let depth = 0;
  // Tags and entities are markup, not text: skipped.
  const text = line.replace(/<[^>]*>/g, "").replace(/&#?[a-z0-9]+;/gi, " ");
  for (const char of text) {
    if (char >= "\u2066" && char <= "\u2068") depth++;
    else if (char === "\u2069") depth = Math.max(0, depth - 1);
    else if (depth === 0 && RTL_LETTER.test(char)) return "rtl";
    else if (depth === 0 && LETTER.test(char)) return "ltr";
  }
  return undefined;
}

/** Every line that would start left to right gets a right-to-left mark in front. */
export function keepRightToLeft(htmlText: string): string {
  return htmlText
    .split("\n")
    .map((line) => (firstStrongDirection(line) === "ltr" ? `${RLM}${line}` : line))
    .join("\n");
}

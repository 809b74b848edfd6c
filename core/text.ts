// Text normalisation shared by the knowledge base's alias index and the question parser, so that an alias
// and a user's spelling of it meet in the same form.

const ZERO_WIDTH_AND_BIDI = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]/g;
/** Letters folded to one form: Arabic variants to the Persian letter, Russian ё to е. */
const FOLDED: Record<string, string> = {
  ي: "ی",
  ى: "ی",
  ك: "ک",
  ۀ: "ه",
  ة: "ه",
  أ: "ا",
  إ: "ا",
  آ: "ا",
  ё: "е",
};
const FOLDED_LETTERS = /[يىكۀةأإآё]/g;
/** Zero-width and bidi marks, Arabic diacritics and the kashida: dropped. */
const DROPPED =
  /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u064b-\u065f\u0670\u0640]/g;
const ASCII_ONLY = /^[\t\n\r -~]*$/;

/** Lower-cased, NFKC-folded, without invisible characters; Persian/Arabic letter variants unified. */
export function normalize(text: string): string {
  // Every question and every word of it passes here. ASCII is its own NFKC form and holds nothing to drop
  // or fold; the rest is two passes, not one per kind of character.
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKC")
    .replace(DROPPED, "")
    .replace(FOLDED_LETTERS, (c) => FOLDED[c] ?? c)
    .toLowerCase();
}

/** The form aliases are indexed and compared in: normalised, with spaces, dots and dashes removed. */
export function aliasKey(text: string): string {
  return normalize(text).replace(/[\s.\-_'’]+/g, "");
}

/** Without zero-width and bidi marks, case and letters as they were: "ch\u00adinese" is one word again. */
export function withoutInvisible(text: string): string {
  return text.replace(ZERO_WIDTH_AND_BIDI, "");
}

/** Han characters: text written in them has no spaces between words. */
export const HAN = /\p{Script=Han}/u;

/** Strips what must never be echoed back raw: control characters and bidi overrides. */
export function sanitizeForEcho(text: string, max = 64): string {
  const cleaned = withoutInvisible(text)
    .replace(/\p{Cc}/gu, " ")
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

// Text normalisation shared by the knowledge base's alias index and the question parser, so that an alias
// and a user's spelling of it meet in the same form.

const ZERO_WIDTH_AND_BIDI = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]/g;
const ARABIC_TO_PERSIAN: Record<string, string> = {
  ي: "ی",
  ى: "ی",
  ك: "ک",
  ۀ: "ه",
  ة: "ه",
  أ: "ا",
  إ: "ا",
  آ: "ا",
};
const ARABIC_LETTER_VARIANTS = /[يىكۀةأإآ]/g;
const ARABIC_DIACRITICS = /[\u064b-\u065f\u0670]/g;
const KASHIDA = /\u0640/g;

/** Lower-cased, NFKC-folded, without invisible characters; Persian/Arabic letter variants unified. */
export function normalize(text: string): string {
  return text
    .normalize("NFKC")
    .replace(ZERO_WIDTH_AND_BIDI, "")
    .replace(ARABIC_DIACRITICS, "")
    .replace(KASHIDA, "")
    .replace(ARABIC_LETTER_VARIANTS, (c) => ARABIC_TO_PERSIAN[c] ?? c)
    .replace(/ё/g, "е")
    .toLowerCase();
}

/** The form aliases are indexed and compared in: normalised, with spaces, dots and dashes removed. */
export function aliasKey(text: string): string {
  return normalize(text).replace(/[\s.\-_'’]+/g, "");
}

/** Han characters: text written in them has no spaces between words. */
export const HAN = /\p{Script=Han}/u;

/** Strips what must never be echoed back raw: control characters and bidi overrides. */
export function sanitizeForEcho(text: string, max = 64): string {
  const cleaned = text
    .replace(ZERO_WIDTH_AND_BIDI, "")
    .replace(/\p{Cc}/gu, " ")
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

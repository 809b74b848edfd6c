/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions: "telegarm" is one edit
 * from "telegram"). Gives up early and returns `max + 1` once the distance must exceed `max`. With a finite
 * `max` only the cells within `max` of the diagonal are computed (no path through the others stays within
 * `max`), so the work is at most (2·max + 1) cells per letter of `a`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Any value above max is as good as another: cells outside the band hold this.
  const far = Number.isFinite(max) ? max + 1 : a.length + b.length + 1;
  const band = Number.isFinite(max) ? max : width;
  let prevPrev = new Array<number>(width).fill(far);
  let prev = Array.from({ length: width }, (_, j) => (j <= band ? j : far));
  let row = new Array<number>(width).fill(far);
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - band);
    const hi = Math.min(b.length, i + band);
    row[lo - 1] = lo === 1 ? i : far;
    if (hi + 1 < width) row[hi + 1] = far;
    let best = row[lo - 1] ?? far;
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? far) + 1, (row[j - 1] ?? far) + 1, (prev[j - 1] ?? far) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (prevPrev[j - 2] ?? far) + 1);
      }
      row[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  const distance = prev[b.length] ?? far;
  return distance > max ? max + 1 : distance;
}

/**
 * How many edits a word of this length may carry and still be read as a misspelling. Words under five
 * letters get none: too many ordinary ones sit one edit from a short name ("like", "live", "link" from
 * "line"). Longer ones get one: two edits reach ordinary words too ("messages" from "messenger",
 * "expression" from "expressvpn"); the knowledge base lists the common worse misspellings as aliases.
 */
export function typoBudget(length: number): number {
  return length < 5 ? 0 : 1;
}

/**
 * The letters of a word as a 32-bit set (each UTF-16 unit hashed to one bit). Two words within `d` edits
 * differ in at most 2·d bits of their sets (a substitution takes one letter out and puts one in; an
 * insertion or a deletion changes one; a transposition none), so `lettersApart` rules most pairs out
 * before any edit distance is computed.
 */
export function letterSet(word: string): number {
  let set = 0;
  for (let i = 0; i < word.length; i++) set |= 1 << (word.charCodeAt(i) % 31);
  return set;
}

/** How many letters two `letterSet`s differ in: at most 2·d for words within `d` edits. */
export function lettersApart(a: number, b: number): number {
  let x = (a ^ b) >>> 0;
  let count = 0;
  while (x !== 0) {
    x &= x - 1;
    count++;
  }
  return count;
}

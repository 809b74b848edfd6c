/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions: "telegarm" is one edit
 * from "telegram"). Gives up early and returns `max + 1` once the distance must exceed `max`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  let prevPrev = new Array<number>(width).fill(0);
  let prev = Array.from({ length: width }, (_, j) => j);
  let row = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = row[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (prevPrev[j - 2] ?? 0) + 1);
      }
      row[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length] ?? max + 1;
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

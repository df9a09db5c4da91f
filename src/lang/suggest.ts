/** "did you mean ...?" for misspelt keywords, schedulers and methods. */

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The closest candidate, if close enough to be a plausible typo: at most one
 * edit for short words, two for words of five letters or more. Ties go to
 * the longer shared prefix (`rrr` -> `rr`, not `wrr`).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length >= 5 ? 2 : 1;
  let best: { c: string; dist: number; prefix: number } | undefined;
  for (const c of candidates) {
    if (c === word) continue;
    const dist = editDistance(w, c);
    if (dist > limit || dist >= c.length) continue;
    const prefix = commonPrefix(w, c);
    if (!best || dist < best.dist || (dist === best.dist && prefix > best.prefix)) best = { c, dist, prefix };
  }
  return best?.c;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean ${c}?`;
}

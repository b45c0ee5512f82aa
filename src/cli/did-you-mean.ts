// "Did you mean …?" for a mistyped name. Commander suggests for the commands
// and options it rejects itself, but does not export how it measures (and a
// package for ~20 lines would be one more thing to keep), so this is our own:
// Damerau–Levenshtein distance in its optimal-string-alignment form, where
// swapping two neighbouring letters is one edit (`antrhopic` is 1 from
// `anthropic`, where plain Levenshtein says 2).

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates `word` is most likely a typo of: those at the smallest
 * distance, if that is at most 1 (when either word has up to 4 characters,
 * where 2 edits make most short words alike) or 2. Empty when `word` is itself
 * a candidate or nothing is that close.
 */
export function nearMisses(word: string, candidates: Iterable<string>): string[] {
  let best = Infinity;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === word) return [];
    const allowed = Math.min(word.length, candidate.length) <= 4 ? 1 : 2;
    const distance = editDistance(word, candidate);
    if (distance > allowed || distance > best) continue;
    if (distance < best) found = [];
    best = distance;
    found.push(candidate);
  }
  return found.sort();
}

/** `Did you mean status?`, `Did you mean groq or grok?` */
export function didYouMean(names: readonly string[]): string {
  return names.length === 0 ? "" : `Did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`}?`;
}

// What JSON.parse changes without a word: of a key written twice in one object
// only the last survives, and a number too large to represent (`1e999`)
// becomes Infinity, which JSON.stringify writes back as `null`. Either way our
// next write would lose what the user wrote. One cheap pass over the text and
// the parsed value tells whether either happened; it runs on every load of the
// store and the config (`models status --check` on each monitoring tick), so it
// leans on native string operations, and finding where a duplicate is, is left
// to the scanner in duplicate-keys.ts.

export type JsonLoss = { kind: "duplicate-key" } | { kind: "non-finite-number"; path: (string | number)[]; value: number };

// A JSON string token, written so the regexp engine never backtracks into it.
const JSON_STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

interface Tally {
  keys: number;
  nonFinite: boolean;
}

/** Counts the keys of every object (JSON.parse's objects inherit nothing enumerable, so for-in is exact, and cheapest). */
function tally(value: object, into: Tally): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) tallyItem(value[i], into);
    return;
  }
  for (const key in value) {
    into.keys++;
    tallyItem((value as Record<string, unknown>)[key], into);
  }
}

function tallyItem(item: unknown, into: Tally): void {
  if (typeof item === "number") {
    if (!Number.isFinite(item)) into.nonFinite = true;
  } else if (item !== null && typeof item === "object") tally(item, into);
}

/** Where the first non-finite number is; only looked for once one is known to be there. */
function pathToNonFinite(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== "object") return undefined;
  const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  for (const key of keys) {
    const found = pathToNonFinite((value as Record<string | number, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * For strict JSON `text` and what JSON.parse made of it: a duplicate key (checked
 * first), else the first number that is not finite, else undefined. Outside
 * strings strict JSON has exactly one colon per key, so the text has as many
 * keys as colons; the parsed value has fewer only when one replaced another.
 */
export function findJsonLoss(text: string, parsed: unknown): JsonLoss | undefined {
  if (typeof parsed === "number") return Number.isFinite(parsed) ? undefined : { kind: "non-finite-number", path: [], value: parsed };
  if (parsed === null || typeof parsed !== "object") return undefined;
  const outsideStrings = text.replace(JSON_STRING, "");
  let colons = 0;
  for (let at = outsideStrings.indexOf(":"); at >= 0; at = outsideStrings.indexOf(":", at + 1)) colons++;
  const counted: Tally = { keys: 0, nonFinite: false };
  tally(parsed, counted);
  if (counted.keys !== colons) return { kind: "duplicate-key" };
  if (!counted.nonFinite) return undefined;
  const path = pathToNonFinite(parsed, [])!;
  let value: unknown = parsed;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return { kind: "non-finite-number", path, value: value as number };
}

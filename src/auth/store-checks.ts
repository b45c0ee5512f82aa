// What an auth store must not hold even where its schema would let it: a
// profile id with control or bidi-override characters, which can pass for
// another id on a terminal (see state/hidden-characters.ts).
import { hasHiddenCharacters, hiddenCharactersProblem } from "../state/hidden-characters.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every place a store names a profile: profiles and usageStats keys, order lists, lastGood values. */
function namedIds(doc: Record<string, unknown>): [where: string, ids: unknown[]][] {
  const places: [string, unknown[]][] = [];
  for (const section of ["profiles", "usageStats"] as const) {
    const record = doc[section];
    if (isRecord(record)) places.push([section, Object.keys(record)]);
  }
  for (const section of ["order", "lastGood"] as const) {
    const record = doc[section];
    if (!isRecord(record)) continue;
    for (const provider of Object.keys(record)) {
      const ids = record[provider];
      places.push([`${section}.${provider}`, Array.isArray(ids) ? ids : [ids]]);
    }
  }
  return places;
}

/** The first profile id with hidden characters, as a sentence naming it and where; undefined when there is none. */
export function hiddenCharacterIdProblem(doc: Record<string, unknown>): string | undefined {
  const places = namedIds(doc);
  // One native test over all ids joined (this runs on every load); the per-id look only to name the culprit.
  if (!hasHiddenCharacters(places.map(([, ids]) => ids.join("")).join(""))) return undefined;
  for (const [where, ids] of places) {
    for (const id of ids) {
      const problem = typeof id === "string" ? hiddenCharactersProblem(id, where) : undefined;
      if (problem) return problem;
    }
  }
  return undefined;
}

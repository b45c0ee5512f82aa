// Values derived from one loaded state (settings, provider specs, env keys)
// are computed once per reload instead of once per request.
const memos = new WeakMap<object, Map<string, unknown>>();

export function memo<T>(owner: object, key: string, compute: () => T): T {
  let table = memos.get(owner);
  if (!table) memos.set(owner, (table = new Map()));
  if (!table.has(key)) table.set(key, compute());
  return table.get(key) as T;
}

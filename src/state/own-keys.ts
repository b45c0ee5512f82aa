// Records keyed by what users write (profile ids, provider ids, aliases, model
// ids) must treat every string as an ordinary key. A plain `{}` already "has"
// `constructor`, `toString`, `hasOwnProperty` … through Object.prototype, and
// `record["__proto__"] = value` replaces the record's prototype instead of
// storing an entry (so the entry silently vanishes, and is dropped on the next
// write). Every lookup, test and assignment with such a key goes through here.

type AnyRecord = Readonly<Record<string, unknown>>;

/** Whether `key` is the record's own entry (never something inherited from Object.prototype). */
export function hasOwnKey(record: AnyRecord | null | undefined, key: string): boolean {
  return record !== null && record !== undefined && Object.hasOwn(record, key);
}

/** The record's own entry under `key`, or undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record !== null && record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Stores `value` as an own entry, even under `__proto__`. */
export function setOwnValue<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** A constant table that answers only for its own keys: a frozen null-prototype copy of `entries`. */
export function lookupTable<R extends Readonly<Record<string, unknown>>>(entries: R): Readonly<R> {
  return Object.freeze(Object.assign(Object.create(null) as R, entries));
}

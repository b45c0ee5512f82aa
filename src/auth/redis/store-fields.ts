// An auth store as the hash fields of redis/keys.ts, and back. Writing goes
// through serializeStore (the same canonical document the JSON files get);
// reading goes through parseStoreText (the same validation, coercions and
// secret registration), so a store in Redis obeys every rule a file does: a
// field that is not JSON or a document that fails the schema is an error,
// never an empty store.
import { FileFormatError, OpenClawError } from "../../state/errors.ts";
import { setOwnValue } from "../../state/own-keys.ts";
import type { AuthStore } from "../store-schema.ts";
import { parseStoreText, serializeStore } from "../store.ts";

/** One hash per section; each value is JSON text. */
export interface StoreFields {
  profiles: Map<string, string>;
  usage: Map<string, string>;
  /** Every other top-level field (version, order, lastGood, unknown sections); `usageStats: {}` marks that the usage section exists. */
  doc: Map<string, string>;
}

const STORE_HINT = "Fix the keys with redis-cli (docs/scale-out.md has the layout); openclaw did not change them.";

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === "object" ? Object.entries(value) : [];
}

export function storeFields(store: AuthStore): StoreFields {
  // JSON.parse keeps a `__proto__` id as an ordinary own key.
  const canonical = JSON.parse(serializeStore(store)) as Record<string, unknown>;
  const fields: StoreFields = { profiles: new Map(), usage: new Map(), doc: new Map() };
  for (const [key, value] of entries(canonical)) {
    if (key === "profiles") for (const [id, credential] of entries(value)) fields.profiles.set(id, JSON.stringify(credential));
    else if (key === "usageStats") {
      fields.doc.set(key, "{}");
      for (const [id, stats] of entries(value)) fields.usage.set(id, JSON.stringify(stats));
    } else fields.doc.set(key, JSON.stringify(value));
  }
  return fields;
}

/** Redis's HGETALL reply (field, value, field, value, …) as a map. */
export function pairs(flat: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

function parseField(label: string, hash: string, field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not the text: it may be (part of) a secret.
    throw new FileFormatError(label, `Invalid auth store ${label}: field ${JSON.stringify(field)} of ${hash} is not JSON.`, STORE_HINT);
  }
}

/** The store the fields hold, validated like a file; `label` names it in errors. */
export async function storeFromFields(label: string, fields: StoreFields, hashes: { profiles: string; usage: string; doc: string }): Promise<AuthStore> {
  const doc: Record<string, unknown> = {};
  for (const [field, text] of fields.doc) setOwnValue(doc, field, parseField(label, hashes.doc, field, text));
  const profiles: Record<string, unknown> = {};
  for (const [id, text] of fields.profiles) setOwnValue(profiles, id, parseField(label, hashes.profiles, id, text));
  doc.profiles = profiles;
  if (fields.usage.size > 0 || "usageStats" in doc) {
    const usage: Record<string, unknown> = {};
    for (const [id, text] of fields.usage) setOwnValue(usage, id, parseField(label, hashes.usage, id, text));
    doc.usageStats = usage;
  }
  try {
    return await parseStoreText(label, JSON.stringify(doc));
  } catch (error) {
    if (error instanceof FileFormatError) throw new FileFormatError(label, error.message, STORE_HINT);
    throw error instanceof OpenClawError ? error : new OpenClawError(`Cannot read auth store ${label}: ${(error as Error).message}`);
  }
}

export interface FieldChanges {
  set: [string, string][];
  remove: string[];
}

export function fieldChanges(before: Map<string, string>, after: Map<string, string>): FieldChanges {
  const set = [...after].filter(([field, value]) => before.get(field) !== value);
  const remove = [...before.keys()].filter((field) => !after.has(field));
  return { set, remove };
}

export function isUnchanged(changes: FieldChanges[]): boolean {
  return changes.every((change) => change.set.length === 0 && change.remove.length === 0);
}

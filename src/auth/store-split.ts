// OpenClaw 2026.9 keeps an agent's credentials in two stores, a shared one and
// the agent's own (sqlite-layout.ts), and reads the agent's own entries over the
// shared ones. A change is made to that merged view and lands, entry by entry,
// where 2026.9 would put it: nothing else in either store moves.
import { FileFormatError } from "../state/errors.ts";
import { parseJsonText } from "../state/json-text.ts";
import { hasOwnKey, ownValue, setOwnValue } from "../state/own-keys.ts";
import { mergeStores, parseStoreText, serializeStore } from "./store.ts";
import type { AuthStore } from "./store-schema.ts";

type Section = "profiles" | "order" | "lastGood" | "usageStats";
const SECTIONS: readonly Section[] = ["profiles", "order", "lastGood", "usageStats"];
const STATE_SECTIONS: readonly Section[] = ["order", "lastGood", "usageStats"];

export interface SplitStores {
  shared: AuthStore;
  /** The agent's own store, when it has one apart from the shared store. */
  own: AuthStore | undefined;
}

export interface SplitRules {
  /** A new or replaced credential goes to the agent's own store (any agent but the default one) or the shared store. */
  credentialsToOwn: boolean;
}

function sectionOf(store: AuthStore, section: Section): Record<string, unknown> {
  return (store[section] as Record<string, unknown> | undefined) ?? {};
}

function setEntry(store: AuthStore, section: Section, key: string, value: unknown): void {
  const map = (store[section] ??= {} as never) as Record<string, unknown>;
  setOwnValue(map, key, value);
}

function deleteEntry(store: AuthStore | undefined, section: Section, key: string): void {
  const map = store?.[section] as Record<string, unknown> | undefined;
  if (!map || !hasOwnKey(map, key)) return;
  delete map[key];
  if (Object.keys(map).length === 0 && section !== "profiles") delete store![section];
}

/** The agent's view: its own entries over the shared ones (2026.9 mergeAuthProfileStores). */
export function mergedView(stores: SplitStores): AuthStore {
  if (!stores.own) return stores.shared;
  const merged = mergeStores(stores.shared, stores.own);
  // mergeStores leaves a section neither store has as `undefined`: the view has no such key, as a store read alone has none.
  for (const section of STATE_SECTIONS) if (merged[section] === undefined) delete merged[section];
  return merged;
}

/**
 * Applies the difference between `before` (the merged view the change started
 * from) and `after` to the two stores, in place. A removed entry leaves the
 * agent's own store if it is there (and, for the default agent, the shared one too),
 * else the shared store.
 * Changed entries go to the store that held them when it is the agent's own;
 * otherwise credentials follow `rules`, order goes to the agent's own store
 * (2026.9 keeps the order per agent), and usage and lastGood follow the
 * credential they are about.
 */
export function applySplit(stores: SplitStores, before: AuthStore, after: AuthStore, rules: SplitRules): void {
  const { shared, own } = stores;
  const holder = (profileId: string): AuthStore => (own && hasOwnKey(own.profiles, profileId) ? own : shared);
  const place = (section: Section, key: string, value: unknown): AuthStore => {
    if (!own) return shared;
    if (hasOwnKey(sectionOf(own, section), key)) return own;
    if (section === "profiles") return rules.credentialsToOwn ? own : shared;
    if (section === "order") return own;
    if (section === "usageStats") return holder(key);
    return typeof value === "string" ? holder(value) : shared; // lastGood: provider → profile id
  };
  for (const section of SECTIONS) {
    const was = sectionOf(before, section);
    const now = sectionOf(after, section);
    for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (!hasOwnKey(now, key)) {
        // Another agent removes only its own entry (2026.9 removes from the owning store): the
        // shared one, which every agent uses, stays. The default agent's credentials are the shared ones.
        if (rules.credentialsToOwn && own && hasOwnKey(sectionOf(own, section), key)) deleteEntry(own, section, key);
        else {
          deleteEntry(shared, section, key);
          deleteEntry(own, section, key);
        }
        continue;
      }
      const value = ownValue(now, key);
      if (hasOwnKey(was, key) && JSON.stringify(ownValue(was, key)) === JSON.stringify(value)) continue;
      const target = place(section, key, value);
      setEntry(target, section, key, structuredClone(value));
      // An entry in the agent's own store would hide the new shared one.
      if (target === shared) deleteEntry(own, section, key);
    }
  }
  // Top-level fields this version does not know: kept where they were, new ones where a new credential would go.
  const fields = (store: AuthStore) => Object.keys(store).filter((key) => key !== "version" && !(SECTIONS as readonly string[]).includes(key));
  for (const key of new Set([...fields(before), ...fields(after)])) {
    const stores = [shared, ...(own ? [own] : [])] as Record<string, unknown>[];
    if (!hasOwnKey(after, key)) {
      for (const store of stores) delete store[key];
      continue;
    }
    const value = ownValue(after as Record<string, unknown>, key);
    if (hasOwnKey(before, key) && JSON.stringify(ownValue(before as Record<string, unknown>, key)) === JSON.stringify(value)) continue;
    const target = (own && (hasOwnKey(own, key) || rules.credentialsToOwn) ? own : shared) as Record<string, unknown>;
    setOwnValue(target, key, structuredClone(value));
    if (target === shared && own) delete (own as Record<string, unknown>)[key];
  }
}

/** One store's two documents, as 2026.9 writes them: compact JSON, credentials `{version, profiles, …}` and state `{version, order?, lastGood?, usageStats?}`. */
export interface StoreDocuments {
  credentials: string;
  /** Undefined when there is no state to keep: 2026.9 deletes the row then. */
  state: string | undefined;
}

export interface StoreRows {
  credentials: string | undefined;
  state: string | undefined;
}

/**
 * Reads a store from its two rows. The state may also sit inside the
 * credentials document (older 2026.9 payloads); the state row wins per entry.
 * Unknown fields of the state document are kept in `stateExtras`.
 */
export async function readStoreRows(path: string, rows: StoreRows): Promise<{ store: AuthStore; stateExtras: Record<string, unknown> }> {
  const store = await parseStoreText(path, rows.credentials ?? '{"version":1,"profiles":{}}');
  const stateExtras: Record<string, unknown> = {};
  if (rows.state === undefined) return { store, stateExtras };
  let doc: unknown;
  try {
    doc = await parseJsonText(rows.state);
  } catch (error) {
    throw new FileFormatError(path, `Cannot read the auth state in ${path}: ${(error as Error).message}.`, STATE_HINT);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new FileFormatError(path, `Invalid auth state in ${path}: expected a JSON object.`, STATE_HINT);
  const { version: _version, order, lastGood, usageStats, ...extras } = doc as Record<string, unknown>;
  Object.assign(stateExtras, extras);
  // Checked by the store's own schema, as the parts of a store it is.
  const state = await parseStoreText(path, JSON.stringify({ version: 1, profiles: {}, order, lastGood, usageStats }));
  for (const section of STATE_SECTIONS) {
    for (const [key, value] of Object.entries(sectionOf(state, section))) setEntry(store, section, key, value);
  }
  return { store, stateExtras };
}

const STATE_HINT = "OpenClaw 2026.9's `openclaw doctor --fix` repairs its database; openclaw did not change it.";

export function storeDocuments(store: AuthStore, stateExtras: Record<string, unknown>): StoreDocuments {
  // serializeStore knows the credential rules (no plaintext beside a ref); its output is re-cut into the two documents.
  const full = JSON.parse(serializeStore(store)) as Record<string, unknown>;
  const credentials: Record<string, unknown> = {};
  const state: Record<string, unknown> = { version: full.version };
  let hasState = false;
  for (const [key, value] of Object.entries(full)) {
    if ((STATE_SECTIONS as readonly string[]).includes(key)) {
      // 2026.9 leaves an empty section out (serializeStore keeps `lastGood: {}` and `usageStats: {}` for the JSON file).
      if (value !== null && typeof value === "object" && Object.keys(value).length === 0) continue;
      setOwnValue(state, key, value);
      hasState = true;
    } else setOwnValue(credentials, key, value);
  }
  for (const [key, value] of Object.entries(stateExtras)) {
    setOwnValue(state, key, value);
    hasState = true;
  }
  return { credentials: JSON.stringify(credentials), state: hasState ? JSON.stringify(state) : undefined };
}

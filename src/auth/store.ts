// Reading and writing auth-profiles.json (spec §1.3–§1.5) with OpenClaw's
// tolerant load rules, but never its data loss: a file that does not parse or
// fails the schema is an error that names the file and the spot, and no write
// goes over it.
import { join } from "node:path";
import { FileFormatError } from "../state/errors.ts";
import { JsonContentError, parseJsonText, TextParseError } from "../state/json-text.ts";
import { matchesSchema } from "../state/json-schema-check.ts";
import { setOwnValue } from "../state/own-keys.ts";
import { AUTH_STORE_JSON_SCHEMA } from "../generated/schemas.ts";
import type { AuthStore, Credential } from "./store-schema.ts";
import { registerSecret } from "./redact.ts";
import { hiddenCharacterIdProblem } from "./store-checks.ts";

export const AUTH_PROFILE_FILENAME = "auth-profiles.json";
export const AUTH_STORE_VERSION = 1;

export function emptyStore(): AuthStore {
  return { version: AUTH_STORE_VERSION, profiles: {} };
}

export function authStorePath(agentDir: string): string {
  return join(agentDir, AUTH_PROFILE_FILENAME);
}

const STORE_HINT = "Fix the file by hand; openclaw did not change it.";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** OpenClaw's load-time coercions (spec §1.3), applied before validation. */
function coerceStoreDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc, version: doc.version === undefined ? AUTH_STORE_VERSION : Number(doc.version) };
  if (isPlainObject(doc.profiles)) {
    const profiles: Record<string, unknown> = {};
    for (const [id, entry] of Object.entries(doc.profiles)) {
      if (!isPlainObject(entry)) {
        setOwnValue(profiles, id, entry);
        continue;
      }
      // Users mix the store up with config `auth.profiles`: accept `mode` and `apiKey`.
      const { mode, apiKey, ...fixed } = entry;
      if (fixed.type === undefined && mode !== undefined) fixed.type = mode;
      else if (mode !== undefined) fixed.mode = mode;
      if (fixed.key === undefined && apiKey !== undefined) fixed.key = apiKey;
      else if (apiKey !== undefined) fixed.apiKey = apiKey;
      setOwnValue(profiles, id, fixed);
    }
    out.profiles = profiles;
  }
  if (isPlainObject(doc.order)) {
    const order: Record<string, unknown> = {};
    for (const [provider, list] of Object.entries(doc.order)) {
      if (!Array.isArray(list)) {
        setOwnValue(order, provider, list);
        continue;
      }
      const ids = list.map((id) => (typeof id === "string" ? id.trim() : id)).filter((id) => id !== "");
      if (ids.length > 0) setOwnValue(order, provider, ids);
    }
    out.order = order;
  }
  return out;
}

export function registerStoreSecrets(store: AuthStore): void {
  for (const credential of Object.values(store.profiles)) {
    if (credential.type === "api_key") registerSecret(credential.key);
    else if (credential.type === "token") registerSecret(credential.token);
    else {
      registerSecret(credential.access);
      registerSecret(credential.refresh);
    }
  }
}

/** Parses the text of an auth store; throws FileFormatError naming `path` and the problem. */
export async function parseStoreText(path: string, text: string): Promise<AuthStore> {
  let doc: unknown;
  try {
    doc = await parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonContentError) throw new FileFormatError(path, `Invalid auth store ${path}: ${error.message}.`, STORE_HINT);
    const reason = error instanceof TextParseError ? error.message : String(error);
    throw new FileFormatError(path, `Cannot read auth store ${path}: ${reason}.`, STORE_HINT);
  }
  if (!isPlainObject(doc)) throw new FileFormatError(path, `Invalid auth store ${path}: expected a JSON object at the top level.`, STORE_HINT);
  const coerced = coerceStoreDocument(doc);
  const store = matchesSchema(AUTH_STORE_JSON_SCHEMA, coerced) ? (coerced as AuthStore) : await explainInvalidStore(path, coerced);
  const hiddenId = hiddenCharacterIdProblem(store);
  if (hiddenId) throw new FileFormatError(path, `Invalid auth store ${path}: ${hiddenId}.`, STORE_HINT);
  registerStoreSecrets(store);
  return store;
}

/** zod is loaded only here, to say what is wrong with a store the quick check refused. */
async function explainInvalidStore(path: string, coerced: Record<string, unknown>): Promise<AuthStore> {
  const [{ AuthStoreSchema }, { formatIssues }] = await Promise.all([import("./store-schema.ts"), import("../state/schema-errors.ts")]);
  const result = AuthStoreSchema.safeParse(coerced);
  // The document itself, not zod's copy: zod leaves out a `__proto__` key, which is a profile id like any other.
  if (result.success) return coerced as AuthStore;
  const problems = formatIssues(result.error.issues, coerced, 3).join("; ");
  throw new FileFormatError(path, `Invalid auth store ${path}: ${problems}.`, STORE_HINT);
}

/** A profile's secret must not also be written in plaintext when it has a ref (spec §1.5). */
function withoutShadowedSecrets(profiles: Record<string, Credential>): Record<string, Credential> {
  const out: Record<string, Credential> = {};
  for (const [id, credential] of Object.entries(profiles)) {
    if (credential.type === "api_key" && credential.keyRef && credential.key !== undefined) {
      const { key: _dropped, ...rest } = credential;
      setOwnValue(out, id, rest as Credential);
    } else if (credential.type === "token" && credential.tokenRef && credential.token !== undefined) {
      const { token: _dropped, ...rest } = credential;
      setOwnValue(out, id, rest as Credential);
    } else setOwnValue(out, id, credential);
  }
  return out;
}

/** The file's exact text: known keys in OpenClaw's order, then any others, 2-space indent, newline. */
export function serializeStore(store: AuthStore): string {
  const { version: _version, profiles, order, lastGood, usageStats, ...unknownFields } = store;
  const doc: Record<string, unknown> = { version: AUTH_STORE_VERSION, profiles: withoutShadowedSecrets(profiles) };
  if (order && Object.keys(order).length > 0) doc.order = order;
  if (lastGood) doc.lastGood = lastGood;
  if (usageStats) doc.usageStats = usageStats;
  return JSON.stringify({ ...doc, ...unknownFields }, null, 2) + "\n";
}

/** A sub-agent sees the primary agent's profiles read-through; its own entries win (spec §1.4 step 3). */
export function mergeStores(primary: AuthStore, own: AuthStore): AuthStore {
  return {
    ...primary,
    ...own,
    version: Math.max(primary.version, own.version),
    profiles: { ...primary.profiles, ...own.profiles },
    order: primary.order || own.order ? { ...primary.order, ...own.order } : undefined,
    lastGood: primary.lastGood || own.lastGood ? { ...primary.lastGood, ...own.lastGood } : undefined,
    usageStats: primary.usageStats || own.usageStats ? { ...primary.usageStats, ...own.usageStats } : undefined,
  };
}

// Stores from before auth-profiles.json (spec §1.4 step 2c): the flat
// `<agentDir>/auth.json` and `<state>/credentials/oauth.json`. They are read
// only when the agent has no auth-profiles.json yet. OpenClaw deletes auth.json
// after importing it; we keep it as `auth.json.migrated`.
import { join } from "node:path";
import { rename } from "node:fs/promises";
import { FileFormatError, errnoCode } from "../state/errors.ts";
import { parseJsonText, TextParseError } from "../state/json-text.ts";
import { readTextIfExists } from "../state/safe-file.ts";
import { hiddenCharactersProblem } from "../state/hidden-characters.ts";
import { hasOwnKey, ownValue, setOwnValue } from "../state/own-keys.ts";
import type { AuthStore, Credential } from "./store-schema.ts";
import { matchesSchema } from "../state/json-schema-check.ts";
import { CREDENTIAL_JSON_SCHEMA } from "../generated/schemas.ts";
import { registerStoreSecrets } from "./store.ts";

export const LEGACY_AUTH_FILENAME = "auth.json";

const KEPT_FIELDS: Record<Credential["type"], readonly string[]> = {
  api_key: ["key", "email"],
  token: ["token", "expires", "email"],
  oauth: ["access", "refresh", "expires", "enterpriseUrl", "projectId", "accountId", "email"],
};

async function readLegacyMap(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = await parseJsonText(text);
  } catch (error) {
    const reason = error instanceof TextParseError ? error.message : String(error);
    throw new FileFormatError(path, `Cannot import legacy credentials from ${path}: ${reason}.`, LEGACY_HINT);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return undefined;
  return doc as Record<string, unknown>;
}

const LEGACY_HINT = "Fix or move the file away; openclaw did not change it.";

/** The `<provider>:default` id an entry becomes; refused if it hides characters (state/hidden-characters.ts). */
function legacyProfileId(provider: string, path: string): string {
  const id = `${provider.trim()}:default`;
  const problem = hiddenCharactersProblem(id);
  if (problem) throw new FileFormatError(path, `Cannot import legacy credentials from ${path}: ${problem}.`, LEGACY_HINT);
  return id;
}

function pick(entry: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (entry[field] !== undefined) out[field] = entry[field];
  return out;
}

export interface LegacyImport {
  store: AuthStore;
  /** Files whose entries were imported. */
  sources: string[];
  /** The agent's auth.json, when it was imported (to be kept as `.migrated`). */
  authJsonPath?: string;
}

/**
 * Builds the store an agent without auth-profiles.json starts from; undefined if nothing to import.
 * `oauthJsonPath` undefined: the agent's own auth.json only (doctor imports oauth.json into the default agent alone).
 */
export async function importLegacyStores(agentDir: string, oauthJsonPath: string | undefined, base: AuthStore): Promise<LegacyImport | undefined> {
  const store: AuthStore = { ...base, profiles: { ...base.profiles } };
  const sources: string[] = [];
  const authJsonPath = join(agentDir, LEGACY_AUTH_FILENAME);
  const flat = await readLegacyMap(authJsonPath);
  let importedAuthJson = false;
  for (const [provider, raw] of Object.entries(flat ?? {})) {
    if (raw === null || typeof raw !== "object") continue;
    const entry = raw as Record<string, unknown>;
    const type = entry.type;
    if (typeof type !== "string" || !hasOwnKey(KEPT_FIELDS, type)) continue;
    const credential = { type, provider: provider.trim(), ...pick(entry, KEPT_FIELDS[type as Credential["type"]]) };
    if (!matchesSchema(CREDENTIAL_JSON_SCHEMA, credential)) continue;
    setOwnValue(store.profiles, legacyProfileId(provider, authJsonPath), credential as Credential);
    importedAuthJson = true;
  }
  if (importedAuthJson) sources.push(authJsonPath);

  const oauth = oauthJsonPath === undefined ? undefined : await readLegacyMap(oauthJsonPath);
  let importedOAuth = false;
  for (const [provider, raw] of Object.entries(oauth ?? {})) {
    const id = legacyProfileId(provider, oauthJsonPath!);
    if (raw === null || typeof raw !== "object" || ownValue(store.profiles, id)) continue;
    const credential = { ...(raw as Record<string, unknown>), type: "oauth", provider: provider.trim() };
    if (!matchesSchema(CREDENTIAL_JSON_SCHEMA, credential)) continue;
    setOwnValue(store.profiles, id, credential as Credential);
    importedOAuth = true;
  }
  if (importedOAuth) sources.push(oauthJsonPath!);

  if (sources.length === 0) return undefined;
  registerStoreSecrets(store);
  return importedAuthJson ? { store, sources, authJsonPath } : { store, sources };
}

/** Keeps the imported auth.json beside the store instead of deleting it. */
export async function retireLegacyAuthJson(path: string): Promise<void> {
  try {
    await rename(path, `${path}.migrated`);
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw error;
  }
}

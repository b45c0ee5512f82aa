// The config side of a credential (spec §2.2): `auth.profiles[id]` holds
// provider and mode (never the secret), and `auth.order[provider]` lists ids.
import type { ConfigDocument } from "../state/config.ts";
import type { AuthMode } from "../state/config-schema.ts";
import { ownValue, setOwnValue } from "../state/own-keys.ts";
import { normalizeProviderId } from "./provider-id.ts";

function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = ownValue(parent, key);
  if (existing !== null && typeof existing === "object" && !Array.isArray(existing)) return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  setOwnValue(parent, key, created);
  return created;
}

export interface ProfileMetadata {
  profileId: string;
  provider: string;
  mode: AuthMode;
  email?: string;
}

/** OpenClaw's applyAuthProfileConfig: upsert metadata; move to the front of an order that already exists. */
export function applyAuthProfileConfig(doc: ConfigDocument, meta: ProfileMetadata): void {
  const auth = objectAt(doc, "auth");
  const profiles = objectAt(auth, "profiles");
  const previous = ownValue(profiles, meta.profileId);
  const entry: Record<string, unknown> = previous !== null && typeof previous === "object" ? { ...(previous as object) } : {};
  entry.provider = meta.provider;
  entry.mode = meta.mode;
  if (meta.email) entry.email = meta.email;
  setOwnValue(profiles, meta.profileId, entry);
  const order = auth.order as Record<string, unknown> | undefined;
  if (!order || typeof order !== "object") return;
  const key = Object.keys(order).find((candidate) => normalizeProviderId(candidate) === normalizeProviderId(meta.provider));
  if (key === undefined || !Array.isArray(order[key])) return;
  order[key] = [meta.profileId, ...(order[key] as unknown[]).filter((id) => id !== meta.profileId)];
}

/** Removes a profile's metadata and its entries in `auth.order`; drops what becomes empty. */
export function removeAuthProfileConfig(doc: ConfigDocument, profileId: string): void {
  const auth = doc.auth as Record<string, unknown> | undefined;
  if (!auth || typeof auth !== "object") return;
  const profiles = auth.profiles as Record<string, unknown> | undefined;
  if (profiles && typeof profiles === "object") {
    delete profiles[profileId];
    if (Object.keys(profiles).length === 0) delete auth.profiles;
  }
  const order = auth.order as Record<string, unknown> | undefined;
  if (order && typeof order === "object") {
    for (const [provider, list] of Object.entries(order)) {
      if (!Array.isArray(list)) continue;
      const kept = list.filter((id) => id !== profileId);
      if (kept.length > 0) order[provider] = kept;
      else delete order[provider];
    }
    if (Object.keys(order).length === 0) delete auth.order;
  }
  if (Object.keys(auth).length === 0) delete doc.auth;
}

/** Adds `auth.profiles[id]` when the config has none (a credential copied in by `state pull`); an existing entry and the order stay as they are. */
export function addMissingProfileConfig(doc: ConfigDocument, meta: ProfileMetadata): boolean {
  const existing = (doc.auth as Record<string, unknown> | undefined)?.profiles as Record<string, unknown> | undefined;
  if (existing && typeof existing === "object" && ownValue(existing, meta.profileId) !== undefined) return false;
  const profiles = objectAt(objectAt(doc, "auth"), "profiles");
  const entry: Record<string, unknown> = { provider: meta.provider, mode: meta.mode };
  if (meta.email) entry.email = meta.email;
  setOwnValue(profiles, meta.profileId, entry);
  return true;
}

// Order entries that name a profile the store does not have: left by a hand
// edit, or by removing a profile with another tool. resolveProfileOrder skips
// them (and falls through to the next list when none is left); this says which
// ones, so `models status` and the gateway can warn instead of staying silent.
import type { OpenClawConfig } from "../state/config-schema.ts";
import type { StateEra } from "../state/paths.ts";
import { escapeHiddenCharacters } from "../state/hidden-characters.ts";
import { hasOwnKey } from "../state/own-keys.ts";
import { normalizeProviderId } from "./provider-id.ts";
import type { AuthStore } from "./store-schema.ts";

export interface DanglingOrderEntry {
  /** `store`: `order` in the auth store; `config`: `auth.order` in openclaw.json. */
  source: "store" | "config";
  /** The provider key as written in the file. */
  providerKey: string;
  profileId: string;
}

function danglingIn(order: Record<string, unknown> | undefined, store: AuthStore, source: DanglingOrderEntry["source"]): DanglingOrderEntry[] {
  const found: DanglingOrderEntry[] = [];
  for (const [providerKey, ids] of Object.entries(order ?? {})) {
    if (!Array.isArray(ids)) continue;
    for (const profileId of ids) {
      if (typeof profileId === "string" && !hasOwnKey(store.profiles, profileId)) found.push({ source, providerKey, profileId });
    }
  }
  return found;
}

/** Every order entry, in the store and in the config, that names no stored profile. Pure. */
export function danglingOrderEntries(store: AuthStore, config: OpenClawConfig): DanglingOrderEntry[] {
  return [...danglingIn(store.order, store, "store"), ...danglingIn(config.auth?.order, store, "config")];
}

/**
 * One line for a warning: where the entry is, that it is skipped, and how to fix it.
 * `storeName` names the store: the file in the JSON era, or OpenClaw 2026.9's database rows.
 */
export function describeDanglingOrderEntry(entry: DanglingOrderEntry, storeName = "auth-profiles.json"): string {
  const provider = normalizeProviderId(entry.providerKey);
  const text =
    entry.source === "store"
      ? `order.${entry.providerKey} in ${storeName} names ${entry.profileId}, which is not a stored profile; it is skipped. ` +
        `Fix: openclaw models auth order set --provider ${provider} <profile ids> (or order clear --provider ${provider})`
      : `auth.order.${entry.providerKey} in openclaw.json names ${entry.profileId}, which is not a stored profile; it is skipped. ` +
        `Fix: remove it from auth.order.${entry.providerKey} in openclaw.json`;
  return escapeHiddenCharacters(text);
}

/** What the warning calls the store an order lives in, per state era. */
export function orderStoreName(era: StateEra): string {
  return era === "sqlite" ? "the auth state (OpenClaw 2026.9 database)" : "auth-profiles.json";
}

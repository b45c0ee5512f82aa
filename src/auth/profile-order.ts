// Which credentials of a provider to try, in which order (spec §6.1,
// resolveAuthProfileOrder). Pure: it reads the store and config and changes
// neither. Expired windows already count as over here; dropping them from the
// file is clearExpiredCooldowns' job, done by whoever holds the store's lock.
import type { AuthMode, OpenClawConfig } from "../state/config-schema.ts";
import { hasOwnKey, ownValue } from "../state/own-keys.ts";
import { profileAvailability } from "./cooldown.ts";
import { normalizeProviderId } from "./provider-id.ts";
import type { AuthStore, Credential, CredentialType } from "./store-schema.ts";

export interface CoolingProfile {
  profileId: string;
  until: number;
  reason?: string;
  scope: "profile" | "model";
}

export interface ProfileOrder {
  /** Every usable profile: available ones first, then cooling ones by soonest `until`. */
  ordered: string[];
  /** The tail of `ordered` that is cooling down or disabled (for this model). */
  coolingDown: CoolingProfile[];
}

export interface ProfileOrderInput {
  config: OpenClawConfig;
  store: AuthStore;
  provider: string;
  /** The provider's model id; a per-model rate limit only hides the profile for that model. */
  model?: string;
  now: number;
  preferredProfile?: string;
}

/** The value under a provider key, comparing keys the way OpenClaw does (normalised). */
function forProvider<T>(record: Record<string, T> | undefined, provider: string): T | undefined {
  if (!record) return undefined;
  if (Object.hasOwn(record, provider)) return record[provider];
  const key = Object.keys(record).find((candidate) => normalizeProviderId(candidate) === provider);
  return key === undefined ? undefined : record[key];
}

/** 2026.2.26 treats oauth and token as interchangeable: both are bearer tokens to the provider. */
function modeFitsType(mode: AuthMode, type: CredentialType): boolean {
  const bearer = (value: string) => value === "oauth" || value === "token";
  return mode === type || (bearer(mode) && bearer(type));
}

function hasText(value: string | undefined): boolean {
  return typeof value === "string" && value.trim() !== "";
}

/** Whether the stored secret can be used at all (not whether the provider will accept it). */
function hasUsableSecret(credential: Credential, now: number): boolean {
  switch (credential.type) {
    case "api_key":
      return hasText(credential.key) || credential.keyRef !== undefined;
    case "token": {
      const expires = credential.expires;
      const expired = typeof expires === "number" && Number.isFinite(expires) && expires > 0 && now >= expires;
      return (hasText(credential.token) || credential.tokenRef !== undefined) && !expired;
    }
    case "oauth":
      // An expired access token still counts as a profile of this provider: the gateway refreshes
      // it at use time when it can (gateway/oauth-access.ts), and skips it when it cannot.
      return hasText(credential.access) || hasText(credential.refresh);
  }
}

function isEligible(input: ProfileOrderInput, provider: string, profileId: string): boolean {
  const credential = ownValue(input.store.profiles, profileId);
  if (!credential || normalizeProviderId(credential.provider) !== provider) return false;
  const metadata = ownValue(input.config.auth?.profiles, profileId);
  if (metadata && (normalizeProviderId(metadata.provider) !== provider || !modeFitsType(metadata.mode, credential.type))) return false;
  return hasUsableSecret(credential, input.now);
}

function storeProfilesOf(store: AuthStore, provider: string): string[] {
  return Object.keys(store.profiles).filter((id) => normalizeProviderId(store.profiles[id]!.provider) === provider);
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/**
 * An explicit order without the ids the store lacks (a hand edit, or a profile
 * removed by another tool); undefined when none is left, so the next base list
 * applies instead of nothing at all. OpenClaw 2026.2.26 keeps them and then
 * has no credential to offer; danglingOrderEntries() says which were skipped.
 */
function storedIds(list: string[] | undefined, store: AuthStore): string[] | undefined {
  return nonEmpty(list?.filter((id) => hasOwnKey(store.profiles, id)));
}

interface Candidates {
  ids: string[];
  explicit: boolean;
}

/** Steps 2–5: the base list, filtered, drift-repaired and deduplicated. */
function candidateIds(input: ProfileOrderInput, provider: string): Candidates {
  // An empty list is treated as absent, as the store loader does for `order`.
  const explicitOrder = storedIds(forProvider(input.store.order, provider), input.store) ?? storedIds(forProvider(input.config.auth?.order, provider), input.store);
  const configured = Object.entries(input.config.auth?.profiles ?? {})
    .filter(([, metadata]) => normalizeProviderId(metadata.provider) === provider)
    .map(([id]) => id);
  const base = explicitOrder ?? (configured.length > 0 ? configured : storeProfilesOf(input.store, provider));
  let ids = base.filter((id) => isEligible(input, provider, id));
  // Drift repair: the config names profiles the store no longer has (e.g. a re-login under a new id).
  if (ids.length === 0 && configured.length > 0 && base.every((id) => ownValue(input.store.profiles, id) === undefined)) {
    ids = storeProfilesOf(input.store, provider).filter((id) => isEligible(input, provider, id));
  }
  return { ids: [...new Set(ids)], explicit: explicitOrder !== undefined };
}

const TYPE_RANK: Record<CredentialType, number> = { oauth: 0, token: 1, api_key: 2 };

/** Round-robin: oauth before token before api_key, then the least recently used. lastGood is not used. */
function roundRobin(ids: string[], store: AuthStore): string[] {
  const rank = (id: string) => TYPE_RANK[store.profiles[id]!.type];
  const lastUsed = (id: string) => store.usageStats?.[id]?.lastUsed ?? 0;
  return [...ids].sort((a, b) => rank(a) - rank(b) || lastUsed(a) - lastUsed(b));
}

function moveToFront<T>(list: T[], matches: (item: T) => boolean): T[] {
  const index = list.findIndex(matches);
  return index <= 0 ? list : [list[index]!, ...list.slice(0, index), ...list.slice(index + 1)];
}

export function resolveProfileOrder(input: ProfileOrderInput): ProfileOrder {
  const provider = normalizeProviderId(input.provider);
  const { ids, explicit } = candidateIds(input, provider);
  const available: string[] = [];
  let coolingDown: CoolingProfile[] = [];
  for (const profileId of ids) {
    const availability = profileAvailability(input.store, profileId, input.store.profiles[profileId]!.provider, input.model, input.now);
    if (availability.usable) available.push(profileId);
    else coolingDown.push({ profileId, until: availability.until, scope: availability.scope, ...(availability.reason ? { reason: availability.reason } : {}) });
  }
  coolingDown.sort((a, b) => a.until - b.until);
  let ready = explicit ? available : roundRobin(available, input.store);
  // The preferred profile leads its own group: a cooling one never jumps ahead of a usable one,
  // so callers can walk `ordered` front to back.
  const preferred = input.preferredProfile;
  if (preferred !== undefined) {
    ready = moveToFront(ready, (id) => id === preferred);
    coolingDown = moveToFront(coolingDown, (entry) => entry.profileId === preferred);
  }
  return { ordered: [...ready, ...coolingDown.map((entry) => entry.profileId)], coolingDown };
}

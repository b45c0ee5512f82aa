// Merging one agent's auth store into another copy of it, for `openclaw state
// push` / `pull` (docs/scale-out.md "Copying a store"). Per profile, never
// overwriting a newer credential, and never dropping what the destination
// holds: a profile the rule cannot decide is a conflict, reported and left as
// the destination has it unless the user asks for the source's (--prefer-source).
//
// "Newer": two credentials of the same type that both carry `expires` (OAuth,
// tokens with an expiry) are ordered by it; the later one is newer. Anything
// else that differs (API keys, tokens without expiry, equal expiries with other
// content, a type change) has no "newer": it is a conflict.
import { hasOwnKey, ownValue, setOwnValue } from "../state/own-keys.ts";
import type { AuthStore, Credential, UsageStats } from "./store-schema.ts";

export type SyncOutcome =
  /** The destination had no such profile. */
  | "added"
  /** The source's credential expires later and replaced the destination's. */
  | "updated"
  /** Both hold the same credential. */
  | "unchanged"
  /** The destination's credential expires later (or at the same time): kept. */
  | "kept-newer"
  /** They differ and neither is newer: the destination's is kept. */
  | "conflict"
  /** They differ, neither is newer, and --prefer-source replaced the destination's. */
  | "replaced";

export interface ProfileSync {
  profileId: string;
  outcome: SyncOutcome;
  source: Credential;
  /** The destination's credential before the merge, when it had the profile. */
  destination?: Credential;
  /** The profile's usage (cooldowns, last use) changed in the destination. */
  usageMerged: boolean;
}

export interface SyncOptions {
  /** Conflicts take the source's credential instead of keeping the destination's. */
  preferSource?: boolean;
}

/** JSON with object keys sorted: equal for the same content whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

function expiryOf(credential: Credential): number | undefined {
  if (credential.type === "api_key") return undefined;
  return typeof credential.expires === "number" && Number.isFinite(credential.expires) ? credential.expires : undefined;
}

/** What happens to one profile both stores hold (without --prefer-source). */
export function compareCredentials(source: Credential, destination: Credential): "unchanged" | "updated" | "kept-newer" | "conflict" {
  if (canonical(source) === canonical(destination)) return "unchanged";
  const [sourceExpiry, destinationExpiry] = [expiryOf(source), expiryOf(destination)];
  if (source.type === destination.type && sourceExpiry !== undefined && destinationExpiry !== undefined && sourceExpiry !== destinationExpiry) {
    return sourceExpiry > destinationExpiry ? "updated" : "kept-newer";
  }
  return "conflict";
}

const LATER_TIMESTAMPS = ["lastUsed", "lastFailureAt", "cooldownUntil"] as const;

function later(a: unknown, b: unknown): number | undefined {
  const values = [a, b].filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  return values.length > 0 ? Math.max(...values) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The destination's usage of one profile, with the source's later windows:
 * the later `lastUsed`, `lastFailureAt`, `cooldownUntil`, `disabledUntil` (with
 * its reason) and per-model cooldown. Counts stay the destination's.
 */
export function mergeUsage(source: UsageStats, destination: UsageStats): UsageStats {
  const merged: UsageStats = { ...destination };
  for (const field of LATER_TIMESTAMPS) {
    const value = later(source[field], destination[field]);
    if (value !== undefined) merged[field] = value;
  }
  if (typeof source.disabledUntil === "number" && !(typeof destination.disabledUntil === "number" && destination.disabledUntil >= source.disabledUntil)) {
    merged.disabledUntil = source.disabledUntil;
    if (source.disabledReason !== undefined) merged.disabledReason = source.disabledReason;
  }
  const sourceModels = source.modelCooldowns;
  if (isRecord(sourceModels)) {
    const models: Record<string, unknown> = isRecord(destination.modelCooldowns) ? { ...destination.modelCooldowns } : {};
    for (const [model, entry] of Object.entries(sourceModels)) {
      const mine = ownValue(models, model);
      const theirUntil = isRecord(entry) ? entry.until : undefined;
      const myUntil = isRecord(mine) ? mine.until : undefined;
      if (mine === undefined || (typeof theirUntil === "number" && !(typeof myUntil === "number" && myUntil >= theirUntil))) setOwnValue(models, model, entry);
    }
    merged.modelCooldowns = models;
  }
  return merged;
}

function mergeProfileUsage(source: AuthStore, destination: AuthStore, profileId: string): boolean {
  const theirs = ownValue(source.usageStats, profileId);
  if (!theirs) return false;
  const mine = ownValue(destination.usageStats, profileId);
  const next = mine ? mergeUsage(theirs, mine) : structuredClone(theirs);
  if (mine && canonical(next) === canonical(mine)) return false;
  destination.usageStats ??= {};
  setOwnValue(destination.usageStats, profileId, next);
  return true;
}

function replaceProfileUsage(source: AuthStore, destination: AuthStore, profileId: string): boolean {
  const theirs = ownValue(source.usageStats, profileId);
  const mine = ownValue(destination.usageStats, profileId);
  if (canonical(theirs ?? null) === canonical(mine ?? null)) return false;
  if (theirs) {
    destination.usageStats ??= {};
    setOwnValue(destination.usageStats, profileId, structuredClone(theirs));
  } else delete destination.usageStats![profileId];
  return true;
}

/** Copies the entries of a provider-keyed section (`order`, `lastGood`) the destination has none for. */
function fillMissing<T>(source: Record<string, T> | undefined, destination: AuthStore, section: "order" | "lastGood"): void {
  if (!source) return;
  for (const [provider, value] of Object.entries(source)) {
    const target = (destination[section] ?? {}) as Record<string, T>;
    if (hasOwnKey(target, provider)) continue;
    setOwnValue(target, provider, structuredClone(value));
    (destination as Record<string, unknown>)[section] = target;
  }
}

/**
 * Merges `source` into `destination` in place (the destination is the store
 * inside a backend `update`, or a copy of it for a dry run) and says what
 * happened to each of the source's profiles. Profiles only the destination has
 * are left alone.
 */
export function mergeStoreInto(source: AuthStore, destination: AuthStore, options: SyncOptions = {}): ProfileSync[] {
  const results: ProfileSync[] = [];
  for (const [profileId, credential] of Object.entries(source.profiles)) {
    const existing = ownValue(destination.profiles, profileId);
    let outcome: SyncOutcome = existing ? compareCredentials(credential, existing) : "added";
    if (outcome === "conflict" && options.preferSource) outcome = "replaced";
    if (outcome === "added" || outcome === "updated" || outcome === "replaced") setOwnValue(destination.profiles, profileId, structuredClone(credential));
    // The usage of a credential the destination kept over a conflicting one is not the source's to merge;
    // a credential replaced by another one takes that one's usage (as storing a new credential does).
    const usageMerged = outcome === "conflict" ? false : outcome === "replaced" ? replaceProfileUsage(source, destination, profileId) : mergeProfileUsage(source, destination, profileId);
    results.push({ profileId, outcome, source: credential, ...(existing ? { destination: existing } : {}), usageMerged });
  }
  fillMissing(source.order, destination, "order");
  fillMissing(source.lastGood, destination, "lastGood");
  return results;
}

// Writing usage state after a request (spec §6.3): failure counts, cooldown
// and disable windows, success resets. Every function mutates the store it is
// given; the caller holds the lock and persists.
//
// Extension: a rate limit is usually per model, so with a model it is recorded
// in `usageStats[id].modelCooldowns[model]` and the profile keeps serving its
// other models. OpenClaw 2026.2.26 ignores the field (usageStats is open).
import type { OpenClawConfig } from "../state/config-schema.ts";
import { ownValue, setOwnValue } from "../state/own-keys.ts";
import type { FailureReason } from "./failure-reason.ts";
import { normalizeProviderId } from "./provider-id.ts";
import type { AuthStore, UsageStats } from "./store-schema.ts";
import { bypassesCooldown, unusableWindow, type UnusableWindow } from "./usage.ts";

export type CooldownConfig = NonNullable<OpenClawConfig["auth"]>["cooldowns"];

export interface ModelCooldown {
  until: number;
  reason?: string;
  errorCount?: number;
}

export type Availability = { usable: true } | { usable: false; until: number; reason?: string; scope: "profile" | "model" };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
// Upper bound on an upstream's Retry-After, so a garbage value cannot park a credential for a year.
const MAX_RETRY_AFTER_MS = 24 * HOUR_MS;

function isActive(until: number | undefined, now: number): until is number {
  return typeof until === "number" && Number.isFinite(until) && until > now;
}

function isModelCooldown(value: unknown): value is ModelCooldown {
  return value !== null && typeof value === "object" && typeof (value as ModelCooldown).until === "number";
}

/** The per-model cooldowns of a profile, ignoring entries that are not ours. */
const NO_MODEL_COOLDOWNS: Record<string, ModelCooldown> = Object.freeze({}) as Record<string, ModelCooldown>;

/** A profile's per-model cooldowns that are well-formed (read-only: a shared empty object when there are none). */
export function modelCooldownsOf(stats: UsageStats | undefined): Readonly<Record<string, ModelCooldown>> {
  const raw = stats?.modelCooldowns;
  // Checked on every request for every profile: no new object when there is nothing to filter.
  if (raw === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) return NO_MODEL_COOLDOWNS;
  return Object.fromEntries(Object.entries(raw).filter((entry): entry is [string, ModelCooldown] => isModelCooldown(entry[1])));
}

function statsFor(store: AuthStore, profileId: string): UsageStats {
  store.usageStats ??= {};
  const existing = ownValue(store.usageStats, profileId);
  if (existing) return existing;
  const created: UsageStats = {};
  setOwnValue(store.usageStats, profileId, created);
  return created;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** 1 min, 5 min, 25 min, then 1 h for the n-th failure. */
export function cooldownLadderMs(errorCount: number): number {
  const step = Math.min(Math.max(errorCount, 1) - 1, 3);
  return Math.min(HOUR_MS, MINUTE_MS * 5 ** step);
}

/** Billing and permanent-auth disables: 5 h doubling to a 24 h cap by default. */
export function disableBackoffMs(provider: string, failureCount: number, cooldowns: CooldownConfig): number {
  const byProvider = Object.entries(cooldowns?.billingBackoffHoursByProvider ?? {}).find(
    ([key]) => normalizeProviderId(key) === normalizeProviderId(provider),
  )?.[1];
  const baseMs = Math.max(MINUTE_MS, positiveOr(byProvider ?? cooldowns?.billingBackoffHours, 5) * HOUR_MS);
  const maxMs = Math.max(baseMs, positiveOr(cooldowns?.billingMaxHours, 24) * HOUR_MS);
  const exponent = Math.min(Math.max(failureCount, 1) - 1, 10);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

function clearExpiredModelCooldowns(stats: UsageStats, now: number): boolean {
  const all = modelCooldownsOf(stats);
  const active = Object.entries(all).filter(([, entry]) => isActive(entry.until, now));
  const hadField = "modelCooldowns" in stats;
  if (active.length === Object.keys(all).length && (!hadField || active.length > 0)) return false;
  if (active.length > 0) stats.modelCooldowns = Object.fromEntries(active);
  else delete stats.modelCooldowns;
  return true;
}

function hasActiveWindow(stats: UsageStats, now: number): boolean {
  if (isActive(stats.cooldownUntil, now) || isActive(stats.disabledUntil, now)) return true;
  return Object.values(modelCooldownsOf(stats)).some((entry) => isActive(entry.until, now));
}

function clearExpiredForProfile(stats: UsageStats, now: number): boolean {
  let changed = false;
  if (stats.cooldownUntil !== undefined && !isActive(stats.cooldownUntil, now)) {
    delete stats.cooldownUntil;
    changed = true;
  }
  if (stats.disabledUntil !== undefined && !isActive(stats.disabledUntil, now)) {
    delete stats.disabledUntil;
    delete stats.disabledReason;
    changed = true;
  }
  if (clearExpiredModelCooldowns(stats, now)) changed = true;
  // A window that ran out is a fresh start: the next failure climbs the ladder from its first step.
  if (changed && !hasActiveWindow(stats, now)) {
    stats.errorCount = 0;
    delete stats.failureCounts;
  }
  return changed;
}

/**
 * Removes windows that have run out; returns whether anything changed. Only for
 * a store being written under its lock: planning treats expired windows as over
 * without touching the store.
 */
export function clearExpiredCooldowns(store: AuthStore, now: number): boolean {
  let changed = false;
  for (const stats of Object.values(store.usageStats ?? {})) {
    if (clearExpiredForProfile(stats, now)) changed = true;
  }
  return changed;
}

export interface FailureRecord {
  profileId: string;
  provider: string;
  reason: FailureReason;
  model?: string;
  now: number;
  /** From the upstream's Retry-After; replaces the ladder for cooldowns (not for disables). */
  retryAfterMs?: number;
  cooldowns?: CooldownConfig;
}

function countFailure(stats: UsageStats, reason: FailureReason, now: number, cooldowns: CooldownConfig): void {
  const windowMs = positiveOr(cooldowns?.failureWindowHours, 24) * HOUR_MS;
  if (typeof stats.lastFailureAt === "number" && now - stats.lastFailureAt > windowMs) {
    stats.errorCount = 0;
    delete stats.failureCounts;
  }
  stats.errorCount = (stats.errorCount ?? 0) + 1;
  stats.failureCounts = { ...stats.failureCounts, [reason]: (stats.failureCounts?.[reason] ?? 0) + 1 };
  stats.lastFailureAt = now;
}

function cooldownLengthMs(errorCount: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return cooldownLadderMs(errorCount);
}

function recordModelCooldown(stats: UsageStats, model: string, input: FailureRecord): void {
  const all = modelCooldownsOf(stats);
  const previous = ownValue(all, model);
  const errorCount = (previous?.errorCount ?? 0) + 1;
  // An active window is immutable: retries during it count but cannot stretch it.
  const until = previous && isActive(previous.until, input.now) ? previous.until : input.now + cooldownLengthMs(errorCount, input.retryAfterMs);
  stats.modelCooldowns = { ...all, [model]: { until, reason: input.reason, errorCount } };
}

/** Counts a failure and opens the window it calls for (spec §6.3, plus per-model rate limits). */
export function recordFailure(store: AuthStore, input: FailureRecord): void {
  // OpenRouter balances its own upstreams; and a timeout (or a 5xx) is the network's or the
  // provider's moment, not this credential's: 2026.2.26 does not mark either.
  if (bypassesCooldown(input.provider) || input.reason === "timeout") return;
  const stats = statsFor(store, input.profileId);
  // Windows that ran out are over before this failure counts (the same on every copy of the store,
  // so the gateway's memory and the file climb the same ladder).
  clearExpiredForProfile(stats, input.now);
  countFailure(stats, input.reason, input.now, input.cooldowns);
  switch (input.reason) {
    case "format":
    case "model_not_found":
      // The request or the model id: another try with this credential may well work.
      return;
    case "billing":
    case "auth_permanent": {
      if (isActive(stats.disabledUntil, input.now)) return;
      const count = stats.failureCounts?.[input.reason] ?? 1;
      stats.disabledUntil = input.now + disableBackoffMs(input.provider, count, input.cooldowns);
      stats.disabledReason = input.reason;
      return;
    }
    case "rate_limit":
      if (input.model) return recordModelCooldown(stats, input.model, input);
      break;
  }
  if (isActive(stats.cooldownUntil, input.now)) return;
  stats.cooldownUntil = input.now + cooldownLengthMs(stats.errorCount ?? 1, input.retryAfterMs);
}

export interface SuccessRecord {
  profileId: string;
  provider: string;
  model?: string;
  now: number;
}

/** markAuthProfileUsed + markAuthProfileGood: the credential works, so its profile-wide windows go. */
export function recordSuccess(store: AuthStore, input: SuccessRecord): void {
  const stats = statsFor(store, input.profileId);
  clearExpiredForProfile(stats, input.now);
  // A success replayed late (a gateway that was cut off from the shared state) never moves it back.
  stats.lastUsed = Math.max(stats.lastUsed ?? 0, input.now);
  stats.errorCount = 0;
  // Most successes follow successes: nothing to clear, and no new objects per request.
  if (stats.failureCounts !== undefined) delete stats.failureCounts;
  if (stats.cooldownUntil !== undefined) delete stats.cooldownUntil;
  if (stats.disabledUntil !== undefined) delete stats.disabledUntil;
  if (stats.disabledReason !== undefined) delete stats.disabledReason;
  if (input.model !== undefined && stats.modelCooldowns !== undefined) {
    // Only this model is proven to work again; a sibling model's rate limit still stands.
    const { [input.model]: _cleared, ...others } = modelCooldownsOf(stats);
    if (Object.keys(others).length > 0) stats.modelCooldowns = others;
    else delete stats.modelCooldowns;
  }
  if (ownValue(store.lastGood, input.provider) !== input.profileId) store.lastGood = { ...store.lastGood, [input.provider]: input.profileId };
}

/** Whether a profile may serve `model` now; when not, until when and why. */
export function profileAvailability(store: AuthStore, profileId: string, provider: string, model: string | undefined, now: number): Availability {
  if (bypassesCooldown(provider)) return { usable: true };
  const stats = ownValue(store.usageStats, profileId);
  const window = unusableWindow(profileId, provider, stats, now);
  const modelWindow = model !== undefined ? ownValue(modelCooldownsOf(stats), model) : undefined;
  const activeModel = modelWindow && isActive(modelWindow.until, now) ? modelWindow : undefined;
  // Both may hold; the later one decides when the profile can serve this model again.
  if (activeModel && (!window || activeModel.until > window.until)) {
    return { usable: false, until: activeModel.until, scope: "model", ...(activeModel.reason ? { reason: activeModel.reason } : {}) };
  }
  if (window) return { usable: false, until: window.until, scope: "profile", ...(window.reason ? { reason: window.reason } : {}) };
  return { usable: true };
}

/** A profile's active per-model cooldowns, as windows for status and list. */
export function modelWindows(profileId: string, provider: string, stats: UsageStats | undefined, now: number): UnusableWindow[] {
  if (bypassesCooldown(provider)) return [];
  return Object.entries(modelCooldownsOf(stats))
    .filter(([, entry]) => isActive(entry.until, now))
    .map(([model, entry]) => ({ profileId, provider, kind: "cooldown", ...(entry.reason ? { reason: entry.reason } : {}), until: entry.until, remainingMs: entry.until - now, model }));
}

/**
 * Ends a profile's cooldown and disable windows, profile-wide and per model, by hand (the Control
 * UI's "Clear cooldown"). Like a window that ran out, it is a fresh start: the failure ladder goes
 * back to its first step. Everything else (last used, last failure) stays. Returns whether
 * anything changed.
 */
export function clearProfileWindows(store: AuthStore, profileId: string): boolean {
  const stats = ownValue(store.usageStats, profileId);
  if (!stats) return false;
  const fields = ["cooldownUntil", "disabledUntil", "disabledReason", "modelCooldowns", "failureCounts"] as const;
  let changed = false;
  for (const field of fields) {
    if (field in stats) {
      delete stats[field];
      changed = true;
    }
  }
  if (stats.errorCount !== undefined && stats.errorCount !== 0) {
    stats.errorCount = 0;
    changed = true;
  }
  return changed;
}

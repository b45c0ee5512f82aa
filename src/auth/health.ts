// How healthy a stored credential is (spec §3.1 "Health status per profile"),
// computed from the file alone: no network, no refresh.
//
// `status` is OpenClaw's value, and means "does this need you": an OAuth
// credential with a refresh token renews itself, so it is `ok` however its
// access token stands (the roll-up, `--check`, doctor, the auth monitor, the
// Control UI and the JSON all read `status` that way, as tools written for
// OpenClaw do). The access token's own state is kept beside it in `expiry`,
// so the human views can say `expiring (refreshable)` / `expired (refreshable)`.
import type { Credential, CredentialType } from "./store-schema.ts";

export type HealthStatus = "ok" | "expiring" | "expired" | "missing" | "static";

export const DEFAULT_WARN_MS = 24 * 60 * 60 * 1000;

export interface ProfileHealth {
  profileId: string;
  provider: string;
  type: CredentialType;
  status: HealthStatus;
  expiresAt?: number;
  remainingMs?: number;
  /** OAuth with a refresh token: it renews itself, so it never warns. */
  refreshable?: boolean;
  /** On refreshable profiles with an expiry: the access token's own state (`status` says `ok` for all three). */
  expiry?: ExpiryState;
}

export type ExpiryState = "ok" | "expiring" | "expired";

function statusFor(remainingMs: number, warnMs: number): ExpiryState {
  if (remainingMs <= 0) return "expired";
  if (remainingMs <= warnMs) return "expiring";
  return "ok";
}

function validExpiry(expires: number | undefined): expires is number {
  return typeof expires === "number" && Number.isFinite(expires) && expires > 0;
}

export function profileHealth(profileId: string, credential: Credential, now: number, warnMs = DEFAULT_WARN_MS): ProfileHealth {
  const base = { profileId, provider: credential.provider, type: credential.type };
  if (credential.type === "api_key") return { ...base, status: "static" };
  if (credential.type === "token") {
    if (!validExpiry(credential.expires)) return { ...base, status: "static" };
    const remainingMs = credential.expires - now;
    return { ...base, status: statusFor(remainingMs, warnMs), expiresAt: credential.expires, remainingMs };
  }
  const refreshable = Boolean(credential.refresh?.trim());
  if (!validExpiry(credential.expires)) return { ...base, status: "missing", ...(refreshable ? { refreshable } : {}) };
  const remainingMs = credential.expires - now;
  const expiry = statusFor(remainingMs, warnMs);
  return {
    ...base,
    status: refreshable ? "ok" : expiry,
    expiresAt: credential.expires,
    remainingMs,
    ...(refreshable ? { refreshable, expiry } : {}),
  };
}

export interface ProviderHealth {
  status: HealthStatus;
  expiresAt?: number;
  remainingMs?: number;
}

/** no profiles → missing; only static → static; any expired/missing → expired; any expiring → expiring. */
export function rollUpHealth(profiles: readonly ProfileHealth[], now: number): ProviderHealth {
  if (profiles.length === 0) return { status: "missing" };
  const expirable = profiles.filter((p) => p.status !== "static");
  let status: HealthStatus = "ok";
  if (expirable.length === 0) status = "static";
  else if (expirable.some((p) => p.status === "expired" || p.status === "missing")) status = "expired";
  else if (expirable.some((p) => p.status === "expiring")) status = "expiring";
  const expiries = profiles.map((p) => p.expiresAt).filter((e): e is number => e !== undefined);
  if (expiries.length === 0) return { status };
  const expiresAt = Math.min(...expiries);
  return { status, expiresAt, remainingMs: expiresAt - now };
}

/** OpenClaw's `formatRemainingShort`: `0m` when past, at least `1m`, then m / h (under 48 h) / d. */
export function formatRemainingShort(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "unknown";
  if (ms <= 0) return "0m";
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

export interface ExpiryPhrase {
  /** The status word: ok, expiring, expired, expiring (refreshable), expired (refreshable), unknown, static. */
  word: string;
  /** What follows it: `expires in 3h`, `2h ago`, `(no expiry recorded)`, or nothing. */
  detail: string;
}

/**
 * How status and list describe a profile's expiry. OpenClaw prints `ok expires in 0m`
 * for an expired refreshable OAuth token and `expired expires in 0m` for an expired
 * token; we print the access token's real state, and say when.
 */
export function expiryPhrase(health: ProfileHealth): ExpiryPhrase {
  const remaining = health.remainingMs;
  if (health.status === "static") return { word: "static", detail: "" };
  if (health.status === "missing") return { word: "unknown", detail: "(no expiry recorded)" };
  const state = health.expiry ?? health.status;
  // "(refreshable)" where the state would otherwise call for action: it renews itself when next used.
  const word = health.refreshable && state !== "ok" ? `${state} (refreshable)` : state;
  if (remaining !== undefined && remaining <= 0) return { word, detail: `${formatRemainingShort(-remaining)} ago` };
  return { word, detail: `expires in ${formatRemainingShort(remaining)}` };
}

// The usage a request leaves behind (a success, a failure with its cooldown),
// as the live state queues it for the store: tied to the credential it is
// about, so it never lands on a credential that replaced it, or re-creates a
// removed one. Also what /health says about these writes and the backend's link.
import type { AuthStore } from "../auth/store-schema.ts";
import { credentialFingerprint } from "../auth/fingerprint.ts";
import { ownValue } from "../state/own-keys.ts";

/** A usage record (success, failure) for one stored credential, applied to whichever copy of the store is current. */
export interface UsageChange {
  profileId: string;
  /** credentialFingerprint of the credential the request used. */
  fingerprint: string;
  /** The profile's provider (the provider's lastGood is part of what a success changes). */
  provider: string;
  kind: "success" | "failure";
  /** The provider's model id the request was for (a success clears that model's cooldown). */
  model?: string;
  apply(store: AuthStore): void;
}

/** A success whose effect on the file is wholly replaced by a later one (same credential, provider and model). */
export function supersedes(later: UsageChange, earlier: UsageChange | undefined): boolean {
  return (
    later.kind === "success" &&
    earlier?.kind === "success" &&
    earlier.profileId === later.profileId &&
    earlier.fingerprint === later.fingerprint &&
    earlier.model === later.model
  );
}

/** How the background usage writes are doing (for /health, and for tests that wait for a write). */
export interface UsageWriteStatus {
  /** Changes applied in memory and not yet on disk. */
  pending: number;
  /** A write is under way. */
  writing: boolean;
  /** Completed writes (flushes) since start. */
  writes: number;
  lastError?: string;
  /** Changes dropped, oldest first, because more waited than the queue holds (degraded.ts). */
  dropped?: number;
}

/** How the link to the credential backend is doing (/health's `state`). */
export interface StateLinkStatus {
  backend: string;
  connected: boolean;
  since?: number;
  queuedUsageWrites: number;
  /** Credentials whose refreshed OAuth tokens this process holds because the store could not take them yet (auth/refresh/pending-tokens.ts). */
  pendingTokenWrites: number;
  /** False while the gateway has not read its credentials at all (started during an outage). */
  credentialsRead: boolean;
}

/**
 * Applies a usage change if the profile still holds the credential it is about
 * (looked up in the agent's own store, then the inherited one); otherwise the
 * change is about a credential that was replaced or removed, and is dropped.
 */
export function applyUsage(change: UsageChange, own: AuthStore, inherited: AuthStore | undefined): boolean {
  const credential = ownValue(own.profiles, change.profileId) ?? (inherited ? ownValue(inherited.profiles, change.profileId) : undefined);
  if (!credential || credentialFingerprint(credential) !== change.fingerprint) return false;
  change.apply(own);
  return true;
}

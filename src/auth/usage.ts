// Reading cooldown / disabled windows from usageStats (spec §6.3). Writing
// them (failure ladders) belongs to the request path.
import { descriptorFor } from "../providers/descriptors/index.ts";
import { normalizeProviderId } from "./provider-id.ts";
import type { UsageStats } from "./store-schema.ts";

export interface UnusableWindow {
  profileId: string;
  provider: string;
  kind: "cooldown" | "disabled";
  reason?: string;
  until: number;
  remainingMs: number;
  /** Set for a rate limit that holds for this model only (the profile serves its other models). */
  model?: string;
}

function activeUntil(value: number | undefined, now: number): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > now ? value : undefined;
}

/** OpenRouter routes across its own upstreams, so OpenClaw never cools its profiles down (the descriptor says which). */
export function bypassesCooldown(provider: string): boolean {
  return descriptorFor(normalizeProviderId(provider))?.bypassesCooldown === true;
}

/** The window that currently keeps a profile out of rotation, if any. A disable outranks a cooldown. */
export function unusableWindow(profileId: string, provider: string, stats: UsageStats | undefined, now: number): UnusableWindow | undefined {
  if (!stats || bypassesCooldown(provider)) return undefined;
  const disabledUntil = activeUntil(stats.disabledUntil, now);
  const cooldownUntil = activeUntil(stats.cooldownUntil, now);
  if (disabledUntil !== undefined && disabledUntil >= (cooldownUntil ?? 0)) {
    const window: UnusableWindow = { profileId, provider, kind: "disabled", until: disabledUntil, remainingMs: disabledUntil - now };
    if (stats.disabledReason) window.reason = stats.disabledReason;
    return window;
  }
  const until = cooldownUntil ?? disabledUntil;
  if (until === undefined) return undefined;
  return { profileId, provider, kind: "cooldown", until, remainingMs: until - now };
}

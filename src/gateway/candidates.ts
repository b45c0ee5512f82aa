// What a request may run on: the models to try (requested, then fallbacks,
// then the primary; spec §6.7) and, per model, the credentials to try in order
// (profiles by resolveProfileOrder, then environment keys, then the provider's
// configured apiKey; spec §2.6).
import { listEnvCredentials } from "../auth/env-keys.ts";
import { clearExpiredCooldowns } from "../auth/cooldown.ts";
import { resolveProfileOrder, type CoolingProfile } from "../auth/profile-order.ts";
import { registerSecret } from "../auth/redact.ts";
import { usableSecret, type UsableSecret } from "../auth/usable-secret.ts";
import { buildCatalog } from "../providers/catalog.ts";
import { BUILTIN_ALIASES, formatModelRef, resolveModelRef, type ModelRef, type ModelSettings } from "../providers/model-ref.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import type { GatewaySnapshot } from "./live-state.ts";
import { memo } from "./snapshot-memo.ts";

export interface CredentialChoice {
  /** Set when the credential is a stored profile (its failures cool it down). */
  profileId?: string;
  /** For logs and errors: `profile:anthropic:work`, `env: OPENAI_API_KEY`, `models.providers.x.apiKey`. */
  source: string;
  secret: UsableSecret;
}

/**
 * A model named by a request: `provider/model`, an alias, `default`, or a bare
 * model id (the catalog's provider when it knows the id, else the default provider).
 */
export function resolveRequestedModel(raw: string, settings: ModelSettings, snapshot: GatewaySnapshot): ModelRef | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  if (text === "default") return settings.primary;
  const lower = text.toLowerCase();
  const isAlias = Object.keys(settings.aliases).some((alias) => alias.toLowerCase() === lower) || lower in BUILTIN_ALIASES;
  if (text.includes("/") || isAlias) return resolveModelRef(text, settings.aliases);
  const owners = buildCatalog(snapshot.ctx.config).filter((model) => model.id === text);
  if (owners.length === 1) return { provider: owners[0]!.provider, model: text };
  return resolveModelRef(text, settings.aliases);
}

/**
 * The requested model, then the fallbacks (those the `agents.defaults.models`
 * allowlist admits, if there is one), then the primary unless the agent gave
 * its own fallbacks (spec §6.7); without repeats.
 */
export function modelCandidates(requested: ModelRef, settings: ModelSettings): ModelRef[] {
  const seen = new Set<string>();
  const out: ModelRef[] = [];
  const fallbacks = settings.fallbacks.filter((key) => settings.allowed.length === 0 || settings.allowed.includes(key));
  const primary = settings.fallbacksSource === "agent" ? [] : [settings.primary];
  for (const ref of [requested, ...fallbacks.map((key) => resolveModelRef(key, {})), ...primary]) {
    if (!ref || seen.has(formatModelRef(ref))) continue;
    seen.add(formatModelRef(ref));
    out.push(ref);
  }
  return out;
}

export interface CredentialPlan {
  usable: CredentialChoice[];
  /** Profiles skipped because they are cooling down or disabled, with until when and why. */
  coolingDown: CoolingProfile[];
}

export function credentialPlan(snapshot: GatewaySnapshot, spec: ProviderSpec, model: ModelRef, now: number): CredentialPlan {
  const { ctx, view } = snapshot;
  clearExpiredCooldowns(view.merged, now);
  const { ordered, coolingDown } = resolveProfileOrder({ config: ctx.config, store: view.merged, provider: spec.id, model: model.model, now });
  const cooling = new Set(coolingDown.map((entry) => entry.profileId));
  const usable: CredentialChoice[] = [];
  for (const profileId of ordered) {
    const credential = view.merged.profiles[profileId];
    if (cooling.has(profileId) || !credential) continue;
    const secret = usableSecret(credential, ctx.env, now);
    if (secret) usable.push({ profileId, source: `profile:${profileId}`, secret });
  }
  for (const env of memo(ctx, `env:${spec.id}`, () => listEnvCredentials(spec.id, ctx.env))) {
    registerSecret(env.value);
    usable.push({ source: env.source, secret: { secret: env.value, kind: env.mode === "oauth" ? "oauth" : "api_key" } });
  }
  if (spec.configApiKey) {
    registerSecret(spec.configApiKey);
    usable.push({ source: `models.providers.${spec.id}.apiKey`, secret: { secret: spec.configApiKey, kind: "api_key" } });
  }
  return { usable, coolingDown };
}

/** A pinned profile (`model@profile`) is used even while cooling down; it never rotates (spec §6.4). */
export function pinnedCredential(snapshot: GatewaySnapshot, profileId: string, now: number): CredentialChoice | undefined {
  const credential = snapshot.view.merged.profiles[profileId];
  const secret = credential && usableSecret(credential, snapshot.ctx.env, now);
  return secret ? { profileId, source: `profile:${profileId}`, secret } : undefined;
}

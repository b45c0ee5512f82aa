// What a request may run on: the models to try (the requested one and, for a
// request for the primary, the primary's fallbacks; never anything else) and,
// per model, the credentials
// to try in order (profiles by resolveProfileOrder, then environment keys,
// then the provider's configured apiKey; spec §2.6). Planning only reads the
// snapshot: expired windows count as over here, and are removed from the store
// only by the locked update that records usage.
import { listEnvCredentials } from "../auth/env-keys.ts";
import { credentialFingerprint } from "../auth/fingerprint.ts";
import { profileHealth } from "../auth/health.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { resolveProfileOrder, type CoolingProfile } from "../auth/profile-order.ts";
import { ownValue } from "../state/own-keys.ts";
import { registerSecret } from "../auth/redact.ts";
import { usableSecret, type UsableSecret } from "../auth/usable-secret.ts";
import { buildCatalog } from "../providers/catalog.ts";
import { BUILTIN_ALIASES, formatModelRef, resolveModelRef, type ModelRef, type ModelSettings } from "../providers/model-ref.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { isCodexBackend } from "../providers/codex-backend.ts";
import type { GatewaySnapshot } from "./live-state.ts";
import { memo } from "./snapshot-memo.ts";
import { oauthChoice, oauthRefresher } from "./oauth-access.ts";
import { withCopilotPlan } from "./copilot-access.ts";
import type { CredentialPreparation } from "./upstream-credential.ts";

export interface CredentialChoice {
  /** Set when the credential is a stored profile (its failures cool it down). */
  profileId?: string;
  /** The stored credential's fingerprint, so its usage is never recorded against a replacement. */
  fingerprint?: string;
  /** For logs and errors: `profile:anthropic:work`, `env: OPENAI_API_KEY`, `models.providers.x.apiKey`. */
  source: string;
  /** For the `x-openclaw-profile` header: the profile id, `env:<VAR>` or `config:models.providers.<id>.apiKey`. */
  servedBy: string;
  secret: UsableSecret;
  /** Work to do before it is sent (an OAuth refresh when due, Copilot's token exchange): upstream-credential.ts. Absent: sent as is. */
  prepare?: CredentialPreparation;
  /** Where the prepared credential goes, when not the candidate's provider spec (Copilot: the API host its token names). */
  sendTo?: ProviderSpec;
}

/** Decides whether a credential may be sent upstream at all (the gateway's own token must never be). */
export type CredentialFilter = (choice: CredentialChoice) => boolean;

/**
 * A model named by a request: `provider/model`, an alias, `default`, or a bare
 * model id (the catalog's provider when it knows the id, else the default provider).
 */
export function resolveRequestedModel(raw: string, settings: ModelSettings, snapshot: GatewaySnapshot): ModelRef | undefined {
  const text = raw.trim();
  // No model at all means the default, as `default` does.
  if (!text || text === "default") return settings.primary;
  const lower = text.toLowerCase();
  const isAlias = Object.keys(settings.aliases).some((alias) => alias.toLowerCase() === lower) || lower in BUILTIN_ALIASES;
  if (text.includes("/") || isAlias) return resolveModelRef(text, settings.aliases);
  const owners = buildCatalog(snapshot.ctx.config).filter((model) => model.id === text);
  if (owners.length === 1) return { provider: owners[0]!.provider, model: text };
  return resolveModelRef(text, settings.aliases);
}

/**
 * The requested model, then — when it is the primary — the primary's
 * fallbacks (the agent's own, else `agents.defaults.model.fallbacks`; those
 * the `agents.defaults.models` allowlist admits, if there is one); without
 * repeats. Fallbacks are configured for the primary, so a request that names
 * another model is served by that model or not at all. Unlike OpenClaw (spec
 * §6.7), the primary is never appended: a request is never answered by a model
 * it did not ask for, unless it asked for the primary and a fallback served.
 */
export function modelCandidates(requested: ModelRef, settings: ModelSettings): ModelRef[] {
  const primaryKey = formatModelRef(settings.primary);
  if (formatModelRef(requested) !== primaryKey) return [requested];
  const seen = new Set<string>([primaryKey]);
  const out: ModelRef[] = [requested];
  for (const key of settings.fallbacks) {
    if (settings.allowed.length > 0 && !settings.allowed.includes(key)) continue;
    const ref = resolveModelRef(key, {});
    if (!ref || seen.has(formatModelRef(ref))) continue;
    seen.add(formatModelRef(ref));
    out.push(ref);
  }
  return out;
}

export interface ExpiredProfile {
  profileId: string;
  /** How long ago it expired. */
  agoMs: number;
}

export interface CredentialPlan {
  usable: CredentialChoice[];
  /** Profiles skipped because they are cooling down or disabled, with until when and why. */
  coolingDown: CoolingProfile[];
  /** Stored tokens of this provider that have expired (and cannot refresh: oauth-access.ts). */
  expired: ExpiredProfile[];
}

function profileChoice(snapshot: GatewaySnapshot, profileId: string, now: number): CredentialChoice | undefined {
  const credential = ownValue(snapshot.view.merged.profiles, profileId);
  // OAuth: refreshable logins are usable even expired (oauth-access.ts).
  if (credential?.type === "oauth") return oauthChoice(snapshot, profileId, credential, now);
  const secret = credential && usableSecret(credential, snapshot.ctx.env, now);
  return secret ? { profileId, fingerprint: credentialFingerprint(credential), source: `profile:${profileId}`, servedBy: profileId, secret } : undefined;
}

function expiredProfiles(snapshot: GatewaySnapshot, provider: string, now: number): ExpiredProfile[] {
  const expired: ExpiredProfile[] = [];
  for (const [profileId, credential] of Object.entries(snapshot.view.merged.profiles)) {
    if (normalizeProviderId(credential.provider) !== provider) continue;
    // Refreshable OAuth logins are planned as usable (oauth-access.ts): not expired for good.
    if (credential.type === "oauth" && credential.refresh && oauthRefresher(snapshot.ctx, credential.provider)) continue;
    const health = profileHealth(profileId, credential, now);
    if (health.remainingMs !== undefined && health.remainingMs <= 0) expired.push({ profileId, agoMs: -health.remainingMs });
  }
  return expired;
}

/**
 * The provider's stored profiles in order. Codex (`openai-codex`) also takes OpenClaw 2026.9's
 * `openai` OAuth logins, its rename of `openai-codex` (spec §9), after its own.
 */
function profileOrder(snapshot: GatewaySnapshot, spec: ProviderSpec, model: ModelRef, now: number, preferredProfile: string | undefined): ReturnType<typeof resolveProfileOrder> {
  const { ctx, view } = snapshot;
  const order = (provider: string) => resolveProfileOrder({ config: ctx.config, store: view.merged, provider, model: model.model, now, ...(preferredProfile ? { preferredProfile } : {}) });
  const own = order(spec.id);
  if (!isCodexBackend(spec)) return own;
  const renamed = order("openai");
  const login = (profileId: string) => ownValue(view.merged.profiles, profileId)?.type === "oauth";
  return { ordered: [...own.ordered, ...renamed.ordered.filter(login)], coolingDown: [...own.coolingDown, ...renamed.coolingDown.filter((entry) => login(entry.profileId))] };
}

export function credentialPlan(snapshot: GatewaySnapshot, spec: ProviderSpec, model: ModelRef, now: number, allowed: CredentialFilter, preferredProfile?: string): CredentialPlan {
  const { ctx } = snapshot;
  const { ordered, coolingDown } = profileOrder(snapshot, spec, model, now, preferredProfile);
  const cooling = new Set(coolingDown.map((entry) => entry.profileId));
  const usable: CredentialChoice[] = [];
  for (const profileId of ordered) {
    const choice = cooling.has(profileId) ? undefined : profileChoice(snapshot, profileId, now);
    if (choice && allowed(choice)) usable.push(withCopilotPlan(spec, choice));
  }
  for (const env of memo(ctx, `env:${spec.id}`, () => listEnvCredentials(spec.id, ctx.env))) {
    registerSecret(env.value);
    const choice: CredentialChoice = { source: env.source, servedBy: `env:${env.name}`, secret: { secret: env.value, kind: env.mode === "oauth" ? "oauth" : "api_key" } };
    if (allowed(choice)) usable.push(withCopilotPlan(spec, choice));
  }
  if (spec.configApiKey) {
    registerSecret(spec.configApiKey);
    const source = `models.providers.${spec.id}.apiKey`;
    const choice: CredentialChoice = { source, servedBy: `config:${source}`, secret: { secret: spec.configApiKey, kind: "api_key" } };
    if (allowed(choice)) usable.push(withCopilotPlan(spec, choice));
  }
  const expired = usable.length === 0 && coolingDown.length === 0 ? expiredProfiles(snapshot, spec.id, now) : [];
  return { usable, coolingDown, expired };
}

/** A pinned profile (`model@profile`) is used even while cooling down; it never rotates (spec §6.4). */
export function pinnedCredential(snapshot: GatewaySnapshot, profileId: string, now: number, allowed: CredentialFilter): CredentialChoice | undefined {
  const choice = profileChoice(snapshot, profileId, now);
  return choice && allowed(choice) ? choice : undefined;
}

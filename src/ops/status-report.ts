// The `models status` document (spec §3.1 --json shape), computed from files
// only. The CLI prints it and the gateway serves it at /api/status, so both
// always agree on what is configured and what is wrong.
import { compareText } from "../state/compare.ts";
import type { AgentAuthView } from "../auth/agent-view.ts";
import { ENV_PROBED_PROVIDERS, resolveEnvCredential, type EnvCredential } from "../auth/env-keys.ts";
import { DEFAULT_WARN_MS, profileHealth, rollUpHealth, type HealthStatus, type ProfileHealth } from "../auth/health.ts";
import { maskSecret } from "../auth/mask.ts";
import { credentialLabel, unusableSuffix } from "../auth/profile-label.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { resolveProfileOrder } from "../auth/profile-order.ts";
import { registerSecret } from "../auth/redact.ts";
import { unusableWindow, type UnusableWindow } from "../auth/usage.ts";
import { modelWindows } from "../auth/cooldown.ts";
import type { Credential } from "../auth/store-schema.ts";
import { formatModelRef, providersInUse, resolveModelRef, resolveModelSettings, type ModelSettings } from "../providers/model-ref.ts";
import type { AgentInfo } from "../state/agents.ts";
import type { StateContext } from "../state/context.ts";
import { ownValue } from "../state/own-keys.ts";

export interface EffectiveAuth {
  kind: "profiles" | "env" | "models.json" | "missing";
  detail: string;
}

export interface ProviderAuthOverview {
  provider: string;
  effective: EffectiveAuth;
  profiles: { count: number; oauth: number; token: number; apiKey: number; labels: string[] };
  env?: { value: string; source: string };
  modelsJson?: { value: string; source: string };
}

export interface ProfileStatus extends ProfileHealth {
  source: "store";
  label: string;
  inherited?: true;
}

export interface ProviderStatus {
  provider: string;
  status: HealthStatus;
  profiles: ProfileStatus[];
  expiresAt?: number;
  remainingMs?: number;
}

export interface StatusReport {
  configPath: string;
  agentId?: string;
  agentDir: string;
  defaultModel: string;
  resolvedDefault: string;
  fallbacks: string[];
  imageModel: string | null;
  imageFallbacks: string[];
  modelConfig?: { defaultSource: "agent" | "defaults"; fallbacksSource: "agent" | "defaults" };
  aliases: Record<string, string>;
  allowed: string[];
  auth: {
    storePath: string;
    shellEnvFallback: { enabled: boolean; appliedKeys: string[]; error?: string };
    providersWithOAuth: string[];
    missingProvidersInUse: string[];
    providers: ProviderAuthOverview[];
    unusableProfiles: UnusableWindow[];
    oauth: { warnAfterMs: number; profiles: ProfileStatus[]; providers: ProviderStatus[] };
  };
}

type ProfileEntry = [profileId: string, credential: Credential];

/** The merged store's profiles grouped by normalised provider, in store order. */
function profilesByProvider(view: AgentAuthView): Map<string, ProfileEntry[]> {
  const groups = new Map<string, ProfileEntry[]>();
  for (const entry of Object.entries(view.merged.profiles)) {
    const provider = normalizeProviderId(entry[1].provider);
    const group = groups.get(provider);
    if (group) group.push(entry);
    else groups.set(provider, [entry]);
  }
  return groups;
}

export interface StatusInputs {
  ctx: StateContext;
  agent: AgentInfo;
  view: AgentAuthView;
  /** `--agent` was given: the report names the agent and where its models come from. */
  explicitAgent: boolean;
  now: number;
  /** What counts as expiring; default 24 h (`--check`). `auth-monitor run --warn-hours` sets its own. */
  warnMs?: number;
}

function configuredProviderKey(ctx: StateContext, provider: string): { key: string; path: string } | undefined {
  for (const [id, config] of Object.entries(ctx.config.models?.providers ?? {})) {
    if (normalizeProviderId(id) === provider && config.apiKey?.trim()) {
      registerSecret(config.apiKey);
      return { key: config.apiKey.trim(), path: `models.providers.${id}.apiKey` };
    }
  }
  return undefined;
}

function listedProviders(inputs: StatusInputs, settings: ModelSettings, groups: Map<string, ProfileEntry[]>): string[] {
  const { ctx } = inputs;
  const candidates = new Set<string>(ENV_PROBED_PROVIDERS);
  for (const provider of groups.keys()) candidates.add(provider);
  for (const id of Object.keys(ctx.config.models?.providers ?? {})) candidates.add(normalizeProviderId(id));
  for (const provider of providersInUse(settings)) candidates.add(provider);
  for (const key of settings.allowed) {
    const ref = key.includes("/") ? resolveModelRef(key, {}) : undefined;
    if (ref) candidates.add(ref.provider);
  }
  return [...candidates].sort();
}

function providerOverview(inputs: StatusInputs, provider: string, profiles: readonly ProfileEntry[], env: EnvCredential | undefined): ProviderAuthOverview {
  const { ctx, view, now } = inputs;
  const counts = { count: 0, oauth: 0, token: 0, apiKey: 0, labels: [] as string[] };
  for (const [profileId, credential] of profiles) {
    counts.count++;
    if (credential.type === "oauth") counts.oauth++;
    else if (credential.type === "token") counts.token++;
    else counts.apiKey++;
    const stats = ownValue(view.merged.usageStats, profileId);
    const windows = [unusableWindow(profileId, credential.provider, stats, now), ...modelWindows(profileId, credential.provider, stats, now)];
    const inherited = view.isInherited(profileId) ? " [inherited]" : "";
    counts.labels.push(`${profileId}=${credentialLabel(credential)}${unusableSuffix(...windows)}${inherited}`);
  }
  const configured = configuredProviderKey(ctx, provider);
  const envValue = env ? { value: env.mode === "oauth" ? "OAuth (env)" : maskSecret(env.value), source: env.source } : undefined;
  const modelsJson = configured ? { value: maskSecret(configured.key), source: `${ctx.display(ctx.configPath)}: ${configured.path}` } : undefined;
  let effective: EffectiveAuth = { kind: "missing", detail: "missing" };
  if (counts.count > 0) {
    // The store that actually holds them: the agent's own if any is there, else where they all are (read-through, a shared store).
    const locations = profiles.map(([profileId]) => view.locationOf(profileId));
    effective = { kind: "profiles", detail: ctx.display(locations.includes(view.own.path) ? view.own.path : locations[0]!) };
  }
  else if (envValue) effective = { kind: "env", detail: envValue.value };
  else if (modelsJson) effective = { kind: "models.json", detail: modelsJson.value };
  const overview: ProviderAuthOverview = { provider, effective, profiles: counts };
  if (envValue) overview.env = envValue;
  if (modelsJson) overview.modelsJson = modelsJson;
  return overview;
}

function profileStatuses(inputs: StatusInputs, listed: readonly string[], groups: Map<string, ProfileEntry[]>): ProfileStatus[] {
  const { view, now, warnMs = DEFAULT_WARN_MS } = inputs;
  const out: ProfileStatus[] = [];
  for (const [profileId, credential] of listed.flatMap((provider) => groups.get(provider) ?? [])) {
    const health = profileHealth(profileId, credential, now, warnMs);
    const label = credential.email ? `${profileId} (${credential.email})` : profileId;
    const entry: ProfileStatus = { ...health, source: "store", label };
    if (view.isInherited(profileId)) entry.inherited = true;
    out.push(entry);
  }
  return out.sort((a, b) => compareText(a.provider, b.provider) || compareText(a.profileId, b.profileId));
}

/** Profiles rolled up per provider (spec §3.1): the worst expirable status and the soonest expiry. */
function providerStatuses(profiles: readonly ProfileStatus[], now: number): ProviderStatus[] {
  const byProvider = new Map<string, ProfileStatus[]>();
  for (const profile of profiles) {
    const key = normalizeProviderId(profile.provider);
    byProvider.set(key, [...(byProvider.get(key) ?? []), profile]);
  }
  return [...byProvider.entries()].map(([provider, list]) => {
    const roll = rollUpHealth(list, now);
    const entry: ProviderStatus = { provider, status: roll.status, profiles: list };
    if (roll.expiresAt !== undefined) {
      entry.expiresAt = roll.expiresAt;
      entry.remainingMs = roll.remainingMs!;
    }
    return entry;
  });
}

export function buildStatusReport(inputs: StatusInputs): StatusReport {
  const { ctx, agent, view, explicitAgent, now } = inputs;
  const settings = resolveModelSettings(ctx.config, explicitAgent ? agent.entry : undefined);

  const groups = profilesByProvider(view);
  const overviews: ProviderAuthOverview[] = [];
  for (const provider of listedProviders(inputs, settings, groups)) {
    const env = resolveEnvCredential(provider, ctx.env);
    if (env) registerSecret(env.value);
    const overview = providerOverview(inputs, provider, groups.get(provider) ?? [], env);
    if (overview.profiles.count > 0 || overview.env || overview.modelsJson) overviews.push(overview);
  }
  const listedIds = overviews.map((o) => o.provider);
  const listed = new Set(listedIds);
  const missingProvidersInUse = providersInUse(settings)
    .filter((provider) => !listed.has(provider))
    .sort();

  const profiles = profileStatuses(inputs, listedIds, groups);
  const unusableProfiles = listedIds
    .flatMap((provider) => groups.get(provider) ?? [])
    .flatMap(([profileId, credential]) => {
      const stats = ownValue(view.merged.usageStats, profileId);
      return [unusableWindow(profileId, credential.provider, stats, now), ...modelWindows(profileId, credential.provider, stats, now)];
    })
    .filter((window): window is UnusableWindow => window !== undefined);

  return {
    configPath: ctx.configPath,
    ...(explicitAgent ? { agentId: agent.id } : {}),
    agentDir: view.agentDir,
    defaultModel: settings.primaryRaw ?? formatModelRef(settings.primary),
    resolvedDefault: formatModelRef(settings.primary),
    fallbacks: settings.fallbacks,
    imageModel: settings.image ? formatModelRef(settings.image) : null,
    imageFallbacks: settings.imageFallbacks,
    ...(explicitAgent ? { modelConfig: { defaultSource: settings.defaultSource, fallbacksSource: settings.fallbacksSource } } : {}),
    aliases: settings.aliases,
    allowed: settings.allowed,
    auth: {
      storePath: view.own.path,
      shellEnvFallback: {
        enabled: ctx.shellEnv.enabled,
        appliedKeys: ctx.shellEnv.appliedKeys,
        ...(ctx.shellEnv.error ? { error: ctx.shellEnv.error } : {}),
      },
      providersWithOAuth: overviews
        .filter((o) => o.profiles.oauth + o.profiles.token > 0)
        .map((o) => `${o.provider} (${o.profiles.oauth + o.profiles.token})`),
      missingProvidersInUse,
      providers: overviews,
      unusableProfiles,
      oauth: { warnAfterMs: inputs.warnMs ?? DEFAULT_WARN_MS, profiles, providers: providerStatuses(profiles, now) },
    },
  };
}

/** `--check`: 1 when an expiring credential is expired or missing, or a provider in use has no auth; 2 when one expires within 24 h. */
/**
 * `--check`: 0 ok, 1 missing or expired, 2 expiring within 24 h. Each era's own rule:
 * 2026.2.26 counts every token and OAuth profile; OpenClaw 2026.9 (on its state)
 * asks, per provider a configured model routes to, only about the profile that
 * route would use, so an expired token behind a working key is no alarm.
 */
export function checkExitCode(report: StatusReport, inputs: StatusInputs): 0 | 1 | 2 {
  if (report.auth.missingProvidersInUse.length > 0) return 1;
  if (inputs.ctx.era === "sqlite") return routeCheckExitCode(inputs);
  const expirable = report.auth.oauth.profiles.filter((p) => p.type !== "api_key");
  if (expirable.some((p) => p.status === "expired" || p.status === "missing")) return 1;
  if (expirable.some((p) => p.status === "expiring")) return 2;
  return 0;
}

/** 2026.9's rule (its `models status` checkStatus): the profile each route would select decides. */
function routeCheckExitCode({ ctx, agent, view, explicitAgent, now, warnMs = DEFAULT_WARN_MS }: StatusInputs): 0 | 1 | 2 {
  const settings = resolveModelSettings(ctx.config, explicitAgent ? agent.entry : undefined);
  let expiring = false;
  for (const provider of providersInUse(settings)) {
    // Expired and secret-less profiles are not in the order: the route skips them.
    const selected = resolveProfileOrder({ config: ctx.config, store: view.merged, provider, now }).ordered[0];
    if (selected === undefined) {
      if (!resolveEnvCredential(provider, ctx.env) && !configuredProviderKey(ctx, provider)) return 1;
      continue;
    }
    const health = profileHealth(selected, view.merged.profiles[selected]!, now, warnMs);
    if (health.status === "expired" || health.status === "missing") return 1;
    if (health.status === "expiring") expiring = true;
  }
  return expiring ? 2 : 0;
}

// `models status --probe` (spec §3.1): one minimal real request per credential
// through the gateway's own wire code, each with its own timeout, a few at a
// time. Probes report; they do not cool anything down.
import type { AgentAuthView } from "../auth/agent-view.ts";
import { listEnvCredentials } from "../auth/env-keys.ts";
import { resolveProfileOrder } from "../auth/profile-order.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { redactSecrets } from "../auth/redact.ts";
import { usableSecret, type UsableSecret } from "../auth/usable-secret.ts";
import { buildCatalog } from "../providers/catalog.ts";
import { descriptorFor } from "../providers/descriptors/index.ts";
import { classifyFailure, isClaudeCodeOnlyError } from "../providers/classify-failure.ts";
import { formatModelRef, resolveModelSettings } from "../providers/model-ref.ts";
import { ADAPTERS } from "../providers/adapters/index.ts";
import type { HubRequest } from "../providers/adapters/hub.ts";
import { knownProviderIds, resolveProvider, type ProviderSpec } from "../providers/registry.ts";
import { ERROR_BODY_LIMIT, UpstreamPools, readCapped, upstreamErrorMessage } from "../providers/upstream.ts";
import { upstreamHeaders } from "../providers/wire.ts";
import type { StateContext } from "../state/context.ts";
import { ownValue } from "../state/own-keys.ts";

export interface ProbeOptions {
  provider?: string;
  profileIds: string[];
  timeoutMs: number;
  concurrency: number;
  maxTokens: number;
}

export type ProbeStatus = "ok" | "auth" | "rate_limit" | "billing" | "timeout" | "format" | "unknown" | "no_model";

export interface ProbeResult {
  provider: string;
  model?: string;
  profileId?: string;
  label: string;
  source: "profile" | "env" | "models.json";
  mode?: string;
  status: ProbeStatus;
  error?: string;
  latencyMs?: number;
}

export interface ProbeReport {
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  totalTargets: number;
  options: ProbeOptions;
  results: ProbeResult[];
}

interface Target {
  result: ProbeResult;
  spec?: ProviderSpec;
  secret?: UsableSecret;
}

export const PROBE_PROMPT = "Reply with OK. Do not use tools.";

/** The first configured model of the provider, else the first the catalog knows. */
function probeModel(ctx: StateContext, provider: string): string | undefined {
  const settings = resolveModelSettings(ctx.config);
  const configured = [formatModelRef(settings.primary), ...settings.fallbacks, ...(settings.image ? [formatModelRef(settings.image)] : []), ...settings.imageFallbacks, ...settings.allowed];
  const key = configured.find((ref) => ref.startsWith(`${provider}/`));
  if (key) return key.slice(provider.length + 1);
  return buildCatalog(ctx.config).find((model) => model.provider === provider)?.id;
}

function profileTargets(ctx: StateContext, view: AgentAuthView, provider: string, options: ProbeOptions, now: number): Target[] {
  const store = view.merged;
  const explicit = ownValue(store.order, provider) ?? ownValue(ctx.config.auth?.order, provider);
  const { ordered } = resolveProfileOrder({ config: ctx.config, store, provider, now });
  const targets: Target[] = [];
  for (const [profileId, credential] of Object.entries(store.profiles)) {
    if (normalizeProviderId(credential.provider) !== provider) continue;
    if (options.profileIds.length > 0 && !options.profileIds.includes(profileId)) continue;
    const result: ProbeResult = { provider, profileId, label: profileId, source: "profile", mode: credential.type, status: "unknown" };
    const secret = usableSecret(credential, ctx.env, now);
    if (explicit && !explicit.includes(profileId)) result.error = "Excluded by auth.order for this provider.";
    else if (!ordered.includes(profileId) || !secret) result.error = "Auth profile credentials are missing or expired.";
    targets.push(result.error ? { result } : { result, secret: secret! });
  }
  return targets;
}

function collectTargets(ctx: StateContext, view: AgentAuthView, options: ProbeOptions, now: number): Target[] {
  const providers = new Set<string>(Object.values(view.merged.profiles).map((c) => normalizeProviderId(c.provider)));
  for (const id of knownProviderIds(ctx.config)) providers.add(id);
  const wanted = options.provider ? normalizeProviderId(options.provider) : undefined;
  const targets: Target[] = [];
  for (const provider of [...providers].sort()) {
    if (wanted && provider !== wanted) continue;
    const spec = resolveProvider(ctx.config, provider);
    let found = profileTargets(ctx, view, provider, options, now);
    if (found.length === 0 && options.profileIds.length === 0) {
      const env = listEnvCredentials(provider, ctx.env)[0];
      if (env) found = [{ result: { provider, label: env.source, source: "env", mode: env.mode, status: "unknown" }, secret: { secret: env.value, kind: env.mode === "oauth" ? "oauth" : "api_key" } }];
      else if (spec?.configApiKey) found = [{ result: { provider, label: `models.providers.${provider}.apiKey`, source: "models.json", mode: "api_key", status: "unknown" }, secret: { secret: spec.configApiKey, kind: "api_key" } }];
    }
    const model = probeModel(ctx, provider);
    for (const target of found) {
      if (spec) target.spec = spec;
      if (model) target.result.model = `${provider}/${model}`;
      else if (!target.result.error) Object.assign(target.result, { status: "no_model", error: "No model available for probe" });
    }
    targets.push(...found);
  }
  return targets;
}

function probeBody(spec: ProviderSpec, model: string, maxTokens: number): string {
  const messages = [{ role: "user", content: PROBE_PROMPT }];
  if (spec.api === "anthropic-messages") return JSON.stringify({ model, max_tokens: maxTokens, messages });
  if (spec.api !== "openai-completions") {
    // Gemini, Responses: the provider's adapter writes the smallest request of its API.
    const hub: HubRequest = { model, system: [], messages: [{ role: "user", parts: [{ kind: "text", text: PROBE_PROMPT }] }], stream: false, maxTokens };
    return JSON.stringify(ADAPTERS[spec.api].upstream.buildRequest(hub, model));
  }
  // OpenAI's newer models refuse max_tokens; OpenAI-compatible servers may not know the new name.
  const limit = { [descriptorFor(spec.id)?.maxTokensField ?? "max_tokens"]: maxTokens };
  return JSON.stringify({ model, messages, ...limit });
}

async function probeOne(pools: UpstreamPools, target: Target, options: ProbeOptions): Promise<void> {
  const { spec, secret, result } = target;
  if (!spec || !secret || !result.model || result.error) return;
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const model = result.model.slice(spec.id.length + 1);
    const endpoint = new URL(ADAPTERS[spec.api].upstream.endpoint(spec.baseUrl, model, false));
    const response = await pools.request(endpoint, upstreamHeaders(spec, secret, {}, false), probeBody(spec, model, options.maxTokens), signal);
    const text = (await readCapped(response.body, ERROR_BODY_LIMIT)).bytes.toString("utf8");
    result.latencyMs = Math.round(performance.now() - started);
    if (response.status < 400) {
      result.status = "ok";
      return;
    }
    const message = upstreamErrorMessage(text);
    const reason = isClaudeCodeOnlyError(message) ? "auth" : classifyFailure({ status: response.status, message });
    result.status = reason === "auth_permanent" ? "auth" : reason === "model_not_found" ? "unknown" : reason;
    result.error = redactSecrets(message);
  } catch (error) {
    result.latencyMs = Math.round(performance.now() - started);
    result.status = signal.aborted ? "timeout" : "unknown";
    result.error = redactSecrets(signal.aborted ? `No answer within ${options.timeoutMs} ms.` : (error as Error).message);
  }
}

export async function runProbes(ctx: StateContext, view: AgentAuthView, options: ProbeOptions): Promise<ProbeReport> {
  const startedAt = Date.now();
  const targets = collectTargets(ctx, view, options, startedAt);
  const pools = new UpstreamPools({ connectMs: options.timeoutMs, responseMs: options.timeoutMs });
  let next = 0;
  const worker = async () => {
    while (next < targets.length) await probeOne(pools, targets[next++]!, options);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, targets.length) }, worker));
  await pools.close();
  const finishedAt = Date.now();
  return { startedAt, finishedAt, durationMs: finishedAt - startedAt, totalTargets: targets.length, options, results: targets.map((t) => t.result) };
}

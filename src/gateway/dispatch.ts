// The path of one model request (DESIGN §3): model candidates (the requested
// model, then its configured fallbacks) → credentials in profile order →
// attempt → record success or failure → next credential, then next model, on
// a failover-worthy error. Pinned profiles never rotate. Every answer from an
// upstream names what served it (x-openclaw-model, x-openclaw-profile, and
// x-openclaw-fallback when a fallback did).
import type { ServerResponse } from "node:http";
import { profileAvailability, recordFailure, recordSuccess } from "../auth/cooldown.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { formatModelRef, resolveModelSettings, splitProfileSuffix, type ModelRef, type ModelSettings } from "../providers/model-ref.ts";
import { redactSecrets } from "../auth/redact.ts";
import { hiddenCharactersProblem } from "../state/hidden-characters.ts";
import { ownValue } from "../state/own-keys.ts";
import { resolveProvider, type ProviderSpec } from "../providers/registry.ts";
import { relayLimits, upstreamTimeouts, type UpstreamPools } from "../providers/upstream.ts";
import { sendApiError } from "./api-errors.ts";
import { speaksClientApi, type AttemptResult, type ChatRequest } from "./attempt-result.ts";
import { memo } from "./snapshot-memo.ts";
import { credentialPlan, modelCandidates, pinnedCredential, resolveRequestedModel, type CredentialChoice, type CredentialFilter } from "./candidates.ts";
import { attempt, type AttemptContext } from "./forward.ts";
import { answerLocally } from "./candidate-fit.ts";
import { TOKEN_COUNT_HEADER } from "./count-tokens.ts";
import { answerNothingWorked, type AttemptFailure, type NothingWorked } from "./final-error.ts";
import type { GatewaySnapshot, LiveState } from "./live-state.ts";

export interface DispatchOutcome {
  status: number;
  model?: string;
  profile?: string;
  /** The model the client asked for, when a fallback served it. */
  fallbackFor?: string;
  /** Attempts that failed over before the answer, for the request log. */
  failed?: string[];
  /** Something the log should say about how the answer ended (e.g. an upstream that broke off). */
  note?: string;
}

export interface DispatchDeps {
  state: LiveState;
  pools: UpstreamPools;
  /** Whether a credential may be sent upstream at all (the gateway's own token never is). */
  allowCredential: CredentialFilter;
}

/** Records what the attempt says about a stored credential; returns when a failed one may be tried again. */
function recordResult(state: LiveState, snapshot: GatewaySnapshot, choice: CredentialChoice, provider: string, model: ModelRef, result: AttemptResult, now: number): number | undefined {
  const { profileId, fingerprint } = choice;
  if (!profileId || !fingerprint) return undefined;
  // A client that left after the upstream answered still used the credential successfully.
  if (result.kind === "sent" || (result.kind === "aborted" && result.answered)) {
    state.recordUsage({ profileId, fingerprint, apply: (store) => recordSuccess(store, { profileId, provider, model: model.model, now }) });
    return undefined;
  }
  if (result.kind !== "failed" || result.upstreamFault) return undefined;
  const cooldowns = snapshot.ctx.config.auth?.cooldowns;
  const failure = { profileId, provider, reason: result.reason, model: model.model, now, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
  state.recordUsage({ profileId, fingerprint, apply: (store) => recordFailure(store, { ...failure, ...(cooldowns ? { cooldowns } : {}) }) });
  const availability = profileAvailability(state.latest().view.merged, profileId, provider, model.model, now);
  return availability.usable ? undefined : availability.until;
}

/** An upstream refusal goes back as the upstream said it, in the client's own API format. */
function relayRejection(res: ServerResponse, request: ChatRequest, spec: ProviderSpec, result: Extract<AttemptResult, { kind: "rejected" }>): void {
  if (speaksClientApi(spec, request) && result.body !== undefined) {
    res.writeHead(result.status, { "content-type": result.contentType ?? "application/json" });
    res.end(redactSecrets(result.body));
  } else sendApiError(res, request.format, result.status, result.message);
}

function validatePin(snapshot: GatewaySnapshot, pin: string, provider: string): string | undefined {
  const credential = ownValue(snapshot.view.merged.profiles, pin);
  if (!credential) return `Auth profile "${pin}" not found.`;
  const owner = normalizeProviderId(credential.provider);
  return owner === provider ? undefined : `Auth profile "${pin}" is for ${owner}, not ${provider}.`;
}

type Target =
  | { ok: true; requested: ModelRef; pin: string | undefined; settings: ModelSettings; providerSpec: (id: string) => ProviderSpec | undefined }
  | { ok: false; status: 400 | 404; message: string; model?: string; code?: string };

/** What the request asks for, checked before anything is sent upstream. */
function resolveTarget(snapshot: GatewaySnapshot, raw: string): Target {
  const { ref, profileId: pin } = splitProfileSuffix(raw.trim());
  const settings = memo(snapshot.ctx, "settings", () => resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry));
  const providerSpec = (provider: string) => memo(snapshot.ctx, `provider:${provider}`, () => resolveProvider(snapshot.ctx.config, provider));
  const requested = resolveRequestedModel(ref, settings, snapshot);
  if (!requested) return { ok: false, status: 400, message: "`model` must be provider/model, an alias, or default." };
  const model = formatModelRef(requested);
  if (!providerSpec(requested.provider)) {
    return { ok: false, status: 404, model, code: "model_not_found", message: `Unknown provider "${requested.provider}" in model "${raw}". Configure it under models.providers.` };
  }
  const hiddenPin = pin ? hiddenCharactersProblem(pin) : undefined;
  if (hiddenPin) return { ok: false, status: 400, model, message: `Invalid model "${model}@…": ${hiddenPin}.` };
  const pinProblem = pin ? validatePin(snapshot, pin, requested.provider) : undefined;
  if (pinProblem) return { ok: false, status: 404, model, message: pinProblem };
  return { ok: true, requested, pin, settings, providerSpec };
}

function credentialsFor(deps: DispatchDeps, snapshot: GatewaySnapshot, spec: ProviderSpec, model: ModelRef, pin: string | undefined, outcome: NothingWorked): CredentialChoice[] {
  const now = Date.now();
  if (pin) {
    const pinned = pinnedCredential(snapshot, pin, now, deps.allowCredential);
    if (!pinned) {
      const message = `Auth profile "${pin}" has no usable credential (expired, empty, or the gateway's own token). Replace it: openclaw models auth paste-api-key --provider ${spec.id} --profile-id ${pin}`;
      outcome.failures.push({ model: formatModelRef(model), provider: spec.id, source: `profile:${pin}`, reason: "auth", message, local: true });
    }
    return pinned ? [pinned] : [];
  }
  const plan = credentialPlan(snapshot, spec, model, now, deps.allowCredential);
  outcome.cooling.push(...plan.coolingDown.map((profile) => ({ provider: spec.id, profile })));
  if (plan.expired.length > 0) outcome.expired.push({ provider: spec.id, profiles: plan.expired });
  else if (plan.usable.length === 0 && plan.coolingDown.length === 0) outcome.missing.push(spec.id);
  return plan.usable;
}

// Header values are Latin-1 only; ids from hand-edited files may hold anything.
function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

const SERVED_BY_HEADERS = ["x-openclaw-model", "x-openclaw-profile", "x-openclaw-fallback", TOKEN_COUNT_HEADER];

function announceServedBy(res: ServerResponse, model: string, choice: CredentialChoice, fallbackFor: string | undefined): void {
  res.setHeader("x-openclaw-model", headerValue(model));
  res.setHeader("x-openclaw-profile", headerValue(choice.servedBy));
  if (fallbackFor) res.setHeader("x-openclaw-fallback", headerValue(fallbackFor));
  else res.removeHeader("x-openclaw-fallback");
}

function attemptFailure(model: string, spec: ProviderSpec, choice: CredentialChoice, result: Extract<AttemptResult, { kind: "failed" }>, freeAt: number | undefined): AttemptFailure {
  return {
    model,
    provider: spec.id,
    source: choice.source,
    reason: result.reason,
    message: result.message,
    ...(result.status ? { status: result.status } : {}),
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    ...(result.claudeCodeOnly ? { claudeCodeOnly: true } : {}),
    ...(result.upstreamFault ? { upstreamFault: true } : {}),
    ...(freeAt !== undefined ? { freeAt } : {}),
  };
}

export async function dispatchChat(deps: DispatchDeps, request: ChatRequest, res: ServerResponse): Promise<DispatchOutcome> {
  const { state } = deps;
  const snapshot = await state.current();
  deps.pools.setTimeouts(upstreamTimeouts(snapshot.ctx.config));
  const context: AttemptContext = { pools: deps.pools, limits: memo(snapshot.ctx, "relay-limits", () => relayLimits(snapshot.ctx.config)) };
  const target = resolveTarget(snapshot, typeof request.body.model === "string" ? request.body.model : "");
  if (!target.ok) {
    sendApiError(res, request.format, target.status, target.message, {}, target.code);
    return { status: target.status, ...(target.model ? { model: target.model } : {}) };
  }
  const requested = formatModelRef(target.requested);
  const outcome: NothingWorked = { failures: [], cooling: [], missing: [], expired: [] };
  for (const [index, model] of modelCandidates(target.requested, target.settings).entries()) {
    const spec = target.providerSpec(model.provider);
    if (!spec) continue;
    const modelKey = formatModelRef(model);
    const fallbackFor = index > 0 ? requested : undefined;
    const local = answerLocally(request, spec, model, fallbackFor, res);
    if (local.kind === "skip") continue;
    if (local.kind === "answered") return { status: local.status, model: modelKey, ...(fallbackFor ? { fallbackFor } : {}), ...(local.note ? { note: local.note } : {}) };
    // A pin holds for the requested model only; fallbacks rotate as usual.
    for (const choice of credentialsFor(deps, snapshot, spec, model, index === 0 ? target.pin : undefined, outcome)) {
      announceServedBy(res, modelKey, choice, fallbackFor);
      const result = await attempt(context, spec, model, choice, request, res);
      const freeAt = recordResult(state, snapshot, choice, spec.id, model, result, Date.now());
      const served: DispatchOutcome = {
        status: 0,
        model: modelKey,
        profile: choice.servedBy,
        ...(fallbackFor ? { fallbackFor } : {}),
        ...(outcome.failures.length > 0 ? { failed: outcome.failures.map((f) => `${f.source}:${f.status ?? f.reason}`) } : {}),
      };
      if (result.kind === "sent") return { ...served, status: result.status, ...(result.cut ? { note: `upstream ${result.cut}` } : {}) };
      if (result.kind === "aborted") return { ...served, status: 499 };
      if (result.kind === "rejected") {
        relayRejection(res, request, spec, result);
        return { ...served, status: result.status };
      }
      outcome.failures.push(attemptFailure(modelKey, spec, choice, result, freeAt));
    }
  }
  for (const name of SERVED_BY_HEADERS) res.removeHeader(name);
  const failed = outcome.failures.map((f) => `${f.source}:${f.status ?? f.reason}`);
  return { status: answerNothingWorked(res, request, outcome), model: requested, ...(failed.length > 0 ? { failed } : {}) };
}

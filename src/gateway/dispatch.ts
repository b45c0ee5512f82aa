// The path of one model request (DESIGN §3): model candidates → credentials in
// profile order → attempt → record success or failure → next credential, then
// next model, on a failover-worthy error. Pinned profiles never rotate.
import type { ServerResponse } from "node:http";
import { recordFailure, recordSuccess } from "../auth/cooldown.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { formatModelRef, resolveModelSettings, splitProfileSuffix, type ModelRef, type ModelSettings } from "../providers/model-ref.ts";
import { redactSecrets } from "../auth/redact.ts";
import { hiddenCharactersProblem } from "../state/hidden-characters.ts";
import { ownValue } from "../state/own-keys.ts";
import { resolveProvider, type ProviderSpec } from "../providers/registry.ts";
import { upstreamErrorMessage, upstreamTimeouts, type UpstreamPools } from "../providers/upstream.ts";
import { sendApiError } from "./api-errors.ts";
import { memo } from "./snapshot-memo.ts";
import { credentialPlan, modelCandidates, pinnedCredential, resolveRequestedModel, type CredentialChoice } from "./candidates.ts";
import { attempt, providerFormat, type AttemptResult, type ChatRequest } from "./forward.ts";
import { answerNothingWorked, type NothingWorked } from "./final-error.ts";
import type { GatewaySnapshot, LiveState } from "./live-state.ts";

export interface DispatchOutcome {
  status: number;
  model?: string;
  profile?: string;
  /** Attempts that failed over before the answer, for the request log. */
  failed?: string[];
}

function recordResult(state: LiveState, snapshot: GatewaySnapshot, choice: CredentialChoice, provider: string, model: ModelRef, result: AttemptResult, now: number): void {
  const profileId = choice.profileId;
  if (!profileId) return;
  if (result.kind === "sent") state.recordUsage((store) => recordSuccess(store, { profileId, provider, model: model.model, now }));
  else if (result.kind === "failed") {
    const cooldowns = snapshot.ctx.config.auth?.cooldowns;
    const failure = { profileId, provider, reason: result.reason, model: model.model, now, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
    state.recordUsage((store) => recordFailure(store, { ...failure, ...(cooldowns ? { cooldowns } : {}) }));
  }
}

/** An upstream refusal goes back as the upstream said it, in the client's own API format. */
function relayRejection(res: ServerResponse, request: ChatRequest, spec: ProviderSpec, result: Extract<AttemptResult, { kind: "rejected" }>): void {
  if (providerFormat(spec) === request.format) {
    res.writeHead(result.status, { "content-type": result.contentType });
    res.end(redactSecrets(result.body));
  } else sendApiError(res, request.format, result.status, upstreamErrorMessage(result.body));
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
  if (!requested) return { ok: false, status: 400, message: "`model` is required: provider/model, an alias, or default." };
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

function credentialsFor(snapshot: GatewaySnapshot, spec: ProviderSpec, model: ModelRef, pin: string | undefined, outcome: NothingWorked): CredentialChoice[] {
  const now = Date.now();
  if (pin) {
    const pinned = pinnedCredential(snapshot, pin, now);
    if (!pinned) outcome.failures.push({ model: formatModelRef(model), source: `profile:${pin}`, reason: "auth", message: `Auth profile "${pin}" has no usable credential (expired or empty).` });
    return pinned ? [pinned] : [];
  }
  const plan = credentialPlan(snapshot, spec, model, now);
  outcome.cooling.push(...plan.coolingDown.map((profile) => ({ provider: spec.id, profile })));
  if (plan.usable.length === 0 && plan.coolingDown.length === 0) outcome.missing.push(spec.id);
  return plan.usable;
}

export async function dispatchChat(state: LiveState, pools: UpstreamPools, request: ChatRequest, res: ServerResponse): Promise<DispatchOutcome> {
  const snapshot = await state.current();
  pools.setTimeouts(upstreamTimeouts(snapshot.ctx.config));
  const target = resolveTarget(snapshot, typeof request.body.model === "string" ? request.body.model : "");
  if (!target.ok) {
    sendApiError(res, request.format, target.status, target.message, {}, target.code);
    return { status: target.status, ...(target.model ? { model: target.model } : {}) };
  }
  const outcome: NothingWorked = { failures: [], cooling: [], missing: [] };
  for (const [index, model] of modelCandidates(target.requested, target.settings).entries()) {
    const spec = target.providerSpec(model.provider);
    if (!spec) continue;
    // A pin holds for the requested model only; fallbacks rotate as usual.
    for (const choice of credentialsFor(snapshot, spec, model, index === 0 ? target.pin : undefined, outcome)) {
      const result = await attempt(pools, spec, model, choice, request, res);
      recordResult(state, snapshot, choice, spec.id, model, result, Date.now());
      const served = {
        model: formatModelRef(model),
        ...(choice.profileId ? { profile: choice.profileId } : {}),
        ...(outcome.failures.length > 0 ? { failed: outcome.failures.map((f) => `${f.source}:${f.status ?? f.reason}`) } : {}),
      };
      if (result.kind === "sent") return { status: result.status, ...served };
      if (result.kind === "aborted") return { status: 499, model: served.model };
      if (result.kind === "rejected") {
        relayRejection(res, request, spec, result);
        return { status: result.status, ...served };
      }
      outcome.failures.push({
        model: served.model,
        source: choice.source,
        reason: result.reason,
        message: result.message,
        ...(result.status ? { status: result.status } : {}),
        ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
        ...(result.claudeCodeOnly ? { claudeCodeOnly: true } : {}),
      });
    }
  }
  const failed = outcome.failures.map((f) => `${f.source}:${f.status ?? f.reason}`);
  return { status: answerNothingWorked(res, request, outcome), model: formatModelRef(target.requested), ...(failed.length > 0 ? { failed } : {}) };
}

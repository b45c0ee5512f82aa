// The credentials to try, in order: for each candidate model (the requested
// one, then the primary's fallbacks) whose provider can serve the request as
// asked (candidate-fit.ts), its credentials in profile order (candidates.ts),
// or only the pinned profile. Planned lazily: a fallback's credentials are
// looked at only when every earlier credential has failed.
import { providerOfProfileId } from "../../auth/provider-id.ts";
import { ownValue } from "../../state/own-keys.ts";
import { formatModelRef, type ModelRef } from "../../providers/model-ref.ts";
import type { ProviderSpec } from "../../providers/registry.ts";
import { answerLocally } from "../candidate-fit.ts";
import { credentialPlan, pinnedCredential, type CredentialChoice } from "../candidates.ts";
import { withCopilotPlan } from "../copilot-access.ts";
import type { Candidate, DispatchOutcome, Exchange, Target } from "../exchange.ts";
import { CODEX_PROVIDER_ID } from "../../providers/codex-backend.ts";

function credentialsFor(exchange: Exchange, spec: ProviderSpec, model: ModelRef, pin: string | undefined, preferred: string | undefined): CredentialChoice[] {
  const { deps, nothingWorked } = exchange;
  const snapshot = exchange.snapshot!;
  const now = Date.now();
  if (pin) {
    const pinned = pinnedCredential(snapshot, pin, now, deps.allowCredential);
    if (!pinned) {
      const message = `Auth profile "${pin}" has no usable credential (expired, empty, or the gateway's own token). Replace it: openclaw models auth paste-api-key --provider ${spec.id} --profile-id ${pin}`;
      nothingWorked.failures.push({ model: formatModelRef(model), provider: spec.id, source: `profile:${pin}`, reason: "auth", message, local: true });
    }
    return pinned ? [withCopilotPlan(spec, pinned)] : [];
  }
  const plan = credentialPlan(snapshot, spec, model, now, deps.allowCredential, preferred);
  for (const profile of plan.coolingDown) {
    // An OAuth login is fixed by logging in again, not by pasting a key.
    const login = ownValue(snapshot.view.merged.profiles, profile.profileId)?.type === "oauth";
    nothingWorked.cooling.push({ provider: spec.id, profile, ...(login ? { fix: `openclaw models auth login --provider ${providerOfProfileId(profile.profileId) ?? spec.id}` } : {}) });
  }
  if (plan.expired.length > 0) nothingWorked.expired.push({ provider: spec.id, profiles: plan.expired });
  else if (plan.usable.length === 0 && plan.coolingDown.length === 0) nothingWorked.missing.push(spec.id);
  return plan.usable;
}

/**
 * Where a credential is sent: its provider, except OpenClaw 2026.9's `openai` OAuth logins (ChatGPT
 * logins, its rename of `openai-codex`), which api.openai.com refuses: they go to the Codex backend.
 */
function servingSpec(target: Target, spec: ProviderSpec, choice: CredentialChoice): ProviderSpec {
  if (spec.id !== "openai" || choice.secret.kind !== "oauth" || choice.profileId === undefined) return spec;
  return target.providerSpec(CODEX_PROVIDER_ID) ?? spec;
}

function* plan(exchange: Exchange): Generator<Candidate | DispatchOutcome> {
  const target = exchange.target!;
  const request = exchange.request!;
  const requested = formatModelRef(target.requested);
  const models = target.candidates;
  for (let index = 0; index < models.length; index++) {
    const model = models[index]!;
    const spec = target.providerSpec(model.provider);
    if (!spec) continue;
    const modelKey = index === 0 ? requested : formatModelRef(model);
    const fallbackFor = index > 0 ? requested : undefined;
    const local = answerLocally(request, spec, model, fallbackFor, exchange.res);
    if (local.kind === "skip") continue;
    if (local.kind === "answered") {
      yield { status: local.status, model: modelKey, ...(fallbackFor ? { fallbackFor } : {}), ...(local.note ? { note: local.note } : {}) };
      return;
    }
    // A pin holds for the requested model only; fallbacks rotate as usual.
    // A session's auto pin is a preference for its own model: tried first, left on failure.
    for (const choice of credentialsFor(exchange, spec, model, index === 0 ? target.pin : undefined, index === 0 ? exchange.preferredProfile : undefined)) {
      yield { model, modelKey, spec: servingSpec(target, spec, choice), fallbackFor, choice };
    }
  }
}

export function chooseCredentials(exchange: Exchange): undefined {
  exchange.candidates = plan(exchange);
  return undefined;
}

// The model: what the request asks for (`provider/model`, an alias, `default`,
// `model@profile`), checked against the state it will be served from before
// anything is sent upstream. A session step will set the pin from `/model`.
import { normalizeProviderId } from "../../auth/provider-id.ts";
import { formatModelRef, resolveModelSettings, splitProfileSuffix } from "../../providers/model-ref.ts";
import { resolveProvider } from "../../providers/registry.ts";
import { upstreamTimeouts } from "../../providers/upstream.ts";
import { hiddenCharactersProblem } from "../../state/hidden-characters.ts";
import { ownValue } from "../../state/own-keys.ts";
import { sendApiError } from "../api-errors.ts";
import { resolveRequestedModel } from "../candidates.ts";
import type { DispatchOutcome, Exchange, Target } from "../exchange.ts";
import type { GatewaySnapshot } from "../live-state.ts";
import { memo } from "../snapshot-memo.ts";

function validatePin(snapshot: GatewaySnapshot, pin: string, provider: string): string | undefined {
  const credential = ownValue(snapshot.view.merged.profiles, pin);
  if (!credential) return `Auth profile "${pin}" not found.`;
  const owner = normalizeProviderId(credential.provider);
  return owner === provider ? undefined : `Auth profile "${pin}" is for ${owner}, not ${provider}.`;
}

type Checked = Target | { status: 400 | 404; message: string; model?: string; code?: string };

function checkTarget(snapshot: GatewaySnapshot, raw: string): Checked {
  const { ref, profileId: pin } = splitProfileSuffix(raw.trim());
  const settings = memo(snapshot.ctx, "settings", () => resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry));
  const providerSpec = memo(snapshot.ctx, "provider-spec", () => (provider: string) => memo(snapshot.ctx, `provider:${provider}`, () => resolveProvider(snapshot.ctx.config, provider)));
  const requested = resolveRequestedModel(ref, settings, snapshot);
  if (!requested) return { status: 400, message: "`model` must be provider/model, an alias, or default." };
  const model = formatModelRef(requested);
  if (!providerSpec(requested.provider)) {
    return { status: 404, model, code: "model_not_found", message: `Unknown provider "${requested.provider}" in model "${raw}". Configure it under models.providers.` };
  }
  const hiddenPin = pin ? hiddenCharactersProblem(pin) : undefined;
  if (hiddenPin) return { status: 400, model, message: `Invalid model "${model}@…": ${hiddenPin}.` };
  const pinProblem = pin ? validatePin(snapshot, pin, requested.provider) : undefined;
  if (pinProblem) return { status: 404, model, message: pinProblem };
  return { requested, pin, settings, providerSpec };
}

export async function resolveTarget(exchange: Exchange): Promise<DispatchOutcome | undefined> {
  const { deps, request } = exchange;
  const snapshot = await deps.state.current();
  deps.pools.setTimeouts(memo(snapshot.ctx, "upstream-timeouts", () => upstreamTimeouts(snapshot.ctx.config)));
  exchange.snapshot = snapshot;
  const model = request!.body.model;
  const checked = checkTarget(snapshot, typeof model === "string" ? model : "");
  if ("status" in checked) {
    sendApiError(exchange.res, exchange.route.format, checked.status, checked.message, {}, checked.code);
    return { status: checked.status, ...(checked.model ? { model: checked.model } : {}) };
  }
  exchange.target = checked;
  return undefined;
}

// The model: what the request asks for (`provider/model`, an alias, `default`,
// `model@profile`), checked against the state it will be served from before
// anything is sent upstream. A session step will set the pin from `/model`.
import { normalizeProviderId } from "../../auth/provider-id.ts";
import { formatModelRef, resolveModelSettings, splitProfileSuffix, type ModelRef, type ModelSettings } from "../../providers/model-ref.ts";
import { resolveProvider, type ProviderSpec } from "../../providers/registry.ts";
import { upstreamTimeouts } from "../../providers/upstream.ts";
import { hiddenCharactersProblem } from "../../state/hidden-characters.ts";
import { ownValue } from "../../state/own-keys.ts";
import { sendApiError } from "../api-errors.ts";
import { modelCandidates, resolveRequestedModel } from "../candidates.ts";
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

/** What a model name means in one loaded state: the same for every request that sends it. */
type ModelMeaning = { requested: ModelRef; candidates: ModelRef[] } | { status: 400 | 404; message: string; model?: string; code?: string };

/** Model names remembered per loaded state; a client sending endless distinct names cannot grow it without bound. */
const MEANINGS_KEPT = 256;

function providerSpecs(snapshot: GatewaySnapshot): (id: string) => ProviderSpec | undefined {
  return memo(snapshot.ctx, "provider-specs", () => {
    const specs = new Map<string, ProviderSpec | undefined>();
    return (provider: string) => {
      if (!specs.has(provider)) specs.set(provider, resolveProvider(snapshot.ctx.config, provider));
      return specs.get(provider);
    };
  });
}

function meaningOf(snapshot: GatewaySnapshot, settings: ModelSettings, ref: string, raw: string): ModelMeaning {
  const requested = resolveRequestedModel(ref, settings, snapshot);
  if (!requested) return { status: 400, message: "`model` must be provider/model, an alias, or default." };
  if (!providerSpecs(snapshot)(requested.provider)) {
    return { status: 404, model: formatModelRef(requested), code: "model_not_found", message: `Unknown provider "${requested.provider}" in model "${raw}". Configure it under models.providers.` };
  }
  return { requested, candidates: modelCandidates(requested, settings) };
}

function checkTarget(snapshot: GatewaySnapshot, raw: string): Checked {
  const { ref, profileId: pin } = splitProfileSuffix(raw.trim());
  const settings = memo(snapshot.ctx, "settings", () => resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry));
  const meanings = memo(snapshot.ctx, "model-meanings", () => new Map<string, ModelMeaning>());
  let meaning = meanings.get(ref);
  if (!meaning) {
    if (meanings.size >= MEANINGS_KEPT) meanings.clear();
    meanings.set(ref, (meaning = meaningOf(snapshot, settings, ref, raw)));
  }
  if ("status" in meaning) return meaning;
  const { requested, candidates } = meaning;
  if (pin) {
    const model = formatModelRef(requested);
    const hiddenPin = hiddenCharactersProblem(pin);
    if (hiddenPin) return { status: 400, model, message: `Invalid model "${model}@…": ${hiddenPin}.` };
    // Checked per request: the profiles can change without a reload of the config.
    const pinProblem = validatePin(snapshot, pin, requested.provider);
    if (pinProblem) return { status: 404, model, message: pinProblem };
  }
  return { requested, candidates, pin, settings, providerSpec: providerSpecs(snapshot) };
}

export async function resolveTarget(exchange: Exchange): Promise<DispatchOutcome | undefined> {
  const { deps, request } = exchange;
  const snapshot = exchange.snapshot ?? (await deps.state.current());
  deps.pools.setTimeouts(memo(snapshot.ctx, "upstream-timeouts", () => upstreamTimeouts(snapshot.ctx.config)));
  exchange.snapshot = snapshot;
  const model = exchange.sessionModel ?? request!.body.model;
  const checked = checkTarget(snapshot, typeof model === "string" ? model : "");
  if ("status" in checked) {
    sendApiError(exchange.res, exchange.route.format, checked.status, checked.message, {}, checked.code);
    return { status: checked.status, ...(checked.model ? { model: checked.model } : {}) };
  }
  exchange.target = checked;
  return undefined;
}

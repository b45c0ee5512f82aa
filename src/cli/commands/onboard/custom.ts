// A custom OpenAI- or Anthropic-compatible endpoint (spec §3.5 custom-api-key):
// `models.providers.<id> = {baseUrl, api, models}`; its key, if any, is a
// stored profile `<id>:default` like any other (never in the config).
// Keyless endpoints (a local server) are allowed.
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import type { ConfigDocument } from "../../../state/config.ts";
import { ensureModelEntry, setPrimary } from "../../../providers/model-config-edit.ts";
import { UsageError } from "../../errors.ts";

export type Compatibility = "openai" | "anthropic";

export interface CustomPlan {
  providerId: string;
  baseUrl: string;
  api: "openai-completions" | "anthropic-messages";
  modelId: string | undefined;
}

export function parseCompatibility(raw: string | undefined): Compatibility {
  if (raw === undefined || raw === "openai") return "openai";
  if (raw === "anthropic") return "anthropic";
  throw new UsageError('Invalid --custom-compatibility. Use "openai" or "anthropic".');
}

export function baseUrlProblem(raw: string): string | undefined {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return "The base URL must start with http:// or https://";
    return undefined;
  } catch {
    return "Not a URL (e.g. http://127.0.0.1:11434/v1)";
  }
}

/** `custom-<host>[-<port>]`, e.g. custom-127-0-0-1-11434. */
export function defaultCustomProviderId(baseUrl: string): string {
  const url = new URL(baseUrl);
  const host = `${url.hostname}${url.port ? `-${url.port}` : ""}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `custom-${host || "endpoint"}`;
}

export function providerIdProblem(raw: string): string | undefined {
  return /^[a-z0-9][a-z0-9._-]*$/.test(normalizeProviderId(raw)) ? undefined : "Use lower-case letters, digits, '.', '_' or '-', e.g. my-llm";
}

export interface CustomFlags {
  customBaseUrl?: string;
  customModelId?: string;
  customProviderId?: string;
  customCompatibility?: string;
}

export function planCustom(flags: CustomFlags): CustomPlan {
  const compatibility = parseCompatibility(flags.customCompatibility);
  if (flags.customBaseUrl === undefined || flags.customBaseUrl.trim() === "") throw new UsageError("Missing --custom-base-url for --auth-choice custom-api-key.");
  const problem = baseUrlProblem(flags.customBaseUrl);
  if (problem) throw new UsageError(`Invalid --custom-base-url: ${problem}.`);
  const baseUrl = flags.customBaseUrl.trim().replace(/\/+$/, "");
  const providerId = flags.customProviderId?.trim() ? normalizeProviderId(flags.customProviderId) : defaultCustomProviderId(baseUrl);
  const idProblem = providerIdProblem(providerId);
  if (idProblem) throw new UsageError(`Invalid --custom-provider-id "${flags.customProviderId}": ${idProblem}.`);
  const modelId = flags.customModelId?.trim() || undefined;
  return { providerId, baseUrl, api: compatibility === "anthropic" ? "anthropic-messages" : "openai-completions", modelId };
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);

/**
 * Writes the provider entry, keeping what else it had (headers, other models);
 * with a model id, adds that model and makes it the default model.
 */
export function applyCustomProvider(doc: ConfigDocument, plan: CustomPlan, { setDefault = true }: { setDefault?: boolean } = {}): void {
  const models = (asObject(doc.models) ?? (doc.models = {})) as Json;
  const providers = (asObject(models.providers) ?? (models.providers = {})) as Json;
  const entry = { ...(asObject(providers[plan.providerId]) ?? {}) };
  entry.baseUrl = plan.baseUrl;
  entry.api = plan.api;
  // OpenClaw requires the list, even empty (docs/gateway.md §3.2).
  const list = Array.isArray(entry.models) ? [...(entry.models as unknown[])] : [];
  if (plan.modelId && !list.some((model) => asObject(model)?.id === plan.modelId)) list.push({ id: plan.modelId, name: plan.modelId });
  entry.models = list;
  providers[plan.providerId] = entry;
  if (plan.modelId && setDefault) {
    const key = `${plan.providerId}/${plan.modelId}`;
    setPrimary(doc, "model", key);
    ensureModelEntry(doc, key);
  }
}

// Which providers the gateway can reach and how (DESIGN §4.3): built-ins with
// their public endpoints, plus `models.providers.<id>` from config, whose
// `baseUrl` also overrides a built-in's (that is how tests reach fake upstreams).
import { normalizeProviderId } from "../auth/provider-id.ts";
import type { OpenClawConfig } from "../state/config-schema.ts";
import { lookupTable } from "../state/own-keys.ts";
import { PROVIDER_DESCRIPTORS, type WireApi } from "./descriptors/index.ts";

/** The wire APIs the gateway speaks to providers: all of the descriptors' (one adapter each, providers/adapters/). */
export type ProviderApi = WireApi;

export interface ProviderSpec {
  id: string;
  api: ProviderApi;
  /** Anthropic: the origin (requests go to `<baseUrl>/v1/messages`); OpenAI-style: up to `/v1`. */
  baseUrl: string;
  /** Extra headers from config, sent with every upstream request. */
  headers: Record<string, string>;
  /** `models.providers.<id>.apiKey`, the last credential source (spec §2.6 step 5). */
  configApiKey: string | undefined;
}

// The descriptors with a default base URL: built in, reachable without config.
// Null-prototype: a provider named "constructor" is unknown, not Object's constructor.
const BUILT_IN = lookupTable<Record<string, { api: ProviderApi; baseUrl: string }>>(
  Object.fromEntries(
    PROVIDER_DESCRIPTORS.flatMap(({ id, wireApi, defaultBaseUrl }) => {
      const api = asApi(wireApi);
      return api && defaultBaseUrl ? [[id, { api, baseUrl: defaultBaseUrl }]] : [];
    }),
  ),
);

/** `models.providers.<id>.api` as OpenClaw spells it, and the short names people write. */
function asApi(value: string | undefined): ProviderApi | undefined {
  if (value === "anthropic-messages" || value === "anthropic") return "anthropic-messages";
  if (value === "openai-completions" || value === "openai" || value === "openai-chat") return "openai-completions";
  if (value === "openai-responses" || value === "openai-codex-responses") return "openai-responses";
  if (value === "google-generative-ai" || value === "google" || value === "gemini") return "google-generative-ai";
  return undefined;
}

/** The provider as configured, or undefined when neither built in nor configured (or missing a base URL). */
export function resolveProvider(config: OpenClawConfig, provider: string): ProviderSpec | undefined {
  const id = normalizeProviderId(provider);
  const custom = Object.entries(config.models?.providers ?? {}).find(([key]) => normalizeProviderId(key) === id)?.[1];
  const builtIn = BUILT_IN[id];
  const baseUrl = (custom?.baseUrl?.trim() || builtIn?.baseUrl)?.replace(/\/+$/, "");
  if (!baseUrl) return undefined;
  const api = asApi(custom?.api) ?? builtIn?.api ?? "openai-completions";
  return { id, api, baseUrl, headers: { ...custom?.headers }, configApiKey: custom?.apiKey?.trim() || undefined };
}

export function knownProviderIds(config: OpenClawConfig): string[] {
  return [...new Set([...Object.keys(BUILT_IN), ...Object.keys(config.models?.providers ?? {}).map(normalizeProviderId)])];
}

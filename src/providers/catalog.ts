// Models we know something about without asking anyone: the built-in list
// below plus `models.providers.<id>.models[]` from config. Ids outside it are
// still accepted everywhere; they are just shown without details.
import type { OpenClawConfig } from "../state/config-schema.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";

export type ModelInput = "text" | "image";

export interface CatalogModel {
  provider: string;
  id: string;
  name: string;
  input: ModelInput[];
  contextWindow: number | undefined;
  /** Served from this machine (e.g. a custom provider on localhost). */
  local: boolean;
}

const TEXT_IMAGE: ModelInput[] = ["text", "image"];
const TEXT: ModelInput[] = ["text"];

// [provider, id, name, input, context window]
const BUILTIN: ReadonlyArray<readonly [string, string, string, ModelInput[], number]> = [
  ["anthropic", "claude-opus-4-6", "Claude Opus 4.6", TEXT_IMAGE, 200_000],
  ["anthropic", "claude-sonnet-4-6", "Claude Sonnet 4.6", TEXT_IMAGE, 200_000],
  ["anthropic", "claude-opus-4-5", "Claude Opus 4.5", TEXT_IMAGE, 200_000],
  ["anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", TEXT_IMAGE, 200_000],
  ["anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", TEXT_IMAGE, 200_000],
  ["openai", "gpt-5.2", "GPT-5.2", TEXT_IMAGE, 400_000],
  ["openai", "gpt-5-mini", "GPT-5 mini", TEXT_IMAGE, 400_000],
  ["openai", "gpt-4.1", "GPT-4.1", TEXT_IMAGE, 1_047_576],
  ["openai", "gpt-4o-mini", "GPT-4o mini", TEXT_IMAGE, 128_000],
  ["openrouter", "openrouter/auto", "OpenRouter Auto", TEXT_IMAGE, 2_000_000],
  ["openrouter", "anthropic/claude-sonnet-4.6", "Claude Sonnet 4.6 (OpenRouter)", TEXT_IMAGE, 200_000],
  ["google", "gemini-3-pro-preview", "Gemini 3 Pro Preview", TEXT_IMAGE, 1_048_576],
  ["google", "gemini-3-flash-preview", "Gemini 3 Flash Preview", TEXT_IMAGE, 1_048_576],
  ["groq", "llama-3.3-70b-versatile", "Llama 3.3 70B (Groq)", TEXT, 131_072],
  ["mistral", "mistral-large-latest", "Mistral Large", TEXT_IMAGE, 131_072],
  ["xai", "grok-4", "Grok 4", TEXT_IMAGE, 256_000],
];

function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

/** Built-in models, then the custom ones from config (which win on the same key). */
export function buildCatalog(config: OpenClawConfig): CatalogModel[] {
  const byKey = new Map<string, CatalogModel>();
  for (const [provider, id, name, input, contextWindow] of BUILTIN) {
    byKey.set(`${provider}/${id}`, { provider, id, name, input, contextWindow, local: false });
  }
  for (const [rawProvider, provider] of Object.entries(config.models?.providers ?? {})) {
    const id = normalizeProviderId(rawProvider);
    const local = isLocalUrl(provider.baseUrl);
    for (const model of provider.models ?? []) {
      byKey.set(`${id}/${model.id}`, {
        provider: id,
        id: model.id,
        name: model.name ?? model.id,
        input: model.input ?? TEXT,
        contextWindow: model.contextWindow,
        local,
      });
    }
  }
  return [...byKey.values()];
}

export function findCatalogModel(catalog: readonly CatalogModel[], key: string): CatalogModel | undefined {
  return catalog.find((model) => `${model.provider}/${model.id}` === key);
}

// OpenRouter: one key (`sk-or-…`) for many upstreams, OpenAI-style.
import type { ProviderDescriptor } from "./types.ts";

export const openrouter: ProviderDescriptor = {
  id: "openrouter",
  aliases: [],
  wireApi: "openai-completions",
  defaultBaseUrl: "https://openrouter.ai/api/v1",
  envKeys: ["OPENROUTER_API_KEY"],
  statusChecksEnv: true,
  catalog: [
    { id: "openrouter/auto", name: "OpenRouter Auto", input: ["text", "image"], contextWindow: 2_000_000 },
    { id: "anthropic/claude-sonnet-4.6", name: "Claude Sonnet 4.6 (OpenRouter)", input: ["text", "image"], contextWindow: 200_000 },
  ],
  secretShapes: { redact: ["sk-or-[A-Za-z0-9_-]{16,}"], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
  bypassesCooldown: true,
};

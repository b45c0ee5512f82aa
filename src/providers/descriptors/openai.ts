// OpenAI: API keys (`sk-…`, `sk-proj-…`, `sk-svcacct-…`) over Chat Completions.
import type { ProviderDescriptor } from "./types.ts";

export const openai: ProviderDescriptor = {
  id: "openai",
  aliases: [],
  wireApi: "openai-completions",
  defaultBaseUrl: "https://api.openai.com/v1",
  envKeys: ["OPENAI_API_KEY"],
  statusChecksEnv: true,
  catalog: [
    { id: "gpt-5.2", name: "GPT-5.2", input: ["text", "image"], contextWindow: 400_000, alias: "gpt" },
    { id: "gpt-5-mini", name: "GPT-5 mini", input: ["text", "image"], contextWindow: 400_000, alias: "gpt-mini" },
    { id: "gpt-4.1", name: "GPT-4.1", input: ["text", "image"], contextWindow: 1_047_576 },
    { id: "gpt-4o-mini", name: "GPT-4o mini", input: ["text", "image"], contextWindow: 128_000 },
  ],
  secretShapes: { redact: ["sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{16,}"], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
  // Its newer models refuse max_tokens (OpenAI-compatible servers may not know the new name).
  maxTokensField: "max_completion_tokens",
};

// Groq: `gsk_…` keys, OpenAI-compatible; reached through models.providers.groq.baseUrl.
import type { ProviderDescriptor } from "./types.ts";

export const groq: ProviderDescriptor = {
  id: "groq",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["GROQ_API_KEY"],
  statusChecksEnv: true,
  catalog: [{ id: "llama-3.3-70b-versatile", name: "Llama 3.3 70B (Groq)", input: ["text"], contextWindow: 131_072 }],
  secretShapes: { redact: ["gsk_[A-Za-z0-9]{20,}"], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
};

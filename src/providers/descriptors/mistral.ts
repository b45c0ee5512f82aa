// Mistral: OpenAI-compatible; reached through models.providers.mistral.baseUrl.
import type { ProviderDescriptor } from "./types.ts";

export const mistral: ProviderDescriptor = {
  id: "mistral",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["MISTRAL_API_KEY"],
  statusChecksEnv: true,
  catalog: [{ id: "mistral-large-latest", name: "Mistral Large", input: ["text", "image"], contextWindow: 131_072 }],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
};

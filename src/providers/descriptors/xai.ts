// xAI (Grok): `xai-…` keys, OpenAI-compatible; reached through models.providers.xai.baseUrl.
import type { ProviderDescriptor } from "./types.ts";

export const xai: ProviderDescriptor = {
  id: "xai",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["XAI_API_KEY"],
  statusChecksEnv: true,
  catalog: [{ id: "grok-4", name: "Grok 4", input: ["text", "image"], contextWindow: 256_000 }],
  secretShapes: { redact: ["xai-[A-Za-z0-9]{20,}"], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
};

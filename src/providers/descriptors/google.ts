// Google Gemini (AI Studio keys, `AIza…`), reached through the Generative
// Language API's adapter (providers/adapters/google-generative-ai/).
import type { ProviderDescriptor } from "./types.ts";

export const google: ProviderDescriptor = {
  id: "google",
  aliases: [],
  wireApi: "google-generative-ai",
  defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
  envKeys: ["GEMINI_API_KEY"],
  envPrefix: "GEMINI",
  envFallbackKeys: ["GOOGLE_API_KEY"],
  statusChecksEnv: true,
  catalog: [
    { id: "gemini-3-pro-preview", name: "Gemini 3 Pro Preview", input: ["text", "image"], contextWindow: 1_048_576, alias: "gemini" },
    { id: "gemini-3-flash-preview", name: "Gemini 3 Flash Preview", input: ["text", "image"], contextWindow: 1_048_576, alias: "gemini-flash" },
  ],
  secretShapes: { redact: ["AIza[0-9A-Za-z_-]{30,}"], prefixes: [] },
  setupHints: { inAuthAddPicker: true },
};

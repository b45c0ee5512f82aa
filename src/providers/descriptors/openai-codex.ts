// OpenAI Codex over ChatGPT: ChatGPT logins (OAuth, spec §4.2) served by the
// ChatGPT Codex backend's Responses API (providers/codex-backend.ts). No API
// keys: the credential is an `openai-codex` OAuth profile, or OpenClaw 2026.9's
// `openai` OAuth profile (its rename of this one).
import type { ProviderDescriptor } from "./types.ts";

export const openaiCodex: ProviderDescriptor = {
  id: "openai-codex",
  aliases: [],
  wireApi: "openai-responses",
  defaultBaseUrl: "https://chatgpt.com/backend-api/codex",
  envKeys: [],
  catalog: [
    { id: "gpt-5.3-codex", name: "GPT-5.3 Codex", input: ["text", "image"], contextWindow: 400_000 },
    { id: "gpt-5.2-codex", name: "GPT-5.2 Codex", input: ["text", "image"], contextWindow: 400_000 },
  ],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: { missingAuth: "Run `openclaw models auth login --provider openai-codex` (a ChatGPT login)." },
};

// Qwen Portal (OAuth or key); `qwen` is the same provider.
import type { ProviderDescriptor } from "./types.ts";

export const qwenPortal: ProviderDescriptor = {
  id: "qwen-portal",
  aliases: ["qwen"],
  wireApi: "openai-completions",
  envKeys: ["QWEN_OAUTH_TOKEN", "QWEN_PORTAL_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// OpenCode Zen; `opencode-zen` is the same provider.
import type { ProviderDescriptor } from "./types.ts";

export const opencode: ProviderDescriptor = {
  id: "opencode",
  aliases: ["opencode-zen"],
  wireApi: "openai-completions",
  envKeys: ["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

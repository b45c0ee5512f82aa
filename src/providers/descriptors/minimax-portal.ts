// MiniMax Portal (OAuth or key), Anthropic-compatible.
import type { ProviderDescriptor } from "./types.ts";

export const minimaxPortal: ProviderDescriptor = {
  id: "minimax-portal",
  aliases: [],
  wireApi: "anthropic-messages",
  envKeys: ["MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

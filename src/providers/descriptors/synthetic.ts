// Synthetic, Anthropic-compatible.
import type { ProviderDescriptor } from "./types.ts";

export const synthetic: ProviderDescriptor = {
  id: "synthetic",
  aliases: [],
  wireApi: "anthropic-messages",
  envKeys: ["SYNTHETIC_API_KEY"],
  statusChecksEnv: true,
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// Kimi Coding; `kimi-code` is the same provider.
import type { ProviderDescriptor } from "./types.ts";

export const kimiCoding: ProviderDescriptor = {
  id: "kimi-coding",
  aliases: ["kimi-code"],
  wireApi: "anthropic-messages",
  envKeys: ["KIMI_API_KEY", "KIMICODE_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

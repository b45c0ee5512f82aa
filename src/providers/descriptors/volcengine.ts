// Volcano Engine (Doubao).
import type { ProviderDescriptor } from "./types.ts";

export const volcengine: ProviderDescriptor = {
  id: "volcengine",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["VOLCANO_ENGINE_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

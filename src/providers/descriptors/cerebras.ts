// Cerebras, OpenAI-compatible.
import type { ProviderDescriptor } from "./types.ts";

export const cerebras: ProviderDescriptor = {
  id: "cerebras",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["CEREBRAS_API_KEY"],
  statusChecksEnv: true,
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

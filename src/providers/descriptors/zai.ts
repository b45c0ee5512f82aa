// Z.AI (GLM); OpenClaw also accepts `z.ai` and `z-ai` as its id.
import type { ProviderDescriptor } from "./types.ts";

export const zai: ProviderDescriptor = {
  id: "zai",
  aliases: ["z.ai", "z-ai"],
  wireApi: "openai-completions",
  envKeys: ["ZAI_API_KEY", "Z_AI_API_KEY"],
  statusChecksEnv: true,
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// Chutes: an OAuth token or an API key from the environment.
import type { ProviderDescriptor } from "./types.ts";

export const chutes: ProviderDescriptor = {
  id: "chutes",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["CHUTES_OAUTH_TOKEN", "CHUTES_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// Vercel AI Gateway.
import type { ProviderDescriptor } from "./types.ts";

export const vercelAiGateway: ProviderDescriptor = {
  id: "vercel-ai-gateway",
  aliases: [],
  wireApi: "anthropic-messages",
  envKeys: ["AI_GATEWAY_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// Cloudflare AI Gateway.
import type { ProviderDescriptor } from "./types.ts";

export const cloudflareAiGateway: ProviderDescriptor = {
  id: "cloudflare-ai-gateway",
  aliases: [],
  wireApi: "anthropic-messages",
  envKeys: ["CLOUDFLARE_AI_GATEWAY_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};

// Anthropic: Claude over the Messages API; API keys (`sk-ant-api…`) and Claude
// subscription setup-tokens (`sk-ant-oat…`, sent as Bearer with the OAuth beta).
import type { ProviderDescriptor } from "./types.ts";

export const anthropic: ProviderDescriptor = {
  id: "anthropic",
  aliases: [],
  wireApi: "anthropic-messages",
  defaultBaseUrl: "https://api.anthropic.com",
  envKeys: ["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"],
  envKeyLists: ["OPENCLAW_LIVE_ANTHROPIC_KEYS", "ANTHROPIC_API_KEYS"],
  statusChecksEnv: true,
  catalog: [
    { id: "claude-opus-4-6", name: "Claude Opus 4.6", input: ["text", "image"], contextWindow: 200_000, alias: "opus" },
    { id: "claude-sonnet-4-6", name: "Claude Sonnet 4.6", input: ["text", "image"], contextWindow: 200_000, alias: "sonnet" },
    { id: "claude-opus-4-5", name: "Claude Opus 4.5", input: ["text", "image"], contextWindow: 200_000 },
    { id: "claude-sonnet-4-5", name: "Claude Sonnet 4.5", input: ["text", "image"], contextWindow: 200_000 },
    { id: "claude-haiku-4-5", name: "Claude Haiku 4.5", input: ["text", "image"], contextWindow: 200_000 },
  ],
  secretShapes: {
    redact: ["sk-ant-[A-Za-z0-9_-]{8,}"],
    prefixes: [
      { prefix: "sk-ant-api", kind: "api_key", label: "an Anthropic API key", storeWith: "`openclaw models auth paste-api-key --provider anthropic`" },
      { prefix: "sk-ant-oat", kind: "token", label: "an Anthropic setup-token", storeWith: "`openclaw models auth setup-token` or `paste-token --provider anthropic`" },
    ],
  },
  setupHints: {
    inAuthAddPicker: true,
    authMethods: [
      { value: "api-key", label: "API key (recommended)" },
      { value: "setup-token", label: "setup-token (claude)" },
      { value: "token", label: "paste token" },
    ],
    missingAuth: "Run `openclaw models auth paste-api-key --provider anthropic` (recommended), or `claude setup-token` then `openclaw models auth setup-token`.",
  },
};

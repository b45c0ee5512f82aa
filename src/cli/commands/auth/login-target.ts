// Which OAuth provider `models auth login --provider <id>` means, which flow
// it runs, and the model it suggests as the default: the built-ins
// (openai-codex, github-copilot; their endpoints overridable from config) and
// custom providers with `models.providers.<id>.auth: "oauth"` and an `oauth` block.
import { customOAuthProvider, gitHubCopilotProvider, openAICodexProvider, type OAuthProvider } from "../../../oauth/providers.ts";
import type { OpenClawConfig } from "../../../state/config-schema.ts";
import { ownValue } from "../../../state/own-keys.ts";
import { UsageError } from "../../errors.ts";

export type LoginFlow = "authorization-code" | "device-code";

export interface LoginTarget {
  provider: OAuthProvider;
  flow: LoginFlow;
  kind: "openai-codex" | "github-copilot" | "custom";
  /** How messages name the provider ("GitHub" for Copilot, as OpenClaw says). */
  label: string;
  /** `provider/model` offered as the default model (our choice for the built-ins). */
  defaultModel?: string;
}

export const BUILT_IN_OAUTH_PROVIDERS = ["openai-codex", "github-copilot"] as const;
export const DEFAULT_MODELS: Record<(typeof BUILT_IN_OAUTH_PROVIDERS)[number], string> = {
  "openai-codex": "openai-codex/gpt-5.3-codex",
  "github-copilot": "github-copilot/gpt-4.1",
};

type Entry = Record<string, unknown>;

function providerEntries(config: OpenClawConfig): Record<string, Entry> {
  const providers = (config.models as { providers?: unknown } | undefined)?.providers;
  return providers !== null && typeof providers === "object" ? (providers as Record<string, Entry>) : {};
}

function isCustomOAuth(entry: Entry | undefined): boolean {
  return entry !== undefined && entry["auth"] === "oauth" && entry["oauth"] !== undefined;
}

/** Every provider `login` can log in to with this config, built-ins first. */
export function oauthProviderIds(config: OpenClawConfig): string[] {
  const custom = Object.entries(providerEntries(config))
    .filter(([id, entry]) => isCustomOAuth(entry) && !(BUILT_IN_OAUTH_PROVIDERS as readonly string[]).includes(id))
    .map(([id]) => id)
    .sort();
  return [...BUILT_IN_OAUTH_PROVIDERS, ...custom];
}

/** `--method` / `--device-code` as a flow; undefined = the provider's default. */
export function parseMethod(method: string | undefined, deviceCode: boolean | undefined): LoginFlow | undefined {
  if (deviceCode) {
    if (method !== undefined && !/^device[-_]?code$|^device$/i.test(method)) throw new UsageError("--device-code and --method " + method + " contradict each other.");
    return "device-code";
  }
  if (method === undefined) return undefined;
  if (/^(oauth|authorization[-_]?code|browser)$/i.test(method)) return "authorization-code";
  if (/^(device[-_]?code|device)$/i.test(method)) return "device-code";
  throw new UsageError(`Unknown auth method "${method}".`, "Use --method oauth (browser login) or --method device-code.");
}

/** Built-in endpoint overrides: only the endpoints and the port, never the client identity. */
function overrides(entry: Entry | undefined): Record<string, unknown> {
  const oauth = entry?.["oauth"];
  if (oauth === null || typeof oauth !== "object") return {};
  const picked: Record<string, unknown> = {};
  for (const key of ["authorizeUrl", "tokenUrl", "deviceCodeUrl", "callbackPort"]) {
    const value = ownValue(oauth as Entry, key);
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function firstModel(id: string, entry: Entry | undefined): string | undefined {
  const models = entry?.["models"];
  if (!Array.isArray(models)) return undefined;
  const first = models.find((m) => m !== null && typeof m === "object" && typeof (m as Entry)["id"] === "string" && (m as Entry)["id"] !== "");
  return first ? `${id}/${(first as Entry)["id"] as string}` : undefined;
}

function unknownProvider(id: string, config: OpenClawConfig): UsageError {
  const known = oauthProviderIds(config).join(", ");
  const entry = ownValue(providerEntries(config), id);
  const hint =
    entry !== undefined
      ? `To log in to ${id} with OAuth, give models.providers.${id} \`auth: "oauth"\` and an \`oauth\` block (authorizeUrl, tokenUrl, clientId, …); see docs/oauth.md.`
      : id === "openai"
        ? "For a ChatGPT/Codex login use --provider openai-codex; OpenAI API keys are stored with `openclaw models auth paste-api-key --provider openai`."
        : "Other providers take an API key or token: `openclaw models auth paste-api-key` / `paste-token`.";
  return new UsageError(`No OAuth login for provider "${id}". Providers with OAuth: ${known}.`, hint);
}

export function resolveLoginTarget(config: OpenClawConfig, id: string, requested: LoginFlow | undefined): LoginTarget {
  const entry = ownValue(providerEntries(config), id);
  if (id === "openai-codex") {
    if (requested === "device-code") throw new UsageError("openai-codex logs in through the browser only.", "Drop --method device-code / --device-code.");
    const provider = openAICodexProvider(overrides(entry) as Parameters<typeof openAICodexProvider>[0]);
    return { provider, flow: "authorization-code", kind: "openai-codex", label: "openai-codex", defaultModel: DEFAULT_MODELS["openai-codex"] };
  }
  if (id === "github-copilot") {
    if (requested === "authorization-code") throw new UsageError("github-copilot logs in with the device code flow only.", "Drop --method oauth.");
    const provider = gitHubCopilotProvider(overrides(entry) as Parameters<typeof gitHubCopilotProvider>[0]);
    return { provider, flow: "device-code", kind: "github-copilot", label: "GitHub", defaultModel: DEFAULT_MODELS["github-copilot"] };
  }
  if (!isCustomOAuth(entry)) throw unknownProvider(id, config);
  const provider = customOAuthProvider(id, entry!["oauth"]);
  const flow = requested ?? "authorization-code";
  if (flow === "device-code" && !provider.deviceCodeUrl) {
    throw new UsageError(`${id} has no device code endpoint.`, `Set models.providers.${id}.oauth.deviceCodeUrl, or log in through the browser (--method oauth).`);
  }
  const defaultModel = firstModel(id, entry);
  return { provider, flow, kind: "custom", label: id, ...(defaultModel ? { defaultModel } : {}) };
}

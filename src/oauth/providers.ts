// OAuth provider definitions as data: the built-ins (spec §4.2 openai-codex,
// §4.4 github-copilot) and `customOAuthProvider` for a config's
// `models.providers.<id>.oauth` block.
import { OAuthError } from "./errors.ts";

export interface OAuthCallback {
  /** Address the loopback server binds. */
  listenHost: string;
  /** Host written into redirect_uri (Codex registers `localhost`, we bind 127.0.0.1). */
  redirectHost: string;
  /** 0 = any free port (only for providers that accept any loopback port). */
  port: number;
  path: string;
}

export interface OAuthProvider {
  id: string;
  /** Authorization-code + PKCE endpoint; absent for device-flow-only providers. */
  authorizeUrl?: string;
  tokenUrl: string;
  /** RFC 8628 device authorization endpoint, when the provider offers a device flow. */
  deviceCodeUrl?: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** Where the loopback callback listens; absent → paste only. */
  callback?: OAuthCallback;
  /** Extra authorize query parameters (Codex's `originator`, …). */
  extraAuthorizeParams?: Record<string, string>;
  tokenRequestFormat: "form" | "json";
  /** Subtracted from `expires` at write time (spec §4.9: some providers use 5 min). */
  expirySkewMs?: number;
}

export const OPENAI_CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
export const GITHUB_COPILOT_CLIENT_ID = "Iv1.b507a08c87ecfe98";

export interface OpenAICodexOverrides {
  authorizeUrl?: string;
  tokenUrl?: string;
  callbackPort?: number;
}

/** Spec §4.2. Endpoints and port are overridable (tests, proxies); everything else is fixed. */
export function openAICodexProvider(overrides: OpenAICodexOverrides = {}): OAuthProvider {
  const authorizeUrl = overrides.authorizeUrl ?? "https://auth.openai.com/oauth/authorize";
  const tokenUrl = overrides.tokenUrl ?? "https://auth.openai.com/oauth/token";
  checkEndpoint("openai-codex", "authorizeUrl", authorizeUrl);
  checkEndpoint("openai-codex", "tokenUrl", tokenUrl);
  return {
    id: "openai-codex",
    authorizeUrl,
    tokenUrl,
    clientId: OPENAI_CODEX_CLIENT_ID,
    scopes: ["openid", "profile", "email", "offline_access"],
    callback: { listenHost: "127.0.0.1", redirectHost: "localhost", port: checkPort("openai-codex", overrides.callbackPort ?? 1455), path: "/auth/callback" },
    extraAuthorizeParams: { id_token_add_organizations: "true", codex_cli_simplified_flow: "true", originator: "openclaw" },
    tokenRequestFormat: "form",
  };
}

export interface GitHubCopilotOverrides {
  deviceCodeUrl?: string;
  tokenUrl?: string;
}

/** Spec §4.4: GitHub's device flow. The Copilot token exchange at runtime is not OAuth and not here. */
export function gitHubCopilotProvider(overrides: GitHubCopilotOverrides = {}): OAuthProvider {
  const deviceCodeUrl = overrides.deviceCodeUrl ?? "https://github.com/login/device/code";
  const tokenUrl = overrides.tokenUrl ?? "https://github.com/login/oauth/access_token";
  checkEndpoint("github-copilot", "deviceCodeUrl", deviceCodeUrl);
  checkEndpoint("github-copilot", "tokenUrl", tokenUrl);
  return { id: "github-copilot", tokenUrl, deviceCodeUrl, clientId: GITHUB_COPILOT_CLIENT_ID, scopes: ["read:user"], tokenRequestFormat: "form" };
}

export function builtInOAuthProvider(id: string): OAuthProvider | undefined {
  if (id === "openai-codex") return openAICodexProvider();
  if (id === "github-copilot") return gitHubCopilotProvider();
  return undefined;
}

/** `models.providers.<id>.oauth` in the config. */
export interface CustomOAuthConfig {
  authorizeUrl: string;
  tokenUrl: string;
  deviceCodeUrl?: string;
  clientId: string;
  clientSecret?: string;
  scopes?: string[];
  callbackPort?: number;
  tokenRequestFormat?: "form" | "json";
}

/** Validates a config block (unknown input) and turns it into a provider; errors name the field. */
export function customOAuthProvider(id: string, config: unknown): OAuthProvider {
  const where = `models.providers.${id}.oauth`;
  if (config === null || typeof config !== "object" || Array.isArray(config)) throw configError(where, "must be an object");
  const c = config as Record<string, unknown>;
  const known = new Set(["authorizeUrl", "tokenUrl", "deviceCodeUrl", "clientId", "clientSecret", "scopes", "callbackPort", "tokenRequestFormat"]);
  for (const key of Object.keys(c)) if (!known.has(key)) throw configError(`${where}.${key}`, "is not a known field");
  const str = (key: string, required: boolean): string | undefined => {
    const value = c[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value.trim() === "") throw configError(`${where}.${key}`, "must be a non-empty string");
    return value.trim();
  };
  const authorizeUrl = str("authorizeUrl", true)!;
  const tokenUrl = str("tokenUrl", true)!;
  const deviceCodeUrl = str("deviceCodeUrl", false);
  const clientId = str("clientId", true)!;
  const clientSecret = str("clientSecret", false);
  checkEndpoint(where, "authorizeUrl", authorizeUrl);
  checkEndpoint(where, "tokenUrl", tokenUrl);
  if (deviceCodeUrl !== undefined) checkEndpoint(where, "deviceCodeUrl", deviceCodeUrl);
  let scopes: string[] = [];
  if (c["scopes"] !== undefined) {
    const raw = c["scopes"];
    if (!Array.isArray(raw) || raw.some((s) => typeof s !== "string" || s === "" || /\s/.test(s))) {
      throw configError(`${where}.scopes`, "must be a list of scope names without spaces");
    }
    scopes = raw as string[];
  }
  const format = c["tokenRequestFormat"] ?? "form";
  if (format !== "form" && format !== "json") throw configError(`${where}.tokenRequestFormat`, 'must be "form" or "json"');
  const port = c["callbackPort"] === undefined ? 0 : checkPort(`${where}.callbackPort`, c["callbackPort"]);
  return {
    id,
    authorizeUrl,
    tokenUrl,
    ...(deviceCodeUrl === undefined ? {} : { deviceCodeUrl }),
    clientId,
    ...(clientSecret === undefined ? {} : { clientSecret }),
    scopes,
    callback: { listenHost: "127.0.0.1", redirectHost: "127.0.0.1", port, path: "/callback" },
    tokenRequestFormat: format,
  };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** https everywhere, plain http only to a loopback host (tests, local IdPs). */
function checkEndpoint(where: string, field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${where}.${field}`, "is not a URL");
  }
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  throw configError(`${where}.${field}`, "must use https (plain http is allowed only for 127.0.0.1/localhost)");
}

function checkPort(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) throw configError(where, "must be a port number 0–65535 (0 = any free port)");
  return value;
}

function configError(where: string, problem: string): OAuthError {
  return new OAuthError("invalid_config", `${where} ${problem}`);
}

/** The redirect_uri for a callback, once the server knows its real port. */
export function redirectUri(callback: OAuthCallback, port: number): string {
  const host = callback.redirectHost.includes(":") && !callback.redirectHost.startsWith("[") ? `[${callback.redirectHost}]` : callback.redirectHost;
  return `http://${host}:${port}${callback.path}`;
}

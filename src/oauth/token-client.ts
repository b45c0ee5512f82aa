// The token endpoint: authorization-code exchange and refresh (and the raw
// POST that the device flow polls with). Every token seen is registered with
// the redactor; errors carry the OAuth `error` as `code` and never a token.
import { registerSecret } from "../auth/redact.ts";
import { OAuthError } from "./errors.ts";
import { emailFromIdToken } from "./jwt.ts";
import type { OAuthProvider } from "./providers.ts";

export interface TokenSet {
  access: string;
  refresh?: string;
  /** Absolute expiry in ms since the epoch (`now + expires_in*1000 − expirySkewMs`). */
  expires?: number;
  idToken?: string;
  email?: string;
  tokenType?: string;
  scope?: string;
}

export interface TokenRequestOptions {
  /** Per request; default 15 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  fetch?: typeof fetch;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 15_000;

type TokenEndpoint = Pick<OAuthProvider, "id" | "tokenUrl" | "clientId" | "clientSecret" | "tokenRequestFormat" | "expirySkewMs">;

export async function exchangeAuthorizationCode(
  provider: TokenEndpoint,
  grant: { code: string; verifier: string; redirectUri: string },
  options: TokenRequestOptions = {},
): Promise<TokenSet> {
  registerSecret(grant.code);
  registerSecret(grant.verifier);
  const body = await postTokenRequest(
    provider,
    { grant_type: "authorization_code", code: grant.code, code_verifier: grant.verifier, redirect_uri: grant.redirectUri },
    options,
  );
  return parseTokenResponse(provider, body, options.now ?? Date.now);
}

/** A refresh grant. A rotated refresh token comes back in `refresh`; when the server keeps the old one, `refresh` is the token sent. */
export async function refreshAccessToken(provider: TokenEndpoint, refreshToken: string, options: TokenRequestOptions = {}): Promise<TokenSet> {
  registerSecret(refreshToken);
  const body = await postTokenRequest(provider, { grant_type: "refresh_token", refresh_token: refreshToken }, options);
  const tokens = parseTokenResponse(provider, body, options.now ?? Date.now);
  return { ...tokens, refresh: tokens.refresh ?? refreshToken };
}

/**
 * POSTs `params` plus client_id (and client_secret when set) to the token
 * endpoint and returns the JSON body. Any `error` in the answer, even with
 * HTTP 200 (GitHub does that), throws an OAuthError with that code.
 */
export async function postTokenRequest(provider: TokenEndpoint, params: Record<string, string>, options: TokenRequestOptions = {}): Promise<Record<string, unknown>> {
  const fields: Record<string, string> = { ...params, client_id: provider.clientId };
  if (provider.clientSecret) {
    registerSecret(provider.clientSecret);
    fields["client_secret"] = provider.clientSecret;
  }
  const json = provider.tokenRequestFormat === "json";
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const host = safeHost(provider.tokenUrl);

  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(provider.tokenUrl, {
      method: "POST",
      headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded", accept: "application/json" },
      body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      signal,
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw new OAuthError("aborted", `${provider.id}: token request cancelled`, { cause: error });
    if (timeout.aborted) throw new OAuthError("timeout", `${provider.id}: the token endpoint at ${host} did not answer within ${timeoutMs} ms`, { cause: error });
    throw new OAuthError("network_error", `${provider.id}: could not reach the token endpoint at ${host}: ${(error as Error).message}`, { cause: error });
  }

  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const oauthError = record ? readOAuthError(record) : undefined;
  if (oauthError) {
    const detail = oauthError.description ? `: ${oauthError.description}` : "";
    throw new OAuthError(oauthError.code, `${provider.id}: token endpoint answered ${oauthError.code}${detail}`, { status: response.status });
  }
  if (!response.ok) throw new OAuthError("http_error", `${provider.id}: token endpoint at ${host} answered HTTP ${response.status}`, { status: response.status });
  if (!record) throw new OAuthError("bad_response", `${provider.id}: token endpoint at ${host} answered something that is not a JSON object`, { status: response.status });
  return record;
}

/** RFC 6749 `{error, error_description}`, or OpenAI's `{error: {code|type, message}}`. */
function readOAuthError(body: Record<string, unknown>): { code: string; description?: string } | undefined {
  const error = body["error"];
  if (typeof error === "string" && error !== "") {
    const description = body["error_description"];
    return { code: error, ...(typeof description === "string" ? { description } : {}) };
  }
  if (error !== null && typeof error === "object") {
    const e = error as Record<string, unknown>;
    const code = typeof e["code"] === "string" ? e["code"] : typeof e["type"] === "string" ? e["type"] : "server_error";
    return { code, ...(typeof e["message"] === "string" ? { description: e["message"] } : {}) };
  }
  return undefined;
}

export function parseTokenResponse(provider: Pick<OAuthProvider, "id" | "expirySkewMs">, body: Record<string, unknown>, now: () => number = Date.now): TokenSet {
  const access = body["access_token"];
  if (typeof access !== "string" || access === "") throw new OAuthError("bad_response", `${provider.id}: the token response has no access_token`);
  registerSecret(access);
  const tokens: TokenSet = { access };
  const refresh = body["refresh_token"];
  if (typeof refresh === "string" && refresh !== "") {
    registerSecret(refresh);
    tokens.refresh = refresh;
  }
  const expiresIn = typeof body["expires_in"] === "string" ? Number(body["expires_in"]) : body["expires_in"];
  if (typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0) {
    tokens.expires = now() + expiresIn * 1000 - (provider.expirySkewMs ?? 0);
  }
  const idToken = body["id_token"];
  if (typeof idToken === "string" && idToken !== "") {
    registerSecret(idToken);
    tokens.idToken = idToken;
    const email = emailFromIdToken(idToken);
    if (email) tokens.email = email;
  }
  if (typeof body["email"] === "string" && !tokens.email) tokens.email = body["email"];
  if (typeof body["token_type"] === "string") tokens.tokenType = body["token_type"];
  if (typeof body["scope"] === "string") tokens.scope = body["scope"];
  return tokens;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(bad URL)";
  }
}

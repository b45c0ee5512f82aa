// The browser URL that starts an authorization-code + PKCE login.
import { OAuthError } from "./errors.ts";
import type { Pkce } from "./pkce.ts";
import type { OAuthProvider } from "./providers.ts";

export function buildAuthorizeUrl(provider: OAuthProvider, options: { redirectUri: string; pkce: Pick<Pkce, "challenge" | "state"> }): string {
  if (!provider.authorizeUrl) throw new OAuthError("invalid_config", `${provider.id} has no authorization endpoint (device flow only)`);
  const url = new URL(provider.authorizeUrl);
  const params = url.searchParams;
  params.set("response_type", "code");
  params.set("client_id", provider.clientId);
  params.set("redirect_uri", options.redirectUri);
  if (provider.scopes.length > 0) params.set("scope", provider.scopes.join(" "));
  params.set("code_challenge", options.pkce.challenge);
  params.set("code_challenge_method", "S256");
  params.set("state", options.pkce.state);
  // Extras may not override what PKCE and the redirect depend on.
  const reserved = new Set(["response_type", "client_id", "redirect_uri", "code_challenge", "code_challenge_method", "state"]);
  for (const [key, value] of Object.entries(provider.extraAuthorizeParams ?? {})) if (!reserved.has(key)) params.set(key, value);
  return url.toString();
}

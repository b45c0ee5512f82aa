// What a finished login stores (spec §4.2, §4.4): an `oauth` credential when
// there is a refresh token, a plain `token` otherwise (GitHub's token for
// Copilot never expires and is not refreshed; a custom provider without a
// refresh token gives a token that simply ends at its expiry).
import type { Credential } from "../../../auth/store-schema.ts";
import type { AuthMode } from "../../../state/config-schema.ts";
import { openAICodexAccountId } from "../../../oauth/jwt.ts";
import type { TokenSet } from "../../../oauth/token-client.ts";
import { OpenClawError } from "../../../state/errors.ts";
import type { LoginTarget } from "./login-target.ts";

export interface LoginResult {
  credential: Credential;
  mode: AuthMode;
  email?: string;
}

export function credentialFromTokens(target: LoginTarget, tokens: TokenSet): LoginResult {
  const provider = target.provider.id;
  const email = tokens.email;
  const withEmail = email ? { email } : {};
  if (target.kind === "github-copilot") {
    return { credential: { type: "token", provider, token: tokens.access }, mode: "token" };
  }
  if (target.kind === "openai-codex") {
    // OpenClaw refuses the login the same way; the gateway needs the id for every request.
    const accountId = openAICodexAccountId(tokens.access);
    if (!accountId) throw new OpenClawError("Failed to extract accountId from token", { hint: "Nothing was stored. Log in again; if it persists, the account may not have ChatGPT/Codex access." });
    if (!tokens.refresh || tokens.expires === undefined) {
      throw new OpenClawError("The openai-codex token response lacks refresh_token or expires_in; nothing was stored.");
    }
    return { credential: { type: "oauth", provider, access: tokens.access, refresh: tokens.refresh, expires: tokens.expires, accountId, ...withEmail }, mode: "oauth", ...withEmail };
  }
  const expires = tokens.expires === undefined ? {} : { expires: tokens.expires };
  if (tokens.refresh) {
    return { credential: { type: "oauth", provider, access: tokens.access, refresh: tokens.refresh, ...expires, ...withEmail }, mode: "oauth", ...withEmail };
  }
  return { credential: { type: "token", provider, token: tokens.access, ...expires, ...withEmail }, mode: "token", ...withEmail };
}

/** `<provider>:<email>` when the login told us who it was, else the provider's default name. */
export function defaultProfileName(target: LoginTarget, email: string | undefined): string {
  if (target.kind === "github-copilot") return "github";
  return email ?? "default";
}

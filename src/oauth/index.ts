// The OAuth engine's public surface (docs/oauth.md).
export { OAuthError, needsReLogin, type OAuthErrorCode } from "./errors.ts";
export { createPkce, createVerifier, createState, challengeS256, isValidVerifier, type Pkce } from "./pkce.ts";
export { buildAuthorizeUrl } from "./authorize-url.ts";
export { parsePastedCode, type PastedCode } from "./paste.ts";
export { startCallbackServer, DEFAULT_CALLBACK_TIMEOUT_MS, type CallbackServer, type CallbackServerOptions, type CallbackResult } from "./callback-server.ts";
export { exchangeAuthorizationCode, refreshAccessToken, postTokenRequest, parseTokenResponse, DEFAULT_TOKEN_TIMEOUT_MS, type TokenSet, type TokenRequestOptions } from "./token-client.ts";
export { requestDeviceCode, pollDeviceToken, deviceCodeLogin, SLOW_DOWN_STEP_MS, type DeviceAuthorization, type DeviceFlowOptions, type DevicePollProgress } from "./device-code.ts";
export { decodeJwtPayload, openAICodexAccountId, emailFromIdToken } from "./jwt.ts";
export {
  openAICodexProvider,
  gitHubCopilotProvider,
  builtInOAuthProvider,
  customOAuthProvider,
  redirectUri,
  isLoopbackHost,
  OPENAI_CODEX_CLIENT_ID,
  GITHUB_COPILOT_CLIENT_ID,
  type OAuthProvider,
  type OAuthCallback,
  type CustomOAuthConfig,
} from "./providers.ts";

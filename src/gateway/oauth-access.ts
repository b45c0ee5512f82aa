// Turning a stored OAuth credential into an access token the upstream accepts
// (issue 11, DESIGN §4.4): refreshed 5 minutes before its expiry (at use time),
// or forced once after an upstream 401, through the refresh library
// (auth/refresh/refresh.ts: one refresh per credential across every process).
//
// Which credentials can refresh: the token endpoint that issued them must be
// one we may call as ourselves.
// - `openai-codex`, and OpenClaw 2026.9's `openai` OAuth logins (its rename of
//   `openai-codex`): OpenAI's endpoint (spec §4.2), overridable with
//   `models.providers.<id>.oauth.tokenUrl`.
// - a custom provider with `models.providers.<id>.auth: "oauth"` and an
//   `oauth` block: that block's endpoint and client.
// - anything else (Anthropic's OAuth, whose only client id is Claude Code's:
//   we never pass for Claude Code) is not refreshed: used until it expires.
import { credentialFingerprint } from "../auth/fingerprint.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { OAuthRefreshTransientError, OAuthRefreshUnavailableError, OAuthReloginRequiredError, isRefreshDue, refreshCredential, type RefreshCall, type RefreshResult } from "../auth/refresh/refresh.ts";
import { redactSecrets } from "../auth/redact.ts";
import type { OAuthCredential } from "../auth/store-schema.ts";
import type { UsableSecret } from "../auth/usable-secret.ts";
import { openAICodexAccountId } from "../oauth/jwt.ts";
import { customOAuthProvider, openAICodexProvider, type OAuthProvider } from "../oauth/providers.ts";
import { refreshAccessToken } from "../oauth/token-client.ts";
import type { StateContext } from "../state/context.ts";
import { ownValue } from "../state/own-keys.ts";
import type { CredentialChoice } from "./candidates.ts";
import type { GatewayDeps } from "./exchange.ts";
import type { AttemptFailure } from "./final-error.ts";
import type { GatewaySnapshot } from "./live-state.ts";
import { memo } from "./snapshot-memo.ts";

/** Credential providers whose OAuth logins are ChatGPT (Codex) logins. */
const CODEX_LOGIN_PROVIDERS = new Set(["openai-codex", "openai"]);

/** What a refreshable OAuth choice carries to the attempt (see upstream-credential.ts). */
export interface OAuthRefreshPlan {
  kind: "oauth-refresh";
  profileId: string;
  /** The stored expiry when planned (ms since the epoch), if any. */
  expires: number | undefined;
  refresh: RefreshCall;
}

function providerConfig(ctx: StateContext, id: string): Record<string, unknown> | undefined {
  const entry = Object.entries(ctx.config.models?.providers ?? {}).find(([key]) => normalizeProviderId(key) === id)?.[1];
  return entry as Record<string, unknown> | undefined;
}

function codexOverrides(block: unknown): { authorizeUrl?: string; tokenUrl?: string } {
  if (block === null || typeof block !== "object") return {};
  const { authorizeUrl, tokenUrl } = block as Record<string, unknown>;
  return { ...(typeof authorizeUrl === "string" ? { authorizeUrl } : {}), ...(typeof tokenUrl === "string" ? { tokenUrl } : {}) };
}

/** The OAuth provider whose token endpoint refreshes this credential provider's logins, or undefined (not refreshable). */
function refreshingProvider(ctx: StateContext, credentialProvider: string, log: (line: string) => void): OAuthProvider | undefined {
  const id = normalizeProviderId(credentialProvider);
  const config = providerConfig(ctx, id);
  try {
    if (CODEX_LOGIN_PROVIDERS.has(id)) return openAICodexProvider(codexOverrides(config?.["oauth"] ?? providerConfig(ctx, "openai-codex")?.["oauth"]));
    if (config?.["auth"] === "oauth" && config["oauth"] !== undefined) return customOAuthProvider(id, config["oauth"]);
  } catch (error) {
    log(`warning: ${id} OAuth logins will not be refreshed: ${(error as Error).message}`);
  }
  return undefined;
}

/** The token request for this credential provider's logins (once per loaded state), or undefined. */
export function oauthRefresher(ctx: StateContext, credentialProvider: string, log: (line: string) => void = () => {}): RefreshCall | undefined {
  return memo(ctx, `oauth-refresher:${normalizeProviderId(credentialProvider)}`, () => {
    const provider = refreshingProvider(ctx, credentialProvider, log);
    if (!provider) return undefined;
    const codex = CODEX_LOGIN_PROVIDERS.has(normalizeProviderId(credentialProvider));
    const call: RefreshCall = async (credential, signal) => {
      const tokens = await refreshAccessToken(provider, credential.refresh ?? "", { signal });
      const accountId = codex ? openAICodexAccountId(tokens.access) : undefined;
      // No expires_in in the answer: nothing says how long it lasts; an hour, so it is not refreshed on every request.
      return { access: tokens.access, ...(tokens.refresh ? { refresh: tokens.refresh } : {}), expires: tokens.expires ?? Date.now() + 3_600_000, ...(tokens.email ? { email: tokens.email } : {}), ...(accountId ? { accountId } : {}) };
    };
    return call;
  });
}

const accountIds = new WeakMap<OAuthCredential, string | undefined>();

/** Codex's `chatgpt-account-id`: stored with the login, else read from the access token's claim (once per credential object). */
export function codexAccountId(credential: OAuthCredential): string | undefined {
  if (credential.accountId) return credential.accountId;
  if (!CODEX_LOGIN_PROVIDERS.has(normalizeProviderId(credential.provider)) || !credential.access) return undefined;
  if (!accountIds.has(credential)) accountIds.set(credential, openAICodexAccountId(credential.access));
  return accountIds.get(credential);
}

/**
 * A stored OAuth profile as a choice: with a refresh plan when it can refresh
 * (then it is usable even expired or without an access token), else usable
 * only while its access token has not expired.
 */
export function oauthChoice(snapshot: GatewaySnapshot, profileId: string, credential: OAuthCredential, now: number): CredentialChoice | undefined {
  const access = credential.access?.trim() ?? "";
  const accountId = codexAccountId(credential);
  const secret: UsableSecret = { secret: access, kind: "oauth", ...(accountId ? { accountId } : {}) };
  const base = { profileId, fingerprint: credentialFingerprint(credential), source: `profile:${profileId}`, servedBy: profileId, secret };
  const refresh = credential.refresh ? oauthRefresher(snapshot.ctx, credential.provider) : undefined;
  if (refresh) return { ...base, prepare: { kind: "oauth-refresh", profileId, expires: credential.expires, refresh } };
  const expired = typeof credential.expires === "number" && credential.expires > 0 && now >= credential.expires;
  return access && !expired ? base : undefined;
}

/** Whether an attempt must go through the refresh library first (false on the fast path: a token with more than 5 minutes left). */
export function needsRefresh(plan: OAuthRefreshPlan, choice: CredentialChoice, now: number): boolean {
  return !choice.secret.secret || isRefreshDue({ expires: plan.expires }, now);
}

/** Results already logged: callers that joined one refresh share its result object, and the log says it once. */
const logged = new WeakSet<RefreshResult>();

function logOutcome(deps: GatewayDeps, profileId: string, result: RefreshResult, started: number): void {
  if (result.outcome === "fresh" || logged.has(result)) return;
  logged.add(result);
  deps.log(`oauth refresh ${profileId}: ${result.outcome} (${Date.now() - started} ms)`);
}

/** A refresh that did not give a token, as the attempt loop records it (never a cooldown: refreshCredential marked what needed marking). */
function refreshFailure(choice: CredentialChoice, modelKey: string, provider: string, error: unknown): AttemptFailure {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  if (error instanceof OAuthReloginRequiredError) return { model: modelKey, provider, source: choice.source, reason: "auth_permanent", message, local: true };
  if (error instanceof OAuthRefreshTransientError) {
    // The token endpoint's or the shared store's moment, like an upstream's: 502/504 (a retry can work), no cooldown.
    const timedOut = /timed out/i.test(message);
    const where = error.failedAt === "store" ? "the credential store" : "the OAuth token endpoint";
    return { model: modelKey, provider, source: choice.source, reason: timedOut ? "timeout" : "unknown", message: `${message} (${where})` };
  }
  // No refresh token, or no such login any more: only logging in again helps.
  if (error instanceof OAuthRefreshUnavailableError) return { model: modelKey, provider, source: choice.source, reason: "auth", message, local: true };
  // Anything else is not the login's fault: retryable, no cooldown.
  return { model: modelKey, provider, source: choice.source, reason: "unknown", message };
}

export interface RefreshRequest {
  deps: GatewayDeps;
  snapshot: GatewaySnapshot;
  choice: CredentialChoice;
  plan: OAuthRefreshPlan;
  modelKey: string;
  provider: string;
  /** The access token an upstream answered 401 to: refresh whatever the expiry says. */
  rejected?: string;
}

/** The choice with a usable access token (refreshed or adopted), or why there is none. */
export async function refreshedChoice(input: RefreshRequest): Promise<CredentialChoice | { failure: AttemptFailure }> {
  const { deps, snapshot, choice, plan } = input;
  const started = Date.now();
  try {
    const result = await refreshCredential({
      backend: deps.state.refreshBackend(),
      agentId: snapshot.agent.id,
      defaultAgentId: snapshot.primary.id,
      profileId: plan.profileId,
      stateDir: snapshot.ctx.stateDir,
      refresh: plan.refresh,
      // Tokens the shared state could not take yet are written later through the backend served then.
      currentBackend: () => deps.state.refreshBackend(),
      log: deps.log,
      ...(input.rejected !== undefined ? { force: true, rejectedAccess: input.rejected } : {}),
      ...(snapshot.ctx.config.auth?.cooldowns ? { cooldowns: snapshot.ctx.config.auth.cooldowns } : {}),
    });
    logOutcome(deps, plan.profileId, result, started);
    // Another process's token (the store is newer than what is served): the next request reloads.
    // Not for tokens held unsaved: the store does not have them yet, and their write updates what is served.
    const live = ownValue(deps.state.latest().view.merged.profiles, plan.profileId);
    if (!result.unsaved && (live?.type !== "oauth" || live.access !== result.access)) deps.state.credentialsChanged();
    const accountId = codexAccountId(result.credential);
    const secret: UsableSecret = { secret: result.access, kind: "oauth", ...(accountId ? { accountId } : {}) };
    return { ...choice, fingerprint: credentialFingerprint(result.credential), secret, prepare: { ...plan, expires: result.expires } };
  } catch (error) {
    deps.log(redactSecrets(`oauth refresh ${plan.profileId}: failed (${Date.now() - started} ms): ${error instanceof Error ? error.message : String(error)}`));
    return { failure: refreshFailure(choice, input.modelKey, input.provider, error) };
  }
}

// GitHub Copilot in the gateway (spec §4.4): the stored credential is a GitHub
// token, which the Copilot model API does not take. At use time it is
// exchanged for a short-lived Copilot token (providers/copilot/: cached in
// memory and in the state dir, one exchange per process at a time), and the
// request goes to the API host the Copilot token names, unless config sets
// `models.providers.github-copilot.baseUrl` (which then wins, as for any
// provider). The exchange endpoint is `models.providers.github-copilot.oauth.
// copilotTokenUrl` when set (tests), else GitHub's.
import { normalizeProviderId } from "../auth/provider-id.ts";
import { redactSecrets } from "../auth/redact.ts";
import { COPILOT_LOGIN_COMMAND, CopilotAccessError, COPILOT_TOKEN_URL, copilotRuntimeToken } from "../providers/copilot/copilot-token.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import type { StateContext } from "../state/context.ts";
import { ownValue } from "../state/own-keys.ts";
import { VERSION } from "../version.ts";
import type { CredentialChoice } from "./candidates.ts";
import type { GatewayDeps } from "./exchange.ts";
import type { AttemptFailure } from "./final-error.ts";
import { memo } from "./snapshot-memo.ts";

export const COPILOT_PROVIDER_ID = "github-copilot";

/** What a Copilot choice carries to the attempt (see upstream-credential.ts). */
export interface CopilotTokenPlan {
  kind: "copilot-token";
  /** The stored GitHub token (the choice's own secret is replaced by the Copilot token). */
  githubToken: string;
}

interface CopilotSettings {
  tokenUrl: string;
  /** True when config names the API's base URL: it then wins over the token's `proxy-ep`. */
  configuredBaseUrl: boolean;
}

function settings(ctx: StateContext): CopilotSettings {
  return memo(ctx, "copilot-settings", () => {
    const entry = Object.entries(ctx.config.models?.providers ?? {}).find(([key]) => normalizeProviderId(key) === COPILOT_PROVIDER_ID)?.[1] as Record<string, unknown> | undefined;
    const oauth = entry?.["oauth"];
    const override = oauth !== null && typeof oauth === "object" ? ownValue(oauth as Record<string, unknown>, "copilotTokenUrl") : undefined;
    const baseUrl = entry?.["baseUrl"];
    return { tokenUrl: typeof override === "string" && override.trim() ? override.trim() : COPILOT_TOKEN_URL, configuredBaseUrl: typeof baseUrl === "string" && baseUrl.trim() !== "" };
  });
}

/** The choice as planned for Copilot: its GitHub token is exchanged before it is sent. */
export function withCopilotPlan(spec: ProviderSpec, choice: CredentialChoice): CredentialChoice {
  if (spec.id !== COPILOT_PROVIDER_ID) return choice;
  return { ...choice, prepare: { kind: "copilot-token", githubToken: choice.secret.secret } };
}

// One spec object per API host (forward.ts caches endpoints per spec object).
// Copilot's API asks which editor is calling: we say who we are, never an
// editor we are not (DESIGN §4.4); headers from config win.
const specsByBase = new WeakMap<ProviderSpec, Map<string, ProviderSpec>>();
function specFor(spec: ProviderSpec, baseUrl: string): ProviderSpec {
  let byBase = specsByBase.get(spec);
  if (!byBase) specsByBase.set(spec, (byBase = new Map()));
  let derived = byBase.get(baseUrl);
  if (!derived) byBase.set(baseUrl, (derived = { ...spec, baseUrl, headers: { "editor-version": `openclaw/${VERSION}`, ...spec.headers } }));
  return derived;
}

export interface CopilotRequest {
  deps: GatewayDeps;
  ctx: StateContext;
  spec: ProviderSpec;
  choice: CredentialChoice;
  plan: CopilotTokenPlan;
  modelKey: string;
  /** The Copilot token the model API just answered 401 to: exchanged anew. */
  rejected?: string;
}

/** The choice with the Copilot token and the API host to send it to, or why there is none. */
export async function copilotChoice(input: CopilotRequest): Promise<CredentialChoice | { failure: AttemptFailure }> {
  const { ctx, spec, choice, plan } = input;
  const { tokenUrl, configuredBaseUrl } = settings(ctx);
  try {
    const runtime = await copilotRuntimeToken(plan.githubToken, { stateDir: ctx.stateDir, tokenUrl, ...(input.rejected !== undefined ? { rejected: input.rejected } : {}), warn: (message) => input.deps.log(`warning: ${message}`) });
    return { ...choice, secret: { secret: runtime.token, kind: "api_key" }, sendTo: specFor(spec, configuredBaseUrl ? spec.baseUrl : runtime.baseUrl) };
  } catch (error) {
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    const failure: AttemptFailure = { model: input.modelKey, provider: spec.id, source: choice.source, message, reason: "unknown" };
    // GitHub refused the token: logging in again is the fix, and the credential is not tried again by retrying.
    if (error instanceof CopilotAccessError) Object.assign(failure, { reason: "auth", local: true, fix: COPILOT_LOGIN_COMMAND, message: `${message} Log in again: ${COPILOT_LOGIN_COMMAND}` });
    else failure.message = `${message} (the Copilot token exchange)`;
    return { failure };
  }
}

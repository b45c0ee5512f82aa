// The Anthropic setup-token step (spec §3.5 `token`, §5 validation): the same
// validation and storage as `models auth setup-token`, with onboard's profile
// id (`--token-profile-id`, else anthropic:default) and optional expiry.
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { registerSecret } from "../../../auth/redact.ts";
import type { CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { parseDurationMs } from "../../parse-duration.ts";
import { resolveProfileId, saveCredential } from "../auth/save-credential.ts";
import { validateAnthropicSetupToken } from "../auth/setup-token.ts";

export interface TokenFlags {
  tokenProvider?: string;
  token?: string;
  tokenProfileId?: string;
  tokenExpiresIn?: string;
}

export interface TokenPlan {
  profileId: string;
  token: string;
  expiresInMs: number | undefined;
}

/** Checks the flags in OpenClaw's order; nothing is written. */
export function planToken(flags: TokenFlags): TokenPlan {
  if (flags.tokenProvider === undefined || flags.tokenProvider.trim() === "") throw new UsageError("Missing --token-provider for --auth-choice token.");
  if (normalizeProviderId(flags.tokenProvider) !== "anthropic") throw new UsageError("Only --token-provider anthropic is supported for --auth-choice token.");
  if (flags.token === undefined || flags.token.trim() === "") throw new UsageError("Missing --token for --auth-choice token.");
  const token = flags.token.trim();
  registerSecret(token);
  const problem = validateAnthropicSetupToken(token);
  if (problem) throw new UsageError(problem);
  let expiresInMs: number | undefined;
  if (flags.tokenExpiresIn !== undefined) {
    try {
      expiresInMs = parseDurationMs(flags.tokenExpiresIn, "d");
    } catch (error) {
      throw new UsageError(`Invalid --token-expires-in: ${(error as Error).message}`);
    }
  }
  return { profileId: resolveProfileId("anthropic", flags.tokenProfileId, "default"), token, expiresInMs };
}

export async function storeToken(cc: CommandContext, plan: TokenPlan): Promise<void> {
  const credential = {
    type: "token" as const,
    provider: "anthropic",
    token: plan.token,
    ...(plan.expiresInMs !== undefined ? { expires: cc.io.now() + plan.expiresInMs } : {}),
  };
  await saveCredential(cc, plan.profileId, credential, "token");
}

// `openclaw models auth paste-api-key --provider <p> [--profile-id <id>]`.
import { loadCommandContext } from "../../command-context.ts";
import type { CliIO } from "../../io.ts";
import { readSecret } from "../../secret-input.ts";
import { checkProviderSpelling } from "./provider-spelling.ts";
import { pastedKindProblem, requireProvider, resolveProfileId, saveCredential } from "./save-credential.ts";

export interface PasteApiKeyOptions {
  provider?: string;
  profileId?: string;
  agent?: string;
  /** Store it even when the provider id looks like a typo of a known one. */
  force?: boolean;
}

export function apiKeyProblem(provider: string, key: string): string | undefined {
  return pastedKindProblem(provider, key, "api_key");
}

export async function run(options: PasteApiKeyOptions, io: CliIO): Promise<number> {
  const provider = requireProvider(options.provider);
  const cc = await loadCommandContext(io, options.agent);
  // Each era's own default, so scripts written for the user's OpenClaw keep working: 2026.9 uses
  // <provider>:manual, except Anthropic's own default (checked against the real release).
  const profileId = resolveProfileId(provider, options.profileId, cc.ctx.era === "sqlite" && provider !== "anthropic" ? "manual" : "default");
  checkProviderSpelling(provider, cc.ctx.config, options.force);
  const key = await readSecret(io, {
    message: `Paste API key for ${provider}`,
    noun: "API key",
    validate: (value) => apiKeyProblem(provider, value),
  });
  await saveCredential(cc, profileId, { type: "api_key", provider, key }, "api_key");
  return 0;
}
